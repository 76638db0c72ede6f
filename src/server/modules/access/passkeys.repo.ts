import { and, eq, sql } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { passkeys, webauthnChallenges } from '../../db/schema.js';

export type PasskeyRow = typeof passkeys.$inferSelect;

export async function listPasskeys(db: Drizzle, userId: string) {
  return db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(passkeys.createdAt);
}

export async function findPasskey(db: Drizzle, userId: string, id: string) {
  const [row] = await db
    .select()
    .from(passkeys)
    .where(and(eq(passkeys.userId, userId), eq(passkeys.id, id)));
  return row;
}

export async function insertPasskey(db: Drizzle, row: typeof passkeys.$inferInsert) {
  await db.insert(passkeys).values(row);
}

/** Records a use; the signature counter must move forward (a cloned authenticator would repeat it). */
export async function usePasskey(db: Drizzle, id: string, counter: number, at: Date) {
  const updated = await db
    .update(passkeys)
    .set({ counter, lastUsedAt: at })
    .where(
      and(
        eq(passkeys.id, id),
        sql`(${passkeys.counter} = 0 and ${counter} = 0) or ${passkeys.counter} < ${counter}`,
      ),
    )
    .returning({ id: passkeys.id });
  return updated.length === 1;
}

export async function deletePasskey(db: Drizzle, userId: string, id: string) {
  const deleted = await db
    .delete(passkeys)
    .where(and(eq(passkeys.userId, userId), eq(passkeys.id, id)))
    .returning({ id: passkeys.id });
  return deleted.length === 1;
}

/** Stores the session's pending challenge, replacing any earlier one. */
export async function putChallenge(
  db: Drizzle,
  sessionTokenHash: string,
  challenge: string,
  purpose: 'register' | 'authenticate',
  expiresAt: Date,
) {
  await db
    .insert(webauthnChallenges)
    .values({ sessionTokenHash, challenge, purpose, expiresAt })
    .onConflictDoUpdate({
      target: webauthnChallenges.sessionTokenHash,
      set: { challenge, purpose, expiresAt },
    });
}

/** Takes (and removes) the session's pending challenge: each can be answered once. */
export async function takeChallenge(
  db: Drizzle,
  sessionTokenHash: string,
  purpose: 'register' | 'authenticate',
) {
  const [row] = await db
    .delete(webauthnChallenges)
    .where(
      and(eq(webauthnChallenges.sessionTokenHash, sessionTokenHash), eq(webauthnChallenges.purpose, purpose)),
    )
    .returning();
  return row;
}
