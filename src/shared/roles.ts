/**
 * The roles a person can hold in a member organization (zod-free, for the web app).
 * `admin` is an organization's admin: the people and roles of that organization
 * only. `coalition_admin` manages the whole coalition: member organizations,
 * zones, coalition-wide settings, retention, channels and everyone's access.
 */
export const ROLES = [
  'admin',
  'dispatcher',
  'operator',
  'responder',
  'approver',
  'legal',
  'coalition_admin',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * Roles whose reach is the whole coalition, whatever organization holds them:
 * dispatchers read every report (exact places, callback numbers) and write
 * alerts, approvers publish them. Only a coalition admin grants these, so an
 * organization's admin cannot invite themselves a second account to read the
 * coalition's reports or to publish alone (issue 12 items 5 and 6).
 */
export const COALITION_REACH_ROLES: readonly Role[] = ['dispatcher', 'approver', 'coalition_admin'];

/** Roles that administer people: every admin page needs one of them. */
export const ADMIN_ROLES: readonly Role[] = ['admin', 'coalition_admin'];

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;
