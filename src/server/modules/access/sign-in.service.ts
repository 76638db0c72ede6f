import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { normalizeEmail } from '../../../shared/access.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, SqlExecutor } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { recordEvents } from '../../realtime/events.repo.js';
import { type AuditEntry, ownAudit, recordAudit } from './audit.js';
import { codeHash } from './code-hash.js';
import { acceptTotpStep, findTotp, putPendingTotp, replaceRecoveryCodes } from './factors.repo.js';
import type { RelyingParty } from './passkeys.js';
import { hashPassword, verifyDecoy, verifyPassword } from './passwords.js';
import { createSecondFactor, requireState } from './second-factor.js';
import type { SecondFactorNotice } from './second-factor-notice.job.js';
import { deleteUserSessions } from './sessions.repo.js';
import type { SessionContext, SessionService } from './sessions.service.js';
import {
  PASSWORD_BACK_OFF,
  refuseIfBlocked,
  SOURCE_BACK_OFF,
  sourceKey,
  type ThrottleKey,
} from './throttle.js';
import { clearFailures, recordFailure } from './throttle.repo.js';
import { checkTotp, newRecoveryCodes, newTotpSecret, normalizeRecoveryCode, totpEnrolment } from './totp.js';
import { findUser, findUserByEmail, setPassword } from './users.repo.js';

export interface SignInService {
  /** Signs a person of this coalition in with their password (a second factor may follow). */
  signIn(
    coalitionId: string,
    input: {
      email: string;
      password: string;
      source: string;
      agent: string;
    },
  ): Promise<{ token: string }>;
  /** Finishes sign-in with an authenticator code; returns the session's new token. */
  verifyTotp(session: SessionContext, code: string): Promise<{ token: string }>;
  /** Finishes sign-in with a single-use recovery code; returns the session's new token. */
  useRecoveryCode(session: SessionContext, code: string): Promise<{ token: string }>;
  beginTotpEnrolment(session: SessionContext): Promise<{ secret: string; uri: string; qrSvg: string }>;
  /** Confirms the authenticator; returns the recovery codes (once) and the session's new token. */
  confirmTotpEnrolment(
    session: SessionContext,
    code: string,
  ): Promise<{ recoveryCodes: string[]; token: string }>;
  /** Changes the password, signs out every other browser; returns this session's new token. */
  changePassword(
    session: SessionContext,
    input: { currentPassword: string; newPassword: string },
  ): Promise<{ token: string }>;
  signOut(session: SessionContext, everywhere: boolean): Promise<void>;
  /** Options to finish sign-in with a passkey (the challenge is kept for this session). */
  passkeyOptions(session: SessionContext, rp: RelyingParty): Promise<unknown>;
  /** Finishes sign-in with a passkey's signature; returns the session's new token. */
  verifyPasskey(
    session: SessionContext,
    rp: RelyingParty,
    response: AuthenticationResponseJSON,
  ): Promise<{ token: string }>;
  /** Ends one of the person's own sessions, from the sessions list. */
  endSession(session: SessionContext, id: string): Promise<void>;
}

