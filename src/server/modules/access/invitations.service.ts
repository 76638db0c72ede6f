import { randomInt } from 'node:crypto';
import { normalizeEmail, type Role } from '../../../shared/access.js';
import { RECEIPT_ALPHABET } from '../../../shared/receipt.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, SqlExecutor } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { findOrganization } from '../coalitions/organizations.repo.js';
import { recordAudit } from './audit.js';
import { codeHash, codeHashCandidates } from './code-hash.js';
import {
  findInvitationBySecret,
  insertInvitation,
  invitationOrganization,
  listOpenInvitations,
  markInvitationAccepted,
  revokeInvitation,
} from './invitations.repo.js';
import { hashPassword } from './passwords.js';
import { invitationRefusal, managesOrganization } from './people.policy.js';
import { loadAdminScope } from './people.service.js';
import type { SessionContext, SessionService } from './sessions.service.js';
import { INVITATION_SOURCE_BACK_OFF, refuseIfBlocked, sourceKey } from './throttle.js';
import { recordFailure } from './throttle.repo.js';
import { findUserByEmail, grantMembership, insertUser } from './users.repo.js';

export const INVITATION_HOURS = 48;

/** 12 symbols of the readable receipt alphabet (~59 bits), grouped in threes of four: read aloud or typed. */
function newInvitationCode(): string {
  let symbols = '';
  for (let i = 0; i < 12; i++) symbols += RECEIPT_ALPHABET[randomInt(RECEIPT_ALPHABET.length)];
  return `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8)}`;
}

const normalizeCode = (code: string) => code.toUpperCase().replace(/[^0-9A-Z]/g, '');

export interface InvitationService {
  create(
    actor: SessionContext,
    input: { organizationId: string; role: Role; email?: string | undefined },
    linkFor: (code: string) => string,
  ): Promise<{ id: string; code: string; link: string; expiresAt: Date; emailed: boolean }>;
  listOpen(actor: SessionContext): Promise<Awaited<ReturnType<typeof listOpenInvitations>>>;
  revoke(actor: SessionContext, id: string): Promise<void>;
  /**
   * Creates the account and its membership, and starts a session that must enrol a second factor.
   * Wrong codes are counted per source (a keyed hash of the address): growing back-off.
   */
  accept(input: {
    code: string;
    email: string;
    displayName: string;
    password: string;
    agent: string;
    source: string;
  }): Promise<{ token: string }>;
}

/** What the e-mail job needs; the secret link travels sealed. */
export interface InvitationMail {
  invitationId: string;
  to: string;
  sealed: string;
  organization: string;
  inviter: string;
  role: string;
  expiresAt: string;
}

