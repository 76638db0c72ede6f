import type { Role } from '../../../shared/access.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { listOrganizations } from '../coalitions/organizations.repo.js';
import { recordAudit } from './audit.js';
import { type AuditFilter, listAudit } from './audit.repo.js';
import { deleteUserSessions } from './sessions.repo.js';
import type { SessionContext } from './sessions.service.js';
import { findUser, listPeople, setDisabled } from './users.repo.js';

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

    audit: (actor: SessionContext, filter: AuditFilter, limit: number) =>
      listAudit(database.db, actor.coalitionId, filter, limit),
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
