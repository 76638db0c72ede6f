import { and, eq, inArray, isNull, lt, notLike } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { recoveryCodes, totpCredentials } from '../../db/schema.js';

export async function findTotp(db: Drizzle, userId: string) {
  const [row] = await db.select().from(totpCredentials).where(eq(totpCredentials.userId, userId));
  return row;
}

/** Starts (or restarts) enrolment with a new, unconfirmed secret. */
export async function putPendingTotp(db: Drizzle, userId: string, secretEncrypted: string, at: Date) {
  await db
    .insert(totpCredentials)
    .values({ userId, secretEncrypted, createdAt: at })
    .onConflictDoUpdate({
      target: totpCredentials.userId,
      set: { secretEncrypted, confirmedAt: null, lastTimeStep: 0, createdAt: at },
    });
}

/** An authenticator already confirmed (the demo accounts', whose secrets are printed at first start). */
export async function insertConfirmedTotp(db: Drizzle, userId: string, secretEncrypted: string, at: Date) {
  await db.insert(totpCredentials).values({ userId, secretEncrypted, confirmedAt: at });
}

/** Records an accepted code's time step (and confirms a pending authenticator). */
export async function acceptTotpStep(
  db: Drizzle,
  userId: string,
  timeStep: number,
  at: Date,
  confirm: boolean,
) {
  // The step must move forward: two requests racing with the same code cannot both pass.
  const updated = await db
    .update(totpCredentials)
    .set(confirm ? { lastTimeStep: timeStep, confirmedAt: at } : { lastTimeStep: timeStep })
    .where(and(eq(totpCredentials.userId, userId), lt(totpCredentials.lastTimeStep, timeStep)))
    .returning({ userId: totpCredentials.userId });
  return updated.length === 1;
}

export async function replaceRecoveryCodes(db: Drizzle, userId: string, codeHashes: string[]) {
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await db.insert(recoveryCodes).values(codeHashes.map((codeHash) => ({ userId, codeHash })));
}

/** Uses up a recovery code (any of its stored forms); false if it does not exist or was used. */
export async function consumeRecoveryCode(db: Drizzle, userId: string, codeHashes: string[], at: Date) {
  const used = await db
    .update(recoveryCodes)
    .set({ usedAt: at })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        inArray(recoveryCodes.codeHash, codeHashes),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ userId: recoveryCodes.userId });
  return used.length >= 1;
}

/** Recovery codes still stored in a form that is not keyed (`k1:`), for the upgrade at start. */
export async function unkeyedRecoveryCodes(db: Drizzle) {
  return db
    .select({ userId: recoveryCodes.userId, codeHash: recoveryCodes.codeHash })
    .from(recoveryCodes)
    .where(notLike(recoveryCodes.codeHash, 'k1:%'));
}

/** Replaces one stored recovery-code hash with its keyed form (no-op if another process did it). */
export async function rewriteRecoveryCodeHash(db: Drizzle, userId: string, from: string, to: string) {
  await db
    .update(recoveryCodes)
    .set({ codeHash: to })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, from)));
}
