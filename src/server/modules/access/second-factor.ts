import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { SessionState } from '../../../shared/access.js';
import type { ErrorReason } from '../../../shared/errors.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, SqlExecutor, Tx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { type AuditEntry, ownAudit, recordAudit } from './audit.js';
import { codeHashCandidates } from './code-hash.js';
import { acceptTotpStep, consumeRecoveryCode, findTotp } from './factors.repo.js';
import {
  authenticationOptions,
  CHALLENGE_TTL_MS,
  type RelyingParty,
  verifyAuthentication,
} from './passkeys.js';
import {
  findPasskey,
  listPasskeys,
  putChallenge,
  usePasskey as recordPasskeyUse,
  takeChallenge,
} from './passkeys.repo.js';
import type { SecondFactorNotice } from './second-factor-notice.job.js';
import { countSecondFactorFailure, secondFactorFailures } from './sessions.repo.js';
import type { SessionContext, SessionService } from './sessions.service.js';
import { CODE_BACK_OFF, CODES_PER_PENDING_SIGN_IN, type ThrottleKey } from './throttle.js';
import { clearFailures, lockKey, recordFailure } from './throttle.repo.js';
import { checkTotp, normalizeRecoveryCode } from './totp.js';

/**
 * Finishing sign-in with a second factor (issue 12 item 1). Wrong answers are
 * counted twice, apart from wrong passwords:
 * - per pending sign-in: after CODES_PER_PENDING_SIGN_IN wrong answers the
 *   session ends and the password must be entered again;
 * - per account (TOTP and recovery codes): a growing lock-out that survives
 *   new sign-ins and that only a correct second factor clears. When it first
 *   starts, the account's owner is told by e-mail and an audit row is written.
 * A passkey cannot be guessed, so it stays usable during a code lock-out (the
 * owner can still get in); its failures count only toward the pending sign-in.
 * On success the session gets a new token (no session fixation).
 */
export interface SecondFactor {
  verifyTotp(session: SessionContext, code: string): Promise<{ token: string }>;
  useRecoveryCode(session: SessionContext, code: string): Promise<{ token: string }>;
  /** Options to finish sign-in with a passkey (the challenge is kept for this session). */
  passkeyOptions(session: SessionContext, rp: RelyingParty): Promise<unknown>;
  verifyPasskey(
    session: SessionContext,
    rp: RelyingParty,
    response: AuthenticationResponseJSON,
  ): Promise<{ token: string }>;
}

/** Refuses a step the session is not at. */
export function requireState(session: SessionContext, allowed: SessionState[]): void {
  if (!allowed.includes(session.state)) {
    throw new AppError(
      'INVALID_TRANSITION',
      `This step is not open now (the session is at ${session.state}).`,
    );
  }
}

/** The per-account key of wrong second-factor codes. */
const codeKey = (userId: string): ThrottleKey => ({ key: `second-factor:${userId}`, policy: CODE_BACK_OFF });

