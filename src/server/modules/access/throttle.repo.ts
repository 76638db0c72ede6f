import { eq, sql } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { signInThrottle } from '../../db/schema.js';

/** How long a key is blocked, if at all. */
export async function blockedUntil(db: Drizzle, key: string): Promise<Date | null> {
  const [row] = await db
    .select({ blockedUntil: signInThrottle.blockedUntil })
    .from(signInThrottle)
    .where(eq(signInThrottle.key, key));
  return row?.blockedUntil ?? null;
}

/**
 * Counts a failure and blocks the key for a time that doubles with every
 * failure past the free ones (growing back-off), up to a ceiling.
 */
export async function recordFailure(
  db: Drizzle,
  key: string,
  at: Date,
  policy: { freeFailures: number; baseSeconds: number; maxSeconds: number },
): Promise<{ failures: number; until: Date | null }> {
  const [row] = await db
    .insert(signInThrottle)
    .values({ key, failures: 1, updatedAt: at })
    .onConflictDoUpdate({
      target: signInThrottle.key,
      set: { failures: sql`${signInThrottle.failures} + 1`, updatedAt: at },
    })
    .returning({ failures: signInThrottle.failures });
  const failures = row?.failures ?? 1;
  if (failures <= policy.freeFailures) return { failures, until: null };
  const seconds = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** (failures - policy.freeFailures - 1));
  const until = new Date(at.getTime() + seconds * 1000);
  await db.update(signInThrottle).set({ blockedUntil: until }).where(eq(signInThrottle.key, key));
  return { failures, until };
}

/**
 * Locks a key's row until the transaction ends (creating it at zero), so
 * attempts on one key are judged one at a time: parallel guesses cannot all
 * pass the check before the first failure is counted.
 */
export async function lockKey(db: Drizzle, key: string, at: Date): Promise<{ blockedUntil: Date | null }> {
  await db.insert(signInThrottle).values({ key, failures: 0, updatedAt: at }).onConflictDoNothing();
  const [row] = await db
    .select({ blockedUntil: signInThrottle.blockedUntil })
    .from(signInThrottle)
    .where(eq(signInThrottle.key, key))
    .for('update');
  return { blockedUntil: row?.blockedUntil ?? null };
}

export async function clearFailures(db: Drizzle, key: string) {
  await db.delete(signInThrottle).where(eq(signInThrottle.key, key));
}
