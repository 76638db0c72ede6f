import type { SecretBox } from '../../crypto/secret-box.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { blockedUntil } from './throttle.repo.js';

/** Free failures, then a block that doubles from `baseSeconds` up to `maxSeconds`. */
export interface BackOff {
  freeFailures: number;
  baseSeconds: number;
  maxSeconds: number;
}

/** Wrong passwords per account: five free failures, then 2 s, 4 s, 8 s … up to 15 minutes. */
export const PASSWORD_BACK_OFF: BackOff = { freeFailures: 5, baseSeconds: 2, maxSeconds: 900 };
/** Per source: more lenient, as one address may be a whole office or a phone carrier's NAT. */
export const SOURCE_BACK_OFF: BackOff = { freeFailures: 20, baseSeconds: 1, maxSeconds: 300 };
/**
 * Wrong second-factor codes per account (issue 12 item 1): counted apart from
 * passwords and cleared only by a correct second factor, so knowing the
 * password does not reset it. Five free, then 1 minute doubling to an hour:
 * after a dozen wrong codes a guess costs an hour, and guessing one of the
 * three codes a TOTP window accepts out of a million takes decades.
 */
export const CODE_BACK_OFF: BackOff = { freeFailures: 5, baseSeconds: 60, maxSeconds: 3600 };
/** Wrong codes one pending sign-in may try before it ends and the password must be entered again. */
export const CODES_PER_PENDING_SIGN_IN = 5;
/** Invitation codes tried per source (issue 12 item 14): ten free, then 2 s doubling to 15 minutes. */
export const INVITATION_SOURCE_BACK_OFF: BackOff = { freeFailures: 10, baseSeconds: 2, maxSeconds: 900 };

export interface ThrottleKey {
  key: string;
  policy: BackOff;
}

/**
 * A key for a client address: an HMAC with a salt derived from the server
 * key and the date, shared by all processes, different every day, never
 * written down — so no address is stored.
 */
export function sourceKey(
  box: SecretBox,
  purpose: string,
  address: string,
  at: Date,
  policy: BackOff,
): ThrottleKey {
  return {
    key: `${purpose}:${box.digest(address, `${purpose}:${at.toISOString().slice(0, 10)}`)}`,
    policy,
  };
}

/** Refuses with 429 and the seconds to wait while any of the keys is blocked. */
export async function refuseIfBlocked(db: Drizzle, keys: readonly ThrottleKey[], at: Date): Promise<void> {
  for (const { key } of keys) {
    const until = await blockedUntil(db, key);
    if (until && until > at) {
      const retryAfterSeconds = Math.ceil((until.getTime() - at.getTime()) / 1000);
      throw new AppError('RATE_LIMITED', `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, {
        retryAfterSeconds,
      });
    }
  }
}