export function createSecondFactor(deps: {
  database: Database;
  sessions: SessionService;
  box: SecretBox;
  now: () => Date;
  /** Enqueues the owner's notice in the given transaction; absent when no SMTP server is configured. */
  enqueueNotice?: ((notice: SecondFactorNotice, within: SqlExecutor) => Promise<unknown>) | undefined;
}): SecondFactor {
  const { database, box, now } = deps;

  const own = (session: SessionContext, action: AuditEntry['action'], subject?: 'user' | 'session') =>
    ownAudit(session, action, now(), subject);

  type Outcome =
    | { kind: 'signed_in'; token: string }
    | { kind: 'wrong'; restarted: boolean }
    | { kind: 'blocked'; until: Date }
    | { kind: 'gone' };

  /**
   * One answer, judged in one transaction: for guessable codes under the
   * account's lock (parallel guesses are taken one at a time), refused while
   * locked out or once the pending sign-in has used its tries; a wrong answer
   * is counted there and then, a right one signs the session in.
   */
  const attempt = async (
    session: SessionContext,
    guessable: boolean,
    check: (tx: Tx) => Promise<AuditEntry['action'] | null>,
    wrong: string,
  ): Promise<{ token: string }> => {
    const at = now();
    const { key, policy } = codeKey(session.userId);
    const outcome = await database.transaction(async (tx): Promise<Outcome> => {
      if (guessable) {
        const { blockedUntil } = await lockKey(tx.db, key, at);
        if (blockedUntil && blockedUntil > at) return { kind: 'blocked', until: blockedUntil };
      }
      const pending = await secondFactorFailures(tx.db, session.tokenHash);
      if (pending === null || pending >= CODES_PER_PENDING_SIGN_IN) return { kind: 'gone' };
      const action = await check(tx);
      if (action) {
        await clearFailures(tx.db, key);
        await recordAudit(tx.db, own(session, action, action === 'auth.signed_in' ? 'session' : 'user'));
        return { kind: 'signed_in', token: await deps.sessions.rotate(tx.db, session.tokenHash, true) };
      }
      await recordAudit(tx.db, own(session, 'auth.second_factor_failed'));
      if (guessable) {
        const { failures, until } = await recordFailure(tx.db, key, at, policy);
        if (until) await recordAudit(tx.db, own(session, 'auth.second_factor_locked'));
        if (failures === policy.freeFailures + 1) {
          await deps.enqueueNotice?.({ to: session.email, failures, at: at.toISOString() }, tx.client);
        }
      }
      if ((await countSecondFactorFailure(tx.db, session.tokenHash)) < CODES_PER_PENDING_SIGN_IN) {
        return { kind: 'wrong', restarted: false };
      }
      await deps.sessions.end(tx.db, session.tokenHash);
      await recordAudit(tx.db, own(session, 'auth.sign_in_restarted', 'session'));
      return { kind: 'wrong', restarted: true };
    });
    switch (outcome.kind) {
      case 'signed_in':
        return { token: outcome.token };
      case 'blocked': {
        const retryAfterSeconds = Math.ceil((outcome.until.getTime() - at.getTime()) / 1000);
        throw new AppError(
          'RATE_LIMITED',
          `Too many wrong codes. Try again in ${retryAfterSeconds} seconds.`,
          { retryAfterSeconds },
        );
      }
      case 'wrong':
        if (!outcome.restarted) throw new AppError('UNAUTHENTICATED', wrong);
        break;
      case 'gone':
        break;
    }
    throw new AppError('UNAUTHENTICATED', 'Too many wrong codes. Sign in again with your password.', {
      reason: 'sign_in_again' satisfies ErrorReason,
    });
  };

  return {
    async verifyTotp(session, code) {
      requireState(session, ['second_factor_required']);
      return attempt(
        session,
        true,
        async (tx) => {
          const totp = await findTotp(tx.db, session.userId);
          if (!totp?.confirmedAt) return null;
          const secret = box.open(totp.secretEncrypted, `totp:${session.userId}`);
          const step = await checkTotp(secret, code, now(), totp.lastTimeStep);
          const accepted = step !== null && (await acceptTotpStep(tx.db, session.userId, step, now(), false));
          return accepted ? 'auth.signed_in' : null;
        },
        'That code is not right, or it was already used. Codes change every 30 seconds.',
      );
    },

    async useRecoveryCode(session, code) {
      requireState(session, ['second_factor_required']);
      const hashes = codeHashCandidates(box, 'recovery-code', normalizeRecoveryCode(code));
      return attempt(
        session,
        true,
        async (tx) =>
          (await consumeRecoveryCode(tx.db, session.userId, hashes, now()))
            ? 'auth.recovery_code_used'
            : null,
        'That recovery code is not right, or it was already used.',
      );
    },

    async passkeyOptions(session, rp) {
      requireState(session, ['second_factor_required']);
      const existing = await listPasskeys(database.db, session.userId);
      if (existing.length === 0)
        throw new AppError('NOT_FOUND', 'This account has no passkey. Use the authenticator app.');
      const options = await authenticationOptions(rp, existing);
      await putChallenge(
        database.db,
        session.tokenHash,
        options.challenge,
        'authenticate',
        new Date(now().getTime() + CHALLENGE_TTL_MS),
      );
      return options;
    },

    async verifyPasskey(session, rp, response) {
      requireState(session, ['second_factor_required']);
      return attempt(
        session,
        false,
        async (tx) => {
          const challenge = await takeChallenge(tx.db, session.tokenHash, 'authenticate');
          const passkey = await findPasskey(tx.db, session.userId, response.id);
          if (!challenge || challenge.expiresAt <= now() || !passkey) return null;
          const counter = await verifyAuthentication(rp, challenge.challenge, passkey, response);
          if (counter === null) return null;
          const used = await recordPasskeyUse(tx.db, passkey.id, counter, now());
          return used ? 'auth.signed_in' : null;
        },
        'The passkey could not be verified. Try again, or use the authenticator app.',
      );
    },
  };
}
