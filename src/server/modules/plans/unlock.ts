import { normalizePlanCode } from '../../../shared/plan.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { verifyDecoy, verifyPassword } from '../access/passwords.js';
import { clearAttempts, forgiveAttempt, type PlanRow, planByCodeDigest, takeAttempt } from './plans.repo.js';

/** Who is trying a code and PIN: a web client (its address), a phone that texted, a hotline operator. */
export type PlanSender = { kind: 'address' | 'phone' | 'operator'; value: string };

/** Wrong attempts on one plan code: three free, then 10 s doubling up to an hour. */
export const PLAN_CODE_BACK_OFF = { freeFailures: 3, baseSeconds: 10, maxSeconds: 3600 };
/** Per sender, more lenient (a hotline operator, a shared phone): ten free, then 5 s doubling to 30 minutes. */
export const PLAN_SENDER_BACK_OFF = { freeFailures: 10, baseSeconds: 5, maxSeconds: 1800 };
/** At this many wrong attempts in a row on a code, the plan's first contact is told once. */
export const PLAN_NOTICE_AFTER = 5;

/** The keyed digest a plan is found by: the code itself is never stored. */
export const planCodeDigest = (box: SecretBox, symbols: string) => box.digest(symbols, 'plan-code');
/** The PIN as the slow hash sees it: keyed first, so a copy of the database alone cannot be guessed offline. */
export const pepperedPin = (box: SecretBox, pin: string) => box.digest(pin, 'plan-pin');

function senderKey(box: SecretBox, sender: PlanSender, at: Date): string {
  // An address is keyed with the day, as the sign-in throttle does: no address is ever stored.
  const purpose =
    sender.kind === 'address'
      ? `plan-sender:address:${at.toISOString().slice(0, 10)}`
      : `plan-sender:${sender.kind}`;
  return `sender:${box.digest(sender.value, purpose)}`;
}

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
  const at = deps.now();
  const symbols = normalizePlanCode(credentials.code) ?? credentials.code.toUpperCase();
  const codeDigest = planCodeDigest(deps.box, symbols);
  const codeKey = `code:${codeDigest}`;
  const fromKey = senderKey(deps.box, sender, at);
  const codeFailures = await deps.database.transaction(async ({ db }) => {
    const code = await takeAttempt(db, codeKey, at, PLAN_CODE_BACK_OFF);
    const from = await takeAttempt(db, fromKey, at, PLAN_SENDER_BACK_OFF);
    const until = [code.blockedUntil, from.blockedUntil].filter((d): d is Date => d !== null);
    if (until.length > 0) {
      // Throwing rolls back: an attempt refused while blocked is not counted again.
      const latest = Math.max(...until.map((d) => d.getTime()));
      const retryAfterSeconds = Math.ceil((latest - at.getTime()) / 1000);
      throw new AppError('RATE_LIMITED', `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, {
        retryAfterSeconds,
      });
    }
    return code.failures;
  });
  const plan = await planByCodeDigest(deps.database.db, coalitionId, codeDigest);
  const pin = pepperedPin(deps.box, credentials.pin);
  const right = plan ? await verifyPassword(plan.pinHash, pin) : await verifyDecoy(pin);
  if (plan && right) {
    await clearAttempts(deps.database.db, codeKey);
    await forgiveAttempt(deps.database.db, fromKey);
    return plan;
  }
  if (plan && codeFailures === PLAN_NOTICE_AFTER) await deps.onRepeatedFailures(plan);
  throw noMatch();
}
