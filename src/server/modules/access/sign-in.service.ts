import { createHash } from 'node:crypto';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { SessionState } from '../../../shared/access.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import type { CoalitionService } from '../coalitions/coalitions.service.js';
import { type AuditEntry, recordAudit } from './audit.js';
import {
  acceptTotpStep,
  consumeRecoveryCode,
  findTotp,
  putPendingTotp,
  replaceRecoveryCodes,
} from './factors.repo.js';
import {
  authenticationOptions,
  CHALLENGE_TTL_MS,
  type RelyingParty,
  verifyAuthentication,
} from './passkeys.js';
import { findPasskey, listPasskeys, putChallenge, takeChallenge, usePasskey } from './passkeys.repo.js';
import { hashPassword, verifyDecoy, verifyPassword } from './passwords.js';
import { deleteUserSessions } from './sessions.repo.js';
import type { SessionContext, SessionService } from './sessions.service.js';
import { blockedUntil, clearFailures, recordFailure } from './throttle.repo.js';
import { checkTotp, newRecoveryCodes, newTotpSecret, normalizeRecoveryCode, totpEnrolment } from './totp.js';
import { findUser, findUserByEmail, setPassword } from './users.repo.js';

/** Per account: five free failures, then 2 s, 4 s, 8 s … up to 15 minutes. */
const ACCOUNT_BACK_OFF = { freeFailures: 5, baseSeconds: 2, maxSeconds: 900 };
/** Per source: more lenient, as one address may be a whole office or a phone carrier's NAT. */
const SOURCE_BACK_OFF = { freeFailures: 20, baseSeconds: 1, maxSeconds: 300 };

interface ThrottleKey {
  key: string;
  policy: typeof ACCOUNT_BACK_OFF;
}