export function createSignInService(deps: {
  database: Database;
  sessions: SessionService;
  box: SecretBox;
  now: () => Date;
  issuer: string;
  /** Enqueues the notice to an account's owner when wrong codes lock it; absent without SMTP. */
  enqueueNotice?: ((notice: SecondFactorNotice, within: SqlExecutor) => Promise<unknown>) | undefined;
}): SignInService {
  const { database, box, now } = deps;
  const db = database.db;
  const secondFactor = createSecondFactor(deps);

  /** Wrong passwords per account; a right password clears only this counter, never the code counter. */
  const passwordKey = (email: string): ThrottleKey => ({
    key: `account:${box.digest(email, 'sign-in-account')}`,
    policy: PASSWORD_BACK_OFF,
  });

  const own = (session: SessionContext, action: AuditEntry['action'], subject?: 'user' | 'session') =>
    ownAudit(session, action, now(), subject);

  return {
    ...secondFactor,

    async signIn(coalitionId, { email, password, source, agent }) {
      const normalized = normalizeEmail(email);
      const at = now();
      const keys = [passwordKey(normalized), sourceKey(box, 'sign-in-source', source, at, SOURCE_BACK_OFF)];
      await refuseIfBlocked(db, keys, at);
      const user = await findUserByEmail(db, coalitionId, normalized);
      const ok =
        user && !user.disabledAt
          ? await verifyPassword(user.passwordHash, password)
          : await verifyDecoy(password);
      if (!user || !ok) {
        await database.transaction(async (tx) => {
          for (const { key, policy } of keys) await recordFailure(tx.db, key, at, policy);
          if (user) {
            await recordAudit(tx.db, {
              coalitionId,
              actorId: null,
              action: 'auth.sign_in_failed',
              subjectType: 'user',
              subjectId: user.id,
              at,
            });
          }
        });
        throw new AppError('UNAUTHENTICATED', 'Wrong e-mail or password.');
      }
      await clearFailures(db, passwordKey(normalized).key);
      // The session starts unverified: it can only finish signing in until the second factor passes.
      return { token: await deps.sessions.start(db, user.id, agent, false) };
    },

    async beginTotpEnrolment(session) {
      // Never while a confirmed authenticator exists: re-enrolling must not bypass it.
      requireState(session, ['second_factor_enrolment_required']);
      const secret = newTotpSecret();
      await putPendingTotp(db, session.userId, box.seal(secret, `totp:${session.userId}`), now());
      return { secret, ...totpEnrolment(secret, session.email, deps.issuer) };
    },

    async confirmTotpEnrolment(session, code) {
      // No counting here: the secret was just shown to this very session, there is nothing to guess.
      requireState(session, ['second_factor_enrolment_required']);
      const totp = await findTotp(db, session.userId);
      const step =
        totp && !totp.confirmedAt
          ? await checkTotp(
              box.open(totp.secretEncrypted, `totp:${session.userId}`),
              code,
              now(),
              totp.lastTimeStep,
            )
          : null;
      if (step === null) {
        await recordAudit(db, own(session, 'auth.second_factor_failed'));
        throw new AppError(
          'UNAUTHENTICATED',
          'That code is not right, or it was already used. Codes change every 30 seconds.',
        );
      }
      const recoveryCodes = newRecoveryCodes();
      const token = await database.transaction(async (tx) => {
        if (!(await acceptTotpStep(tx.db, session.userId, step, now(), true))) {
          throw new AppError('UNAUTHENTICATED', 'That code was already used. Wait for the next one.');
        }
        await replaceRecoveryCodes(
          tx.db,
          session.userId,
          recoveryCodes.map((c) => codeHash(box, 'recovery-code', normalizeRecoveryCode(c))),
        );
        await recordAudit(tx.db, own(session, 'auth.totp_enrolled'));
        await recordAudit(tx.db, own(session, 'auth.signed_in', 'session'));
        return deps.sessions.rotate(tx.db, session.tokenHash, true);
      });
      return { recoveryCodes, token };
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
      return database.transaction(async (tx) => {
        await setPassword(tx.db, session.userId, passwordHash, now());
        // Every other browser signed in with the old password is signed out, its live streams too.
        await deleteUserSessions(tx.db, session.userId, session.tokenHash);
        await announceAccessChange(tx.client, session);
        await recordAudit(tx.db, own(session, 'auth.password_changed'));
        return { token: await deps.sessions.rotate(tx.db, session.tokenHash, false) };
      });
    },

    async endSession(session, id) {
      const tokenHash = await deps.sessions.findById(session.userId, id);
      if (!tokenHash) throw new AppError('NOT_FOUND', 'No such session (it may have ended already).');
      await database.transaction(async (tx) => {
        await deps.sessions.end(tx.db, tokenHash);
        await announceAccessChange(tx.client, session);
        await recordAudit(tx.db, own(session, 'auth.session_ended', 'session'));
      });
    },

    async signOut(session, everywhere) {
      await database.transaction(async (tx) => {
        if (everywhere) await deleteUserSessions(tx.db, session.userId);
        else await deps.sessions.end(tx.db, session.tokenHash);
        await announceAccessChange(tx.client, session);
        await recordAudit(tx.db, own(session, everywhere ? 'auth.signed_out_everywhere' : 'auth.signed_out'));
      });
    },
  };
}

/** The person's live streams check their session again at once (issue 12 item 2). */
function announceAccessChange(client: SqlExecutor, session: SessionContext) {
  return recordEvents(client, session.coalitionId, [{ type: 'access.changed', subjectId: session.userId }]);
}
