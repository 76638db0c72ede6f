import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { verifyDecoy, verifyPassword } from './passwords.js';

/**
 * Something opened by a code and a PIN, from anywhere, without an account (an emergency plan, a
 * family's view of a case): the one way such a pair is checked, and the one back-off rule.
 */

/** Wrong attempts allowed free, then a block of `baseSeconds` that doubles with each one, up to `maxSeconds`. */
export interface BackOff {
  freeFailures: number;
  baseSeconds: number;
  maxSeconds: number;
}

/** The back-off rule: how long the `failures`-th wrong attempt in a row blocks the next one (0: not at all). */
export function backOffSeconds(policy: BackOff, failures: number): number {
  if (failures <= policy.freeFailures) return 0;
  return Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** (failures - policy.freeFailures - 1));
}

/** Who is trying a code and PIN: a web client (its address), a phone that texted, a hotline operator. */
export type CodeSender = { kind: 'address' | 'phone' | 'operator'; value: string };

/**
 * Where a module keeps its attempts (its own table, written only by its repository). `take` counts
 * the attempt as a failure under a row lock and says whether the key was blocked, as it stood;
 * `forgive` takes one failure back, `clear` forgets the key.
 */
export interface AttemptStore {
  take(
    db: Drizzle,
    key: string,
    at: Date,
    policy: BackOff,
  ): Promise<{ blockedUntil: Date | null; failures: number }>;
  forgive(db: Drizzle, key: string): Promise<void>;
  clear(db: Drizzle, key: string): Promise<void>;
}

/** The key a sender's attempts are counted under: an address is keyed with the day, so none is ever stored. */
export function senderAttemptKey(box: SecretBox, purpose: string, sender: CodeSender, at: Date): string {
  const scope =
    sender.kind === 'address'
      ? `${purpose}:address:${at.toISOString().slice(0, 10)}`
      : `${purpose}:${sender.kind}`;
  return `sender:${box.digest(sender.value, scope)}`;
}

/**
 * Finds a row by its code and checks the PIN, or refuses — the same way whether the code is unknown
 * or the PIN wrong (same error, same slow hash run), so a caller learns nothing, not even whether
 * the code exists. Each attempt is counted before the PIN is checked (a correct one is taken back),
 * three ways:
 * - per code and sender (`codeBackOff`, strict): one caller guessing one code is stopped quickly;
 * - per code from everyone (`codeTotalBackOff`, lenient): many callers guessing one code together
 *   are stopped too — but someone who knows the code cannot, from one phone, lock its owner's
 *   family out of it in an emergency; and a hotline operator (`trusted`) is never held by it;
 * - per sender (`senderBackOff`): one caller guessing many codes.
 * `onFailure` hears of each wrong PIN on a code that exists, with the code's failures from everyone.
 */
export async function unlockWithCode<T>(
  deps: { database: Database; now: () => Date },
  spec: {
    store: AttemptStore;
    codeKey: string;
    senderKey: string;
    codeBackOff: BackOff;
    codeTotalBackOff: BackOff;
    senderBackOff: BackOff;
    /** An operator entering a caller's code: the code's total back-off does not hold them. */
    trusted?: boolean;
    find: (db: Drizzle) => Promise<T | null>;
    pinHashOf: (row: T) => string;
    /** The PIN as the slow hash sees it (peppered with the server key). */
    pin: string;
    noMatch: () => AppError;
    onFailure?: (row: T, codeFailures: number) => Promise<void>;
  },
): Promise<T> {
  const at = deps.now();
  const pairKey = `${spec.codeKey}|${spec.senderKey}`;
  const codeFailures = await deps.database.transaction(async ({ db }) => {
    const pair = await spec.store.take(db, pairKey, at, spec.codeBackOff);
    const code = await spec.store.take(db, spec.codeKey, at, spec.codeTotalBackOff);
    const from = await spec.store.take(db, spec.senderKey, at, spec.senderBackOff);
    const until = [pair.blockedUntil, spec.trusted ? null : code.blockedUntil, from.blockedUntil].filter(
      (d): d is Date => d !== null,
    );
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
  const row = await spec.find(deps.database.db);
  const right = row ? await verifyPassword(spec.pinHashOf(row), spec.pin) : await verifyDecoy(spec.pin);
  if (row && right) {
    await spec.store.clear(deps.database.db, pairKey);
    await spec.store.clear(deps.database.db, spec.codeKey);
    await spec.store.forgive(deps.database.db, spec.senderKey);
    return row;
  }
  if (row) await spec.onFailure?.(row, codeFailures);
  throw spec.noMatch();
}
