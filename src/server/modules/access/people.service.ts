import type { Role } from '../../../shared/access.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import {
  findOrganization,
  insertOrganization,
  listOrganizations,
  setOrganizationZones,
} from '../coalitions/organizations.repo.js';
import { slugify } from '../coalitions/slug.js';
import { recordAudit } from './audit.js';
import { type AuditFilter, listAudit } from './audit.repo.js';
import { deleteUserSessions } from './sessions.repo.js';
import type { SessionContext } from './sessions.service.js';
import { findUser, grantMembership, listPeople, revokeMembership, setDisabled } from './users.repo.js';

export interface Person {
  id: string;
  email: string;
  displayName: string;
  disabled: boolean;
  memberships: { organizationId: string; organizationName: string; role: Role }[];
}

/** The admin's view of people, organizations and the audit log. */
export function createPeopleService(deps: { database: Database; now: () => Date }) {
  const { database, now } = deps;
  return {
    async list(actor: SessionContext): Promise<Person[]> {
      const rows = await listPeople(database.db, actor.coalitionId);
      const people = new Map<string, Person>();
      for (const row of rows) {
        const person = people.get(row.id) ?? {
          id: row.id,
          email: row.email,
          displayName: row.displayName,
          disabled: row.disabledAt !== null,
          memberships: [],
        };
        if (row.organizationId && row.organizationName && row.role) {
          person.memberships.push({
            organizationId: row.organizationId,
            organizationName: row.organizationName,
            role: row.role as Role,
          });
        }
        people.set(row.id, person);
      }
      return [...people.values()];
    },

    organizations: (actor: SessionContext) => listOrganizations(database.db, actor.coalitionId),

    /** Disables or re-enables an account; disabling ends all its sessions at once. */
    async setDisabled(actor: SessionContext, userId: string, disabled: boolean): Promise<void> {
      const user = await findUser(database.db, userId);
      if (!user || user.coalitionId !== actor.coalitionId) throw new AppError('NOT_FOUND', 'No such person.');
      if (disabled && userId === actor.userId) {
        throw new AppError('INVALID_TRANSITION', 'You cannot disable your own account.');
      }
      await database.transaction(async (tx) => {
        await setDisabled(tx.db, userId, disabled ? now() : null);
        if (disabled) await deleteUserSessions(tx.db, userId);
        await recordAudit(tx.db, {
          coalitionId: actor.coalitionId,
          actorId: actor.userId,
          action: disabled ? 'user.disabled' : 'user.enabled',
          subjectType: 'user',
          subjectId: userId,
          at: now(),
        });
      });
    },

    /** Grants or takes away a role in an organization. Nobody can take away their own admin role. */
    async setRole(
      actor: SessionContext,
      userId: string,
      input: { organizationId: string; role: Role },
      granted: boolean,
    ): Promise<void> {
      const user = await findUser(database.db, userId);
      if (!user || user.coalitionId !== actor.coalitionId) throw new AppError('NOT_FOUND', 'No such person.');
      if (!(await findOrganization(database.db, actor.coalitionId, input.organizationId))) {
        throw new AppError('VALIDATION', 'No such organization in this coalition.', {
          fields: [{ field: 'organizationId', message: 'not found' }],
        });
      }
      if (!granted && userId === actor.userId && input.role === 'admin') {
        throw new AppError('INVALID_TRANSITION', 'You cannot remove your own admin role; ask another admin.');
      }
      await database.transaction(async (tx) => {
        if (granted) await grantMembership(tx.db, userId, input.organizationId, input.role);
        else if (!(await revokeMembership(tx.db, userId, input.organizationId, input.role))) {
          throw new AppError('NOT_FOUND', 'This person does not hold that role there.');
        }
        await recordAudit(tx.db, {
          coalitionId: actor.coalitionId,
          actorId: actor.userId,
          action: granted ? 'membership.granted' : 'membership.revoked',
          subjectType: 'user',
          subjectId: userId,
          at: now(),
        });
      });
    },

    async createOrganization(actor: SessionContext, name: string): Promise<{ id: string }> {
      return database.transaction(async (tx) => {
        const created = await insertOrganization(tx.db, actor.coalitionId, name.trim(), slugify(name));
        if (!created) {
          throw new AppError('CONFLICT', 'An organization with this name already exists.', {
            fields: [{ field: 'name', message: 'already exists' }],
          });
        }
        await recordAudit(tx.db, {
          coalitionId: actor.coalitionId,
          actorId: actor.userId,
          action: 'organization.created',
          subjectType: 'organization',
          subjectId: created.id,
          at: now(),
        });
        return created;
      });
    },

    async setOrganizationZones(
      actor: SessionContext,
      organizationId: string,
      zoneIds: string[],
    ): Promise<void> {
      if (!(await findOrganization(database.db, actor.coalitionId, organizationId))) {
        throw new AppError('NOT_FOUND', 'No such organization.');
      }
      await database.transaction(async (tx) => {
        const kept = await setOrganizationZones(tx.db, actor.coalitionId, organizationId, zoneIds);
        if (kept !== new Set(zoneIds).size) {
          throw new AppError('VALIDATION', 'Some zones are not zones of this coalition.', {
            fields: [{ field: 'zoneIds', message: 'contains unknown zones' }],
          });
        }
        await recordAudit(tx.db, {
          coalitionId: actor.coalitionId,
          actorId: actor.userId,
          action: 'organization.zones_changed',
          subjectType: 'organization',
          subjectId: organizationId,
          at: now(),
        });
      });
    },

    audit: (actor: SessionContext, filter: AuditFilter, limit: number) =>
      listAudit(database.db, actor.coalitionId, filter, limit),
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
