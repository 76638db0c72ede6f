import type { Role } from '../../../shared/access.js';
import { heldTogether } from '../../../shared/permissions.js';
import type { Database, Drizzle, Tx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { recordEvents } from '../../realtime/events.repo.js';
import {
  findOrganization,
  insertOrganization,
  listOrganizations,
  setOrganizationZones,
} from '../coalitions/organizations.repo.js';
import { slugify } from '../coalitions/slug.js';
import { type AuditEntry, recordAudit } from './audit.js';
import { type AuditFilter, latestAuditOf, listAudit } from './audit.repo.js';
import {
  type AdminScope,
  accountChangeRefusal,
  adminScope,
  beyondScope,
  managesOrganization,
  type Refusal,
  roleChangeRefusal,
  seesPerson,
  visibleMemberships,
} from './people.policy.js';
import { deleteUserSessions } from './sessions.repo.js';
import type { SessionContext } from './sessions.service.js';
import {
  adminOrganizationIds,
  findUser,
  grantMembership,
  listPeople,
  membershipsOf,
  revokeMembership,
  rolesOf,
  setDisabled,
} from './users.repo.js';

export interface Person {
  id: string;
  email: string;
  displayName: string;
  disabled: boolean;
  /** The roles this admin is shown: all for a coalition admin, their organizations' otherwise. */
  memberships: { organizationId: string; organizationName: string; role: Role }[];
  /** Whether this admin may disable or re-enable the account (not their own; nobody beyond their scope). */
  canChangeAccount: boolean;
}

/** Someone who holds both sides of a separated duty (writes alerts and approves them), flagged to admins. */
export interface RoleConflict {
  userId: string;
  displayName: string;
  roles: Role[];
  flaggedAt: Date | null;
  flaggedById: string | null;
  flaggedByName: string | null;
}

/** What this admin may manage: from their roles and the organizations where they are `admin`. */
export async function loadAdminScope(db: Drizzle, actor: SessionContext): Promise<AdminScope> {
  return adminScope(actor.userId, actor.roles, await adminOrganizationIds(db, actor.userId));
}

const refuse = (refusal: Refusal | null) => {
  if (refusal)
    throw new AppError(
      refusal.code,
      refusal.message,
      refusal.reason ? { reason: refusal.reason } : undefined,
    );
};

/** The admin's view of people, organizations and the audit log. */
export function createPeopleService(deps: { database: Database; now: () => Date }) {
  const { database, now } = deps;

  const scopeOf = (actor: SessionContext) => loadAdminScope(database.db, actor);

  /** The coalition's people as this admin may see them, with every membership (for the policy). */
  const everyone = async (actor: SessionContext) => {
    const rows = await listPeople(database.db, actor.coalitionId);
    const people = new Map<string, Omit<Person, 'canChangeAccount'>>();
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
          role: row.role,
        });
      }
      people.set(row.id, person);
    }
    return [...people.values()];
  };

  /** The person and all their roles, refused as "no such person" outside the coalition. */
  const target = async (actor: SessionContext, userId: string) => {
    const user = await findUser(database.db, userId);
    if (!user || user.coalitionId !== actor.coalitionId) throw new AppError('NOT_FOUND', 'No such person.');
    return { user, memberships: await membershipsOf(database.db, userId) };
  };

  /** Live streams of this person check their session again at once (sign-out, disable, roles). */
  const announceAccessChange = (tx: Tx, coalitionId: string, userId: string) =>
    recordEvents(tx.client, coalitionId, [{ type: 'access.changed', subjectId: userId }]);

  const audit = (actor: SessionContext, entry: Omit<AuditEntry, 'coalitionId' | 'actorId' | 'at'>) => ({
    ...entry,
    coalitionId: actor.coalitionId,
    actorId: actor.userId,
    at: now(),
  });

  return {
    async list(actor: SessionContext): Promise<Person[]> {
      const scope = await scopeOf(actor);
      return (await everyone(actor))
        .filter((person) => seesPerson(scope, person.memberships))
        .map((person) => ({
          ...person,
          memberships: visibleMemberships(scope, person.memberships),
          canChangeAccount: person.id !== actor.userId && !beyondScope(scope, person.memberships),
        }));
    },

    /** The organizations this admin manages (all of them for a coalition admin). */
    async organizations(actor: SessionContext) {
      const scope = await scopeOf(actor);
      return (await listOrganizations(database.db, actor.coalitionId)).filter((org) =>
        managesOrganization(scope, org.id),
      );
    },

    /** Disables or re-enables an account; disabling ends all its sessions and live streams at once. */
    async setDisabled(actor: SessionContext, userId: string, disabled: boolean): Promise<void> {
      const { memberships } = await target(actor, userId);
      refuse(accountChangeRefusal(await scopeOf(actor), userId, memberships, disabled));
      await database.transaction(async (tx) => {
        await setDisabled(tx.db, userId, disabled ? now() : null);
        if (disabled) await deleteUserSessions(tx.db, userId);
        await announceAccessChange(tx, actor.coalitionId, userId);
        await recordAudit(
          tx.db,
          audit(actor, {
            action: disabled ? 'user.disabled' : 'user.enabled',
            subjectType: 'user',
            subjectId: userId,
          }),
        );
      });
    },

    /**
     * Grants or takes away a role in an organization, within the admin's scope.
     * A grant that lets one person both write and approve alerts is flagged.
     */
    async setRole(
      actor: SessionContext,
      userId: string,
      input: { organizationId: string; role: Role },
      granted: boolean,
    ): Promise<void> {
      const { memberships } = await target(actor, userId);
      if (!(await findOrganization(database.db, actor.coalitionId, input.organizationId))) {
        throw new AppError('VALIDATION', 'No such organization in this coalition.', {
          fields: [{ field: 'organizationId', message: 'not found' }],
        });
      }
      refuse(roleChangeRefusal(await scopeOf(actor), userId, memberships, input, granted));
      await database.transaction(async (tx) => {
        const before = heldTogether(await rolesOf(tx.db, userId)).length;
        if (granted) await grantMembership(tx.db, userId, input.organizationId, input.role);
        else if (!(await revokeMembership(tx.db, userId, input.organizationId, input.role))) {
          throw new AppError('NOT_FOUND', 'This person does not hold that role there.');
        }
        await announceAccessChange(tx, actor.coalitionId, userId);
        await recordAudit(
          tx.db,
          audit(actor, {
            action: granted ? 'membership.granted' : 'membership.revoked',
            subjectType: 'user',
            subjectId: userId,
          }),
        );
        if (granted && heldTogether(await rolesOf(tx.db, userId)).length > before) {
          await recordAudit(
            tx.db,
            audit(actor, { action: 'membership.conflict_flagged', subjectType: 'user', subjectId: userId }),
          );
        }
      });
    },

    /** People this admin sees who can write an alert and approve it alone, with who made it so. */
    async roleConflicts(actor: SessionContext): Promise<RoleConflict[]> {
      const scope = await scopeOf(actor);
      const conflicted = (await everyone(actor)).filter(
        (person) =>
          !person.disabled &&
          seesPerson(scope, person.memberships) &&
          heldTogether(person.memberships.map((m) => m.role)).length > 0,
      );
      const flags = await latestAuditOf(
        database.db,
        actor.coalitionId,
        'membership.conflict_flagged',
        conflicted.map((person) => person.id),
      );
      return conflicted.map((person) => {
        const flag = flags.get(person.id);
        return {
          userId: person.id,
          displayName: person.displayName,
          roles: [...new Set(person.memberships.map((m) => m.role))].sort(),
          flaggedAt: flag?.at ?? null,
          flaggedById: flag?.actorId ?? null,
          flaggedByName: flag?.actorName ?? null,
        };
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
        await recordAudit(
          tx.db,
          audit(actor, {
            action: 'organization.created',
            subjectType: 'organization',
            subjectId: created.id,
          }),
        );
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
        await recordAudit(
          tx.db,
          audit(actor, {
            action: 'organization.zones_changed',
            subjectType: 'organization',
            subjectId: organizationId,
          }),
        );
      });
    },

    audit: (actor: SessionContext, filter: AuditFilter, limit: number) =>
      listAudit(database.db, actor.coalitionId, filter, limit),
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
