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
 * the code exists. Each attempt is counted per code and per sender before the PIN is checked; a
 * correct one is taken back. `onFailure` hears of each wrong PIN on a code that exists.
 */
export async function unlockWithCode<T>(
  deps: { database: Database; now: () => Date },
  spec: {
    store: AttemptStore;
    codeKey: string;
    senderKey: string;
    codeBackOff: BackOff;
    senderBackOff: BackOff;
    find: (db: Drizzle) => Promise<T | null>;
    pinHashOf: (row: T) => string;
    /** The PIN as the slow hash sees it (peppered with the server key). */
    pin: string;
    noMatch: () => AppError;
    onFailure?: (row: T, codeFailures: number) => Promise<void>;
  },
): Promise<T> {
  const at = deps.now();
  const codeFailures = await deps.database.transaction(async ({ db }) => {
    const code = await spec.store.take(db, spec.codeKey, at, spec.codeBackOff);
    const from = await spec.store.take(db, spec.senderKey, at, spec.senderBackOff);
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
  const row = await spec.find(deps.database.db);
  const right = row ? await verifyPassword(spec.pinHashOf(row), spec.pin) : await verifyDecoy(spec.pin);
  if (row && right) {
    await spec.store.clear(deps.database.db, spec.codeKey);
    await spec.store.forgive(deps.database.db, spec.senderKey);
    return row;
  }
  if (row) await spec.onFailure?.(row, codeFailures);
  throw spec.noMatch();
}