export function createInvitationService(deps: {
  database: Database;
  sessions: SessionService;
  box: SecretBox;
  now: () => Date;
  /** Enqueues the invitation e-mail in the given transaction; absent when no SMTP server is configured. */
  enqueueMail?: ((mail: InvitationMail, within: SqlExecutor) => Promise<unknown>) | undefined;
}): InvitationService {
  const { database, box, now } = deps;
  return {
    async create(actor, input, linkFor) {
      const organization = await findOrganization(database.db, actor.coalitionId, input.organizationId);
      if (!organization) {
        throw new AppError('VALIDATION', 'No such organization in this coalition.', {
          fields: [{ field: 'organizationId', message: 'not found' }],
        });
      }
      const refusal = invitationRefusal(await loadAdminScope(database.db, actor), input);
      if (refusal)
        throw new AppError(
          refusal.code,
          refusal.message,
          refusal.reason ? { reason: refusal.reason } : undefined,
        );
      const code = newInvitationCode();
      const link = linkFor(code);
      const email = input.email ? normalizeEmail(input.email) || null : null;
      const at = now();
      return database.transaction(async (tx) => {
        const invitation = await insertInvitation(tx.db, {
          organizationId: organization.id,
          role: input.role,
          email,
          secretHash: codeHash(box, 'invitation-code', normalizeCode(code)),
          createdBy: actor.userId,
          createdAt: at,
          expiresAt: new Date(at.getTime() + INVITATION_HOURS * 3_600_000),
        });
        await recordAudit(tx.db, {
          coalitionId: actor.coalitionId,
          actorId: actor.userId,
          action: 'invitation.created',
          subjectType: 'invitation',
          subjectId: invitation.id,
          at,
        });
        const emailed = Boolean(email && deps.enqueueMail);
        if (email && deps.enqueueMail) {
          await deps.enqueueMail(
            {
              invitationId: invitation.id,
              to: email,
              sealed: deps.box.seal(JSON.stringify({ link, code }), `invitation:${invitation.id}`),
              organization: organization.name,
              inviter: actor.displayName,
              role: input.role,
              expiresAt: invitation.expiresAt.toISOString(),
            },
            tx.client,
          );
        }
        return { id: invitation.id, code, link, expiresAt: invitation.expiresAt, emailed };
      });
    },

    async listOpen(actor) {
      const scope = await loadAdminScope(database.db, actor);
      return (await listOpenInvitations(database.db, actor.coalitionId, now())).filter((invitation) =>
        managesOrganization(scope, invitation.organizationId),
      );
    },

    async revoke(actor, id) {
      const organizationId = await invitationOrganization(database.db, actor.coalitionId, id);
      if (!organizationId || !managesOrganization(await loadAdminScope(database.db, actor), organizationId)) {
        throw new AppError('NOT_FOUND', 'No open invitation with this id.');
      }
      await database.transaction(async (tx) => {
        if (!(await revokeInvitation(tx.db, actor.coalitionId, id, now()))) {
          throw new AppError('NOT_FOUND', 'No open invitation with this id.');
        }
        await recordAudit(tx.db, {
          coalitionId: actor.coalitionId,
          actorId: actor.userId,
          action: 'invitation.revoked',
          subjectType: 'invitation',
          subjectId: id,
          at: now(),
        });
      });
    },

    async accept(input) {
      const at = now();
      const source = sourceKey(box, 'invitation-source', input.source, at, INVITATION_SOURCE_BACK_OFF);
      await refuseIfBlocked(database.db, [source], at);
      const found = await findInvitationBySecret(
        database.db,
        codeHashCandidates(box, 'invitation-code', normalizeCode(input.code)),
      );
      const invitation = found?.invitation;
      if (!found || !invitation || invitation.revokedAt) {
        await recordFailure(database.db, source.key, at, source.policy);
        throw new AppError(
          'NOT_FOUND',
          'This invitation code is not valid. Check it, or ask for a new invitation.',
        );
      }
      if (invitation.acceptedAt)
        throw new AppError('CONFLICT', 'This invitation was already used. Ask for a new one.');
      if (invitation.expiresAt <= at)
        throw new AppError('CONFLICT', 'This invitation has expired. Ask for a new one.');
      const email = normalizeEmail(input.email);
      if (invitation.email && invitation.email !== email) {
        throw new AppError('VALIDATION', 'Use the e-mail address the invitation was sent to.', {
          fields: [{ field: 'email', message: 'does not match the invitation' }],
        });
      }
      if (await findUserByEmail(database.db, found.coalitionId, email)) {
        throw new AppError('CONFLICT', 'An account with this e-mail already exists. Sign in instead.', {
          fields: [{ field: 'email', message: 'already has an account' }],
        });
      }
      const passwordHash = await hashPassword(input.password);
      return database.transaction(async (tx) => {
        const user = await insertUser(tx.db, {
          coalitionId: found.coalitionId,
          email,
          displayName: input.displayName.trim(),
          passwordHash,
          createdAt: at,
          passwordChangedAt: at,
        });
        if (!(await markInvitationAccepted(tx.db, invitation.id, user.id, at))) {
          throw new AppError('CONFLICT', 'This invitation was already used. Ask for a new one.');
        }
        await grantMembership(tx.db, user.id, invitation.organizationId, invitation.role);
        const audit = { coalitionId: found.coalitionId, actorId: user.id, at };
        await recordAudit(tx.db, {
          ...audit,
          action: 'invitation.accepted',
          subjectType: 'invitation',
          subjectId: invitation.id,
        });
        await recordAudit(tx.db, {
          ...audit,
          action: 'user.created',
          subjectType: 'user',
          subjectId: user.id,
        });
        return { token: await deps.sessions.start(tx.db, user.id, input.agent, false) };
      });
    },
  };
}
