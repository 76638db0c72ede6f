import { and, asc, eq, gt, isNull, lt, min, sql } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import {
  caseContacts,
  caseFamilyAccess,
  caseFamilyAttempts,
  caseFamilyTexts,
  caseHearings,
  cases,
} from '../../db/schema.js';
import { type BackOff, backOffSeconds } from '../access/code-unlock.js';

/** The only writer of case_family_access, case_family_attempts and case_family_texts (schema/case-family.ts). */

export type FamilyAccessRow = typeof caseFamilyAccess.$inferSelect;

export async function insertFamilyAccess(db: Drizzle, row: typeof caseFamilyAccess.$inferInsert) {
  await db.insert(caseFamilyAccess).values(row);
}

/** Whether a code digest is taken (by any coalition: the column is unique). */
export async function familyCodeTaken(db: Drizzle, codeDigest: string): Promise<boolean> {
  const [row] = await db
    .select({ id: caseFamilyAccess.id })
    .from(caseFamilyAccess)
    .where(eq(caseFamilyAccess.codeDigest, codeDigest));
  return Boolean(row);
}

/** Revokes the contact's codes still in force; returns how many. */
export async function revokeFamilyAccess(db: Drizzle, caseId: string, contactId: string, at: Date) {
  const revoked = await db
    .update(caseFamilyAccess)
    .set({ revokedAt: at })
    .where(
      and(
        eq(caseFamilyAccess.caseId, caseId),
        eq(caseFamilyAccess.contactId, contactId),
        isNull(caseFamilyAccess.revokedAt),
      ),
    )
    .returning({ id: caseFamilyAccess.id });
  return revoked.length;
}

/** The codes in force on a case: which contact, since when. */
export function familyAccessOf(db: Drizzle, caseId: string) {
  return db
    .select({ contactId: caseFamilyAccess.contactId, issuedAt: caseFamilyAccess.createdAt })
    .from(caseFamilyAccess)
    .where(and(eq(caseFamilyAccess.caseId, caseId), isNull(caseFamilyAccess.revokedAt)))
    .orderBy(asc(caseFamilyAccess.createdAt));
}

/** A code in force in this coalition, with its case's stage and the contact it was given to. */
export async function familyAccessByCode(db: Drizzle, coalitionId: string, codeDigest: string) {
  const [row] = await db
    .select({ access: caseFamilyAccess, case: cases, contact: caseContacts })
    .from(caseFamilyAccess)
    .innerJoin(cases, eq(cases.id, caseFamilyAccess.caseId))
    .innerJoin(caseContacts, eq(caseContacts.id, caseFamilyAccess.contactId))
    .where(
      and(
        eq(caseFamilyAccess.coalitionId, coalitionId),
        eq(cases.coalitionId, coalitionId),
        eq(caseFamilyAccess.codeDigest, codeDigest),
        isNull(caseFamilyAccess.revokedAt),
      ),
    );
  return row ?? null;
}

/** The case's next hearing after `at`, or null. */
export async function nextHearingAt(db: Drizzle, caseId: string, at: Date): Promise<Date | null> {
  const [row] = await db
    .select({ at: min(caseHearings.at) })
    .from(caseHearings)
    .where(and(eq(caseHearings.caseId, caseId), gt(caseHearings.at, at)));
  return row?.at ? new Date(row.at) : null;
}

/**
 * Takes an attempt on a key under a row lock (created at zero): returns when it is blocked until,
 * as it stood, and counts this attempt as a failure under the back-off rule — a correct PIN takes
 * it back afterwards. Counting first means parallel guesses cannot all pass before one is written.
 */
export async function takeFamilyAttempt(
  db: Drizzle,
  key: string,
  at: Date,
  policy: BackOff,
): Promise<{ blockedUntil: Date | null; failures: number }> {
  await db.insert(caseFamilyAttempts).values({ key, failures: 0, updatedAt: at }).onConflictDoNothing();
  const [row] = await db
    .select()
    .from(caseFamilyAttempts)
    .where(eq(caseFamilyAttempts.key, key))
    .for('update');
  const blockedUntil = row?.blockedUntil ?? null;
  if (blockedUntil && blockedUntil > at) return { blockedUntil, failures: row?.failures ?? 0 };
  const failures = (row?.failures ?? 0) + 1;
  const seconds = backOffSeconds(policy, failures);
  await db
    .update(caseFamilyAttempts)
    .set({ failures, updatedAt: at, blockedUntil: seconds ? new Date(at.getTime() + seconds * 1000) : null })
    .where(eq(caseFamilyAttempts.key, key));
  return { blockedUntil: null, failures };
}

export async function forgiveFamilyAttempt(db: Drizzle, key: string): Promise<void> {
  await db
    .update(caseFamilyAttempts)
    .set({ failures: sql`greatest(${caseFamilyAttempts.failures} - 1, 0)` })
    .where(eq(caseFamilyAttempts.key, key));
}

export async function clearFamilyAttempts(db: Drizzle, key: string): Promise<void> {
  await db.delete(caseFamilyAttempts).where(eq(caseFamilyAttempts.key, key));
}

/** Attempt rows untouched since `before` (nothing blocked any more): forgotten. */
export async function purgeOldFamilyAttempts(db: Drizzle, before: Date): Promise<number> {
  const deleted = await db
    .delete(caseFamilyAttempts)
    .where(lt(caseFamilyAttempts.updatedAt, before))
    .returning({ key: caseFamilyAttempts.key });
  return deleted.length;
}

/** Whether a status text from the provider was answered already. */
export async function familyTextSeen(db: Drizzle, sourceRef: string): Promise<boolean> {
  const [row] = await db
    .select({ ref: caseFamilyTexts.sourceRef })
    .from(caseFamilyTexts)
    .where(eq(caseFamilyTexts.sourceRef, sourceRef));
  return Boolean(row);
}

/** Records a status text as answered: false when it already was (the same delivery twice). */
export async function recordFamilyText(db: Drizzle, sourceRef: string, at: Date): Promise<boolean> {
  const inserted = await db
    .insert(caseFamilyTexts)
    .values({ sourceRef, at })
    .onConflictDoNothing()
    .returning({ ref: caseFamilyTexts.sourceRef });
  return inserted.length > 0;
}

/** Answered texts older than `before`: no provider delivers the same message that late. */
export async function purgeOldFamilyTexts(db: Drizzle, before: Date): Promise<number> {
  const deleted = await db
    .delete(caseFamilyTexts)
    .where(lt(caseFamilyTexts.at, before))
    .returning({ ref: caseFamilyTexts.sourceRef });
  return deleted.length;
}
