import { COALITION_REACH_ROLES, type Role } from '../../../shared/access.js';
import type { ErrorReason } from '../../../shared/errors.js';

/**
 * What an admin may do to people (issue 12 item 6). A coalition admin manages
 * everyone in the coalition; an organization's admin only the people and roles
 * of the organizations they administer — never roles elsewhere, never a
 * person who also belongs to another organization, never a coalition admin.
 * Nobody gives themselves a role (issue 12 item 5), and roles that reach the
 * whole coalition (dispatcher, approver) are a coalition admin's to grant.
 */
export interface AdminScope {
  actorId: string;
  coalitionWide: boolean;
  /** The organizations the actor is `admin` of. */
  organizationIds: ReadonlySet<string>;
}

export interface Membership {
  organizationId: string;
  role: Role;
}

export interface Refusal {
  code: 'NOT_FOUND' | 'FORBIDDEN' | 'INVALID_TRANSITION';
  message: string;
  /** How the web app words it for its reader (absent where the code says it all). */
  reason?: ErrorReason;
}

const COALITION_REACH_MESSAGE =
  'Dispatchers and approvers read and publish for the whole coalition: ask a coalition admin to grant this role.';

/** The scope of an admin from their roles and the organizations where they hold `admin`. */
export function adminScope(
  actorId: string,
  roles: readonly Role[],
  adminOrganizationIds: readonly string[],
): AdminScope {
  return {
    actorId,
    coalitionWide: roles.includes('coalition_admin'),
    organizationIds: new Set(adminOrganizationIds),
  };
}

/** Whether the admin manages this organization's people. */
export const managesOrganization = (scope: AdminScope, organizationId: string) =>
  scope.coalitionWide || scope.organizationIds.has(organizationId);

/** Whether the admin sees this person: everyone for a coalition admin, members of their organizations otherwise. */
export const seesPerson = (scope: AdminScope, memberships: readonly Membership[]) =>
  scope.coalitionWide || memberships.some((m) => scope.organizationIds.has(m.organizationId));

/** The memberships of a person the admin is shown. */
export const visibleMemberships = <M extends Membership>(scope: AdminScope, memberships: readonly M[]) =>
  scope.coalitionWide
    ? [...memberships]
    : memberships.filter((m) => managesOrganization(scope, m.organizationId));

/** Whether the person also belongs somewhere this admin does not manage (or is a coalition admin). */
export const beyondScope = (scope: AdminScope, memberships: readonly Membership[]) =>
  !scope.coalitionWide &&
  memberships.some((m) => m.role === 'coalition_admin' || !scope.organizationIds.has(m.organizationId));

/** Why the admin may not disable or re-enable this person's account, or null if they may. */
export function accountChangeRefusal(
  scope: AdminScope,
  userId: string,
  memberships: readonly Membership[],
  disabling: boolean,
): Refusal | null {
  if (!seesPerson(scope, memberships)) return { code: 'NOT_FOUND', message: 'No such person.' };
  if (disabling && userId === scope.actorId) {
    return {
      code: 'INVALID_TRANSITION',
      message: 'You cannot disable your own account.',
      reason: 'own_account',
    };
  }
  if (beyondScope(scope, memberships)) {
    return {
      code: 'FORBIDDEN',
      message:
        'This person also belongs to another organization; only a coalition admin can disable or re-enable their account.',
      reason: 'beyond_organization',
    };
  }
  return null;
}

/** Why the admin may not grant (or take away) this role there, or null if they may. */
export function roleChangeRefusal(
  scope: AdminScope,
  userId: string,
  memberships: readonly Membership[],
  change: Membership,
  granted: boolean,
): Refusal | null {
  if (!seesPerson(scope, memberships)) return { code: 'NOT_FOUND', message: 'No such person.' };
  if (granted && userId === scope.actorId) {
    return {
      code: 'FORBIDDEN',
      message: 'You cannot give yourself a role. Ask another admin: a second person sees every grant.',
      reason: 'own_role',
    };
  }
  if (
    !granted &&
    userId === scope.actorId &&
    (change.role === 'admin' || change.role === 'coalition_admin')
  ) {
    return {
      code: 'INVALID_TRANSITION',
      message: 'You cannot remove your own admin role; ask another admin.',
      reason: 'own_admin_role',
    };
  }
  if (change.role === 'coalition_admin' && !scope.coalitionWide) {
    return {
      code: 'FORBIDDEN',
      message: 'Only a coalition admin can grant or take away the coalition admin role.',
      reason: 'coalition_admin_only',
    };
  }
  if (granted && !scope.coalitionWide && COALITION_REACH_ROLES.includes(change.role)) {
    return { code: 'FORBIDDEN', message: COALITION_REACH_MESSAGE, reason: 'coalition_reach' };
  }
  if (!managesOrganization(scope, change.organizationId)) {
    return {
      code: 'FORBIDDEN',
      message: 'You manage the roles of your own organization only.',
      reason: 'own_organization_only',
    };
  }
  return null;
}

/** Why the admin may not invite someone with this role there, or null if they may. */
export function invitationRefusal(scope: AdminScope, invitation: Membership): Refusal | null {
  if (invitation.role === 'coalition_admin' && !scope.coalitionWide) {
    return {
      code: 'FORBIDDEN',
      message: 'Only a coalition admin can invite a coalition admin.',
      reason: 'coalition_admin_only',
    };
  }
  if (!scope.coalitionWide && COALITION_REACH_ROLES.includes(invitation.role)) {
    return { code: 'FORBIDDEN', message: COALITION_REACH_MESSAGE, reason: 'coalition_reach' };
  }
  if (!managesOrganization(scope, invitation.organizationId)) {
    return {
      code: 'FORBIDDEN',
      message: 'You can invite people to your own organization only.',
      reason: 'own_organization_only',
    };
  }
  return null;
}
