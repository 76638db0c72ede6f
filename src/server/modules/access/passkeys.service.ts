import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { recordAudit } from './audit.js';
import { CHALLENGE_TTL_MS, type RelyingParty, registrationOptions, verifyRegistration } from './passkeys.js';
import { deletePasskey, insertPasskey, listPasskeys, putChallenge, takeChallenge } from './passkeys.repo.js';
import type { SessionContext } from './sessions.service.js';

/** A signed-in person's passkeys: add, list, remove. */
export function createPasskeyService(deps: { database: Database; now: () => Date }) {
  const { database, now } = deps;
  const audit = (session: SessionContext, action: 'auth.passkey_added' | 'auth.passkey_removed') => ({
    coalitionId: session.coalitionId,
    actorId: session.userId,
    action,
    subjectType: 'user' as const,
    subjectId: session.userId,
    at: now(),
  });
  return {
    async registrationOptions(session: SessionContext, rp: RelyingParty) {
      const existing = await listPasskeys(database.db, session.userId);
      const options = await registrationOptions(
        rp,
        { id: session.userId, email: session.email, name: session.displayName },
        existing,
      );
      await putChallenge(
        database.db,
        session.tokenHash,
        options.challenge,
        'register',
        new Date(now().getTime() + CHALLENGE_TTL_MS),
      );
      return options;
    },

    async register(
      session: SessionContext,
      rp: RelyingParty,
      response: RegistrationResponseJSON,
      name: string,
    ) {
      const challenge = await takeChallenge(database.db, session.tokenHash, 'register');
      const credential =
        challenge && challenge.expiresAt > now()
          ? await verifyRegistration(rp, challenge.challenge, response)
          : null;
      if (!credential)
        throw new AppError('VALIDATION', 'The passkey could not be verified. Try adding it again.');
      await database.transaction(async (tx) => {
        await insertPasskey(tx.db, { ...credential, userId: session.userId, name, createdAt: now() });
        await recordAudit(tx.db, audit(session, 'auth.passkey_added'));
      });
    },

    async list(session: SessionContext) {
      return (await listPasskeys(database.db, session.userId)).map((p) => ({
        id: p.id,
        name: p.name,
        createdAt: p.createdAt.toISOString(),
        lastUsedAt: p.lastUsedAt?.toISOString() ?? null,
      }));
    },

    async remove(session: SessionContext, id: string) {
      await database.transaction(async (tx) => {
        if (!(await deletePasskey(tx.db, session.userId, id)))
          throw new AppError('NOT_FOUND', 'No such passkey.');
        await recordAudit(tx.db, audit(session, 'auth.passkey_removed'));
      });
    },
  };
}

export type PasskeyService = ReturnType<typeof createPasskeyService>;