export interface SignInService {
  signIn(input: {
    email: string;
    password: string;
    source: string;
    agent: string;
  }): Promise<{ token: string }>;
  verifyTotp(session: SessionContext, code: string): Promise<void>;
  useRecoveryCode(session: SessionContext, code: string): Promise<void>;
  beginTotpEnrolment(session: SessionContext): Promise<{ secret: string; uri: string; qrSvg: string }>;
  confirmTotpEnrolment(session: SessionContext, code: string): Promise<{ recoveryCodes: string[] }>;
  changePassword(
    session: SessionContext,
    input: { currentPassword: string; newPassword: string },
  ): Promise<void>;
  signOut(session: SessionContext, everywhere: boolean): Promise<void>;
  /** Options to finish sign-in with a passkey (the challenge is kept for this session). */
  passkeyOptions(session: SessionContext, rp: RelyingParty): Promise<unknown>;
  /** Finishes sign-in with a passkey's signature. */
  verifyPasskey(
    session: SessionContext,
    rp: RelyingParty,
    response: AuthenticationResponseJSON,
  ): Promise<void>;
  /** Ends one of the person's own sessions, from the sessions list. */
  endSession(session: SessionContext, id: string): Promise<void>;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function createSignInService(deps: {
  database: Database;
  coalitions: CoalitionService;
  sessions: SessionService;
  box: SecretBox;
  now: () => Date;
  issuer: string;
}): SignInService {
  const { database, box, now } = deps;
  const db = database.db;

  // Source keys hash the address with a salt derived from the server key and the
  // date: shared by all processes, different every day, never written down.
  const sourceKey = (address: string): ThrottleKey => ({
    key: `source:${box.digest(address, `sign-in-source:${now().toISOString().slice(0, 10)}`)}`,
    policy: SOURCE_BACK_OFF,
  });
  const accountKey = (email: string): ThrottleKey => ({
    key: `account:${box.digest(email, 'sign-in-account')}`,
    policy: ACCOUNT_BACK_OFF,
  });

  const refuseIfBlocked = async (keys: ThrottleKey[]) => {
    const at = now();
    for (const { key } of keys) {
      const until = await blockedUntil(db, key);
      if (until && until > at) {
        const retryAfterSeconds = Math.ceil((until.getTime() - at.getTime()) / 1000);
        throw new AppError('RATE_LIMITED', `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, {
          retryAfterSeconds,
        });
      }
    }
  };

  const fail = async (
    keys: ThrottleKey[],
    audit: Omit<AuditEntry, 'at'> | null,
    message: string,
  ): Promise<never> => {
    const at = now();
    await database.transaction(async (tx) => {
      for (const { key, policy } of keys) await recordFailure(tx.db, key, at, policy);
      if (audit) await recordAudit(tx.db, { ...audit, at });
    });
    throw new AppError('UNAUTHENTICATED', message);
  };

  const requireState = (session: SessionContext, allowed: SessionState[]) => {
    if (!allowed.includes(session.state)) {
      throw new AppError(
        'INVALID_TRANSITION',
        `This step is not open now (the session is at ${session.state}).`,
      );
    }
  };

  /** An audit entry of the session's own person. */
  const own = (
    session: SessionContext,
    action: AuditEntry['action'],
    subject: 'user' | 'session' = 'user',
  ): AuditEntry => ({
    coalitionId: session.coalitionId,
    actorId: session.userId,
    action,
    subjectType: subject,
    subjectId: subject === 'user' ? session.userId : null,
    at: now(),
  });

  /** Accepts a TOTP code for the session's user; confirms a pending authenticator when asked. */
  const acceptCode = async (session: SessionContext, code: string, confirming: boolean) => {
    const keys = [accountKey(session.email)];
    await refuseIfBlocked(keys);
    const totp = await findTotp(db, session.userId);
    const usable = totp && (confirming ? !totp.confirmedAt : totp.confirmedAt);
    const step = usable
      ? await checkTotp(
          box.open(totp.secretEncrypted, `totp:${session.userId}`),
          code,
          now(),
          totp.lastTimeStep,
        )
      : null;
    const audit = own(session, 'auth.second_factor_failed');
    if (step === null) {
      return fail(
        keys,
        audit,
        'That code is not right, or it was already used. Codes change every 30 seconds.',
      );
    }
    return { step, keys };
  };

  return {
    async signIn({ email, password, source, agent }) {
      const coalition = await deps.coalitions.current();
      const normalized = email.trim().toLowerCase();
      const keys = [accountKey(normalized), sourceKey(source)];
      await refuseIfBlocked(keys);
      const user = await findUserByEmail(db, coalition.id, normalized);
      const ok =
        user && !user.disabledAt
          ? await verifyPassword(user.passwordHash, password)
          : await verifyDecoy(password);
      if (!user || !ok) {
        const audit = user
          ? {
              coalitionId: coalition.id,
              actorId: null,
              action: 'auth.sign_in_failed' as const,
              subjectType: 'user' as const,
              subjectId: user.id,
            }
          : null;
        return fail(keys, audit, 'Wrong e-mail or password.');
      }
      await clearFailures(db, accountKey(normalized).key);
      // The session starts unverified: it can only finish signing in until the second factor passes.
      return { token: await deps.sessions.start(db, user.id, agent, false) };
    },

    async verifyTotp(session, code) {
      requireState(session, ['second_factor_required']);
      const { step, keys } = await acceptCode(session, code, false);
      await database.transaction(async (tx) => {
        if (!(await acceptTotpStep(tx.db, session.userId, step, now(), false))) {
          throw new AppError('UNAUTHENTICATED', 'That code was already used. Wait for the next one.');
        }
        await deps.sessions.markVerified(tx.db, session.tokenHash);
        for (const { key } of keys) await clearFailures(tx.db, key);
        await recordAudit(tx.db, own(session, 'auth.signed_in', 'session'));
      });
    },

    async useRecoveryCode(session, code) {
      requireState(session, ['second_factor_required']);
      const keys = [accountKey(session.email)];
      await refuseIfBlocked(keys);
      const used = await database.transaction(async (tx) => {
        if (!(await consumeRecoveryCode(tx.db, session.userId, sha256(normalizeRecoveryCode(code)), now()))) {
          return false;
        }
        await deps.sessions.markVerified(tx.db, session.tokenHash);
        await recordAudit(tx.db, own(session, 'auth.recovery_code_used'));
        return true;
      });
      if (!used) {
        await fail(
          keys,
          own(session, 'auth.second_factor_failed'),
          'That recovery code is not right, or it was already used.',
        );
      }
    },

    async beginTotpEnrolment(session) {
      // Never while a confirmed authenticator exists: re-enrolling must not bypass it.
      requireState(session, ['second_factor_enrolment_required']);
      const secret = newTotpSecret();
      await putPendingTotp(db, session.userId, box.seal(secret, `totp:${session.userId}`), now());
      return { secret, ...totpEnrolment(secret, session.email, deps.issuer) };
    },

    async confirmTotpEnrolment(session, code) {
      requireState(session, ['second_factor_enrolment_required']);
      const { step } = await acceptCode(session, code, true);
      const recoveryCodes = newRecoveryCodes();
      await database.transaction(async (tx) => {
        if (!(await acceptTotpStep(tx.db, session.userId, step, now(), true))) {
          throw new AppError('UNAUTHENTICATED', 'That code was already used. Wait for the next one.');
        }
        await replaceRecoveryCodes(
          tx.db,
          session.userId,
          recoveryCodes.map((c) => sha256(normalizeRecoveryCode(c))),
        );
        await deps.sessions.markVerified(tx.db, session.tokenHash);
        const entry = {
          coalitionId: session.coalitionId,
          actorId: session.userId,
          subjectType: 'user' as const,
        };
        await recordAudit(tx.db, {
          ...entry,
          action: 'auth.totp_enrolled',
          subjectId: session.userId,
          at: now(),
        });
        await recordAudit(tx.db, { ...entry, action: 'auth.signed_in', subjectId: null, at: now() });
      });
      return { recoveryCodes };
    },

    async changePassword(session, { currentPassword, newPassword }) {
      requireState(session, ['password_change_required', 'signed_in']);
      const user = await findUser(db, session.userId);
      if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
        throw new AppError('UNAUTHENTICATED', 'The current password is not right.', {
          fields: [{ field: 'currentPassword', message: 'is not right' }],
        });
      }
      if (newPassword === currentPassword) {
        throw new AppError('VALIDATION', 'Choose a password different from the current one.', {
          fields: [{ field: 'newPassword', message: 'is the same as the current one' }],
        });
      }
      const passwordHash = await hashPassword(newPassword);
      await database.transaction(async (tx) => {
        await setPassword(tx.db, session.userId, passwordHash, now());
        // Every other browser signed in with the old password is signed out.
        await deleteUserSessions(tx.db, session.userId, session.tokenHash);
        await recordAudit(tx.db, own(session, 'auth.password_changed'));
      });
    },

    async passkeyOptions(session, rp) {
      requireState(session, ['second_factor_required']);
      const existing = await listPasskeys(db, session.userId);
      if (existing.length === 0)
        throw new AppError('NOT_FOUND', 'This account has no passkey. Use the authenticator app.');
      const options = await authenticationOptions(rp, existing);
      await putChallenge(
        db,
        session.tokenHash,
        options.challenge,
        'authenticate',
        new Date(now().getTime() + CHALLENGE_TTL_MS),
      );
      return options;
    },

    async verifyPasskey(session, rp, response) {
      requireState(session, ['second_factor_required']);
      const keys = [accountKey(session.email)];
      await refuseIfBlocked(keys);
      const challenge = await takeChallenge(db, session.tokenHash, 'authenticate');
      const passkey = await findPasskey(db, session.userId, response.id);
      const counter =
        challenge && challenge.expiresAt > now() && passkey
          ? await verifyAuthentication(rp, challenge.challenge, passkey, response)
          : null;
      const verified =
        counter !== null &&
        passkey !== undefined &&
        (await database.transaction(async (tx) => {
          if (!(await usePasskey(tx.db, passkey.id, counter, now()))) return false;
          await deps.sessions.markVerified(tx.db, session.tokenHash);
          await recordAudit(tx.db, own(session, 'auth.signed_in', 'session'));
          return true;
        }));
      if (!verified) {
        await fail(
          keys,
          own(session, 'auth.second_factor_failed'),
          'The passkey could not be verified. Try again, or use the authenticator app.',
        );
      }
    },

    async endSession(session, id) {
      const tokenHash = await deps.sessions.findById(session.userId, id);
      if (!tokenHash) throw new AppError('NOT_FOUND', 'No such session (it may have ended already).');
      await database.transaction(async (tx) => {
        await deps.sessions.end(tx.db, tokenHash);
        await recordAudit(tx.db, own(session, 'auth.session_ended', 'session'));
      });
    },

    async signOut(session, everywhere) {
      await database.transaction(async (tx) => {
        if (everywhere) await deleteUserSessions(tx.db, session.userId);
        else await deps.sessions.end(tx.db, session.tokenHash);
        await recordAudit(tx.db, own(session, everywhere ? 'auth.signed_out_everywhere' : 'auth.signed_out'));
      });
    },
  };
}
