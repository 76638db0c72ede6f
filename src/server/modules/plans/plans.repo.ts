import { and, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import {
  emergencyPlans,
  planActivations,
  planAttempts,
  planPasskeyChallenges,
  planPasskeys,
  planTexts,
} from '../../db/schema.js';
import { type BackOff, backOffSeconds } from '../access/code-unlock.js';

/**
 * The only place that writes the plans module's tables (emergency_plans, plan_activations,
 * plan_attempts, plan_passkeys, plan_passkey_challenges, plan_texts).
 */

export type PlanRow = typeof emergencyPlans.$inferSelect;
export type NewPlanRow = typeof emergencyPlans.$inferInsert;

export async function insertPlan(db: Drizzle, row: NewPlanRow): Promise<void> {
  await db.insert(emergencyPlans).values(row);
}

/** The plan stored under this code digest, in this coalition. */
export async function planByCodeDigest(
  db: Drizzle,
  coalitionId: string,
  codeDigest: string,
): Promise<PlanRow | null> {
  const [row] = await db
    .select()
    .from(emergencyPlans)
    .where(and(eq(emergencyPlans.coalitionId, coalitionId), eq(emergencyPlans.codeDigest, codeDigest)));
  return row ?? null;
}

export async function updatePlan(
  db: Drizzle,
  id: string,
  set: Partial<
    Pick<
      NewPlanRow,
      | 'sealed'
      | 'contactCount'
      | 'caseConsentAt'
      | 'caseConsentHow'
      | 'testMode'
      | 'state'
      | 'lastConfirmedAt'
      | 'reminderSentAt'
    >
  >,
): Promise<void> {
  await db.update(emergencyPlans).set(set).where(eq(emergencyPlans.id, id));
}

/**
 * Records an activation unless one from the same source exists (the same text delivered twice):
 * true when this call recorded it.
 */
export async function insertActivation(
  db: Drizzle,
  row: typeof planActivations.$inferInsert,
): Promise<boolean> {
  const inserted = await db
    .insert(planActivations)
    .values(row)
    .onConflictDoNothing({ target: planActivations.sourceRef })
    .returning({ id: planActivations.id });
  return inserted.length > 0;
}

/** Holds the plan's row for the rest of the transaction: activations of one plan are taken one at a time. */
export async function lockPlan(db: Drizzle, planId: string): Promise<void> {
  await db
    .select({ id: emergencyPlans.id })
    .from(emergencyPlans)
    .where(eq(emergencyPlans.id, planId))
    .for('update');
}

/** A plan's activations since `since`: real ones (its contacts texted) and tests. */
export async function activationCountsSince(
  db: Drizzle,
  planId: string,
  since: Date,
): Promise<{ real: number; test: number }> {
  const rows = await db
    .select({ test: planActivations.test, at: planActivations.at })
    .from(planActivations)
    .where(and(eq(planActivations.planId, planId), gte(planActivations.at, since)));
  return {
    real: rows.filter((row) => !row.test).length,
    test: rows.filter((row) => row.test).length,
  };
}

export async function activationsOf(db: Drizzle, planId: string) {
  return db.select().from(planActivations).where(eq(planActivations.planId, planId));
}

/** Plans not confirmed since `before` and not yet reminded. */
export async function plansToRemind(db: Drizzle, before: Date): Promise<PlanRow[]> {
  return db
    .select()
    .from(emergencyPlans)
    .where(and(lt(emergencyPlans.lastConfirmedAt, before), isNull(emergencyPlans.reminderSentAt)))
    .limit(500);
}

/** Deletes plans not confirmed since `before` (their activations with them). */
export async function purgeUnconfirmedPlans(db: Drizzle, before: Date): Promise<number> {
  const deleted = await db
    .delete(emergencyPlans)
    .where(lt(emergencyPlans.lastConfirmedAt, before))
    .returning({ id: emergencyPlans.id });
  return deleted.length;
}

/**
 * Takes an attempt on a key under a row lock (created at zero): returns when it is blocked until,
 * as it stood, and counts this attempt as a failure — a correct PIN takes it back afterwards
 * (`forgiveAttempt`/`clearAttempts`). Counting first means parallel guesses cannot all pass the
 * check before the first failure is written.
 */
export async function takeAttempt(
  db: Drizzle,
  key: string,
  at: Date,
  policy: BackOff,
): Promise<{ blockedUntil: Date | null; failures: number }> {
  await db.insert(planAttempts).values({ key, failures: 0, updatedAt: at }).onConflictDoNothing();
  const [row] = await db.select().from(planAttempts).where(eq(planAttempts.key, key)).for('update');
  const blockedUntil = row?.blockedUntil ?? null;
  if (blockedUntil && blockedUntil > at) return { blockedUntil, failures: row?.failures ?? 0 };
  const failures = (row?.failures ?? 0) + 1;
  const seconds = backOffSeconds(policy, failures);
  await db
    .update(planAttempts)
    .set({ failures, updatedAt: at, blockedUntil: seconds ? new Date(at.getTime() + seconds * 1000) : null })
    .where(eq(planAttempts.key, key));
  return { blockedUntil: null, failures };
}

/** A correct PIN: the attempt counted on this key is taken back. */
export async function forgiveAttempt(db: Drizzle, key: string): Promise<void> {
  await db
    .update(planAttempts)
    .set({ failures: sql`greatest(${planAttempts.failures} - 1, 0)` })
    .where(eq(planAttempts.key, key));
}

export async function clearAttempts(db: Drizzle, key: string): Promise<void> {
  await db.delete(planAttempts).where(eq(planAttempts.key, key));
}

/** Attempt rows untouched since `before` (nothing blocked any more): forgotten. */
export async function purgeOldAttempts(db: Drizzle, before: Date): Promise<number> {
  const deleted = await db
    .delete(planAttempts)
    .where(lt(planAttempts.updatedAt, before))
    .returning({ key: planAttempts.key });
  return deleted.length;
}

/** Whether a plan text (`sms:<MessageSid>`) was answered already. */
export async function planTextSeen(db: Drizzle, sourceRef: string): Promise<boolean> {
  const [row] = await db
    .select({ ref: planTexts.sourceRef })
    .from(planTexts)
    .where(eq(planTexts.sourceRef, sourceRef));
  return Boolean(row);
}

/** Records a plan text as answered: false when it already was (the same delivery twice). */
export async function recordPlanText(db: Drizzle, sourceRef: string, at: Date): Promise<boolean> {
  const inserted = await db
    .insert(planTexts)
    .values({ sourceRef, at })
    .onConflictDoNothing()
    .returning({ ref: planTexts.sourceRef });
  return inserted.length > 0;
}

/** Answered plan texts older than `before`: no provider delivers the same message that late. */
export async function purgeOldPlanTexts(db: Drizzle, before: Date): Promise<void> {
  await db.delete(planTexts).where(lt(planTexts.at, before));
}

/** An activation with its plan (none if the plan was deleted since). */
export async function activationWithPlan(db: Drizzle, activationId: string) {
  const [row] = await db
    .select({ activation: planActivations, plan: emergencyPlans })
    .from(planActivations)
    .innerJoin(emergencyPlans, eq(emergencyPlans.id, planActivations.planId))
    .where(eq(planActivations.id, activationId));
  return row;
}

/** The case an activation asked for is open. */
export async function markCaseOpened(db: Drizzle, activationId: string, at: Date): Promise<void> {
  await db.update(planActivations).set({ caseOpenedAt: at }).where(eq(planActivations.id, activationId));
}

export type PlanPasskeyRow = typeof planPasskeys.$inferSelect;

export function planPasskeysOf(db: Drizzle, planId: string): Promise<PlanPasskeyRow[]> {
  return db.select().from(planPasskeys).where(eq(planPasskeys.planId, planId));
}

export async function findPlanPasskey(db: Drizzle, id: string) {
  const [row] = await db
    .select({ passkey: planPasskeys, plan: emergencyPlans })
    .from(planPasskeys)
    .innerJoin(emergencyPlans, eq(emergencyPlans.id, planPasskeys.planId))
    .where(eq(planPasskeys.id, id));
  return row;
}

export async function insertPlanPasskey(db: Drizzle, row: typeof planPasskeys.$inferInsert) {
  await db.insert(planPasskeys).values(row).onConflictDoNothing();
}

/** Records a use; the signature counter must move forward (a cloned authenticator would repeat it). */
export async function recordPlanPasskeyUse(db: Drizzle, id: string, counter: number, at: Date) {
  const updated = await db
    .update(planPasskeys)
    .set({ counter, lastUsedAt: at })
    .where(
      and(
        eq(planPasskeys.id, id),
        sql`((${planPasskeys.counter} = 0 and ${counter} = 0) or ${planPasskeys.counter} < ${counter})`,
      ),
    )
    .returning({ id: planPasskeys.id });
  return updated.length === 1;
}

export async function deletePlanPasskeys(db: Drizzle, planId: string): Promise<number> {
  const deleted = await db
    .delete(planPasskeys)
    .where(eq(planPasskeys.planId, planId))
    .returning({ id: planPasskeys.id });
  return deleted.length;
}

export async function putPlanChallenge(db: Drizzle, row: typeof planPasskeyChallenges.$inferInsert) {
  await db.insert(planPasskeyChallenges).values(row);
}

/** Takes a challenge once (deleted as it is read); null if unknown, of another purpose or expired. */
export async function takePlanChallenge(
  db: Drizzle,
  id: string,
  purpose: 'register' | 'authenticate',
  at: Date,
) {
  const [row] = await db
    .delete(planPasskeyChallenges)
    .where(and(eq(planPasskeyChallenges.id, id), eq(planPasskeyChallenges.purpose, purpose)))
    .returning();
  return row && row.expiresAt > at ? row : null;
}

/** Challenges past their minutes, never taken: forgotten (retention). */
export async function purgeOldPlanChallenges(db: Drizzle, before: Date): Promise<void> {
  await db.delete(planPasskeyChallenges).where(lt(planPasskeyChallenges.expiresAt, before));
}
