import { normalizePlanCode } from '../../../shared/plan.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { type BackOff, type CodeSender, senderAttemptKey, unlockWithCode } from '../access/code-unlock.js';
import { clearAttempts, forgiveAttempt, type PlanRow, planByCodeDigest, takeAttempt } from './plans.repo.js';

/** Who is trying a code and PIN: a web client (its address), a phone that texted, a hotline operator. */
export type PlanSender = CodeSender;

const planAttemptStore = { take: takeAttempt, forgive: forgiveAttempt, clear: clearAttempts };

/** Wrong attempts on one plan code from one sender: three free, then 10 s doubling up to an hour. */
export const PLAN_CODE_BACK_OFF: BackOff = { freeFailures: 3, baseSeconds: 10, maxSeconds: 3600 };
/**
 * On one plan code from everyone: twenty free, then a minute doubling up to an hour — a 4-digit PIN
 * then takes months to guess from any number of phones, and one phone cannot lock the family out.
 */
export const PLAN_CODE_TOTAL_BACK_OFF: BackOff = { freeFailures: 20, baseSeconds: 60, maxSeconds: 3600 };
/** Per sender, more lenient (a hotline operator, a shared phone): ten free, then 5 s doubling to 30 minutes. */
export const PLAN_SENDER_BACK_OFF: BackOff = { freeFailures: 10, baseSeconds: 5, maxSeconds: 1800 };
/** At this many wrong attempts in a row on a code, the plan's first contact is told once. */
export const PLAN_NOTICE_AFTER = 5;

/** The keyed digest a plan is found by: the code itself is never stored. */
export const planCodeDigest = (box: SecretBox, symbols: string) => box.digest(symbols, 'plan-code');
/** The PIN as the slow hash sees it: keyed first, so a copy of the database alone cannot be guessed offline. */
export const pepperedPin = (box: SecretBox, pin: string) => box.digest(pin, 'plan-pin');

const noMatch = () => new AppError('NOT_FOUND', 'No plan matches this code and PIN.');

/**
 * Opens a plan by code and PIN, or refuses — the same way whether the code is
 * unknown or the PIN wrong (same error, same slow hash run), so a caller
 * learns nothing, not even whether the code exists. Each attempt is counted
 * per code and per sender before the PIN is checked; a correct one is taken back.
 */
export async function unlockPlan(
  deps: {
    database: Database;
    box: SecretBox;
    now: () => Date;
    /** Told once when a code reaches PLAN_NOTICE_AFTER wrong attempts (the plan exists). */
    onRepeatedFailures: (plan: PlanRow) => Promise<void>;
  },
  coalitionId: string,
  credentials: { code: string; pin: string },
  sender: PlanSender,
): Promise<PlanRow> {
  const symbols = normalizePlanCode(credentials.code) ?? credentials.code.toUpperCase();
  const codeDigest = planCodeDigest(deps.box, symbols);
  return unlockWithCode(deps, {
    store: planAttemptStore,
    codeKey: `code:${codeDigest}`,
    senderKey: senderAttemptKey(deps.box, 'plan-sender', sender, deps.now()),
    codeBackOff: PLAN_CODE_BACK_OFF,
    codeTotalBackOff: PLAN_CODE_TOTAL_BACK_OFF,
    senderBackOff: PLAN_SENDER_BACK_OFF,
    trusted: sender.kind === 'operator',
    find: (db) => planByCodeDigest(db, coalitionId, codeDigest),
    pinHashOf: (plan) => plan.pinHash,
    pin: pepperedPin(deps.box, credentials.pin),
    noMatch,
    onFailure: async (plan, codeFailures) => {
      if (codeFailures === PLAN_NOTICE_AFTER) await deps.onRepeatedFailures(plan);
    },
  });
}
