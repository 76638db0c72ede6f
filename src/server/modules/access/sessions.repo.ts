import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { sessions } from '../../db/schema.js';

export type SessionRow = typeof sessions.$inferSelect;

export async function insertSession(db: Drizzle, row: typeof sessions.$inferInsert) {
  await db.insert(sessions).values(row);
}

export async function findSession(db: Drizzle, tokenHash: string) {
  const [row] = await db.select().from(sessions).where(eq(sessions.tokenHash, tokenHash));
  return row;
}

export async function touchSession(db: Drizzle, tokenHash: string, at: Date) {
  await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.tokenHash, tokenHash));
}

export async function deleteSession(db: Drizzle, tokenHash: string) {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

/** Ends every session of a user, or every one but the given session. */
export async function deleteUserSessions(db: Drizzle, userId: string, exceptTokenHash?: string) {
  const deleted = await db
    .delete(sessions)
    .where(
      and(eq(sessions.userId, userId), exceptTokenHash ? ne(sessions.tokenHash, exceptTokenHash) : undefined),
    )
    .returning({ tokenHash: sessions.tokenHash });
  return deleted.length;
}

export async function listUserSessions(db: Drizzle, userId: string) {
  return db.select().from(sessions).where(eq(sessions.userId, userId)).orderBy(desc(sessions.lastSeenAt));
}

/** Counts a wrong second-factor answer of a pending sign-in; returns how many it has had. */
export async function countSecondFactorFailure(db: Drizzle, tokenHash: string): Promise<number> {
  const [row] = await db
    .update(sessions)
    .set({ secondFactorFailures: sql`${sessions.secondFactorFailures} + 1` })
    .where(eq(sessions.tokenHash, tokenHash))
    .returning({ failures: sessions.secondFactorFailures });
  return row?.failures ?? 0;
}

/** Wrong second-factor answers of a pending sign-in so far; null when the session is gone. */
export async function secondFactorFailures(db: Drizzle, tokenHash: string): Promise<number | null> {
  const [row] = await db
    .select({ failures: sessions.secondFactorFailures })
    .from(sessions)
    .where(eq(sessions.tokenHash, tokenHash));
  return row?.failures ?? null;
}
