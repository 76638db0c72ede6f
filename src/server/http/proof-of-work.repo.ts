import { sql } from 'drizzle-orm';
import type { Drizzle } from '../db/database.js';

/** How many expired challenges one verification deletes at most: the cleaning stays cheap. */
const SWEEP_LIMIT = 100;
/**
 * A spent challenge is kept this long past its expiry: processes judge expiry by their own clocks,
 * and one whose clock runs ahead must not forget a challenge another still accepts.
 */
const CLOCK_MARGIN_MINUTES = 5;

/**
 * Marks a verified challenge spent, for every Faro process at once: one insert that does nothing
 * when the signature is already there. True when this call spent it (the first), false when it
 * was spent before. Deletes a few expired rows on the way.
 */
export async function spendChallenge(
  db: Drizzle,
  signature: string,
  expiresAt: Date,
  now: Date,
): Promise<boolean> {
  await db.execute(sql`
    delete from spent_challenges where signature in (
      select signature from spent_challenges
      where expires_at < ${now.toISOString()}::timestamptz - make_interval(mins => ${CLOCK_MARGIN_MINUTES})
      limit ${SWEEP_LIMIT})`);
  const result = await db.execute(sql`
    insert into spent_challenges (signature, expires_at)
    values (${signature}, ${expiresAt.toISOString()}::timestamptz)
    on conflict (signature) do nothing
    returning signature`);
  return result.rows.length > 0;
}
