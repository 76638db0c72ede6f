import { sql } from 'drizzle-orm';
import type { Drizzle } from '../db/database.js';

/**
 * A spent challenge is kept this long past its expiry: processes judge expiry by their own clocks,
 * and one whose clock runs ahead must not forget a challenge another still accepts.
 */
const CLOCK_MARGIN_MINUTES = 5;

/**
 * Marks a verified challenge spent, for every Faro process at once: one insert that does nothing
 * when the signature is already there. True when this call spent it (the first), false when it
 * was spent before.
 */
export async function spendChallenge(db: Drizzle, signature: string, expiresAt: Date): Promise<boolean> {
  const result = await db.execute(sql`
    insert into spent_challenges (signature, expires_at)
    values (${signature}, ${expiresAt.toISOString()}::timestamptz)
    on conflict (signature) do nothing
    returning signature`);
  return result.rows.length > 0;
}

/** Deletes up to `limit` challenges expired (with the clock margin) by `now`. */
export async function sweepSpentChallenges(db: Drizzle, now: Date, limit: number): Promise<void> {
  await db.execute(sql`
    delete from spent_challenges where signature in (
      select signature from spent_challenges
      where expires_at < ${now.toISOString()}::timestamptz - make_interval(mins => ${CLOCK_MARGIN_MINUTES})
      limit ${limit})`);
}
