import type { Role } from './roles.js';

/*
 * Who may do what, shared by the server and the web (zod-free). The server decides: every route
 * declares the permission it needs (http/auth.ts). The web only hides what a person cannot do, and
 * its checks (`session.permissions.includes('alerts:compose')`) are typed by this list, so a
 * misspelled permission does not compile.
 */

/**
 * What each role may do. Deny by default: a permission not listed for any of
 * a person's roles is refused. Field-level rights (an exact location, a
 * callback number) are permissions of their own.
 */
export const PERMISSIONS = [
  'reports:read',
  'reports:read-restricted',
  /** Take a report on the hotline (with a callback number). */
  'reports:intake',
  /** File a report from the field. */
  'reports:field',
  /** See a hotline caller's callback number. */
  'reports:read-callback',
  'incidents:read',
  'incidents:manage',
  /** Read and write every incident's channel (responders use the one they are sent to without it). */
  'incidents:channel',
  'live:subscribe',
  'people:manage',
  'organizations:manage',
  'audit:read',
  /** Change how the coalition's reports are grouped into incidents. */
  'settings:manage',
  /** See alerts being written, approved and delivered. */
  'alerts:read',
  /** Write alerts and submit them for approval. */
  'alerts:compose',
  /** Approve (and so publish) or reject another person's alert. */
  'alerts:approve',
  /** Cancel a published alert with the prepared correction, at once. */
  'alerts:cancel',
  /** A responder's own profile, shift, location and assignments. */
  'responders:self',
  /** See who is on shift and the suggestions for an incident. */
  'responders:read',
  /** Offer incidents to responders. */
  'assignments:manage',
  /** Record evidence (video, audio, photos, notes) on an incident one is out on. */
  'evidence:record',
  /** See that evidence items exist and their facts: type, length, hash, state (not the originals). */
  'evidence:read',
  /** Open, download and export originals; the custody log; legal holds. */
  'evidence:legal',
  /**
   * Work on cases (issue 16): list, search and open the cases of one's own legal team. Which case a
   * person may see is decided per case (cases.policy.ts), never by this permission alone.
   */
  'cases:work',
  /** Activate a caller's emergency plan with the code and PIN they give on the hotline. */
  'plans:activate',
  /** Edit the rights library's texts (issue 17): every edit is a new version, a draft until reviewed. */
  'rights:manage',
  /** Mark a translation of the rights library reviewed, for one's own member organization. */
  'rights:review',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  // An organization's admin: people and roles of their own organization (scoped in people.policy.ts).
  admin: ['people:manage', 'rights:review'],
  coalition_admin: [
    'people:manage',
    'organizations:manage',
    'audit:read',
    'settings:manage',
    'rights:manage',
    'rights:review',
  ],
  dispatcher: [
    'reports:read',
    'reports:read-restricted',
    'reports:intake',
    'reports:field',
    'reports:read-callback',
    'incidents:read',
    'incidents:manage',
    'incidents:channel',
    'live:subscribe',
    'alerts:read',
    'alerts:compose',
    'alerts:cancel',
    'responders:read',
    'assignments:manage',
    'evidence:record',
    'evidence:read',
    'plans:activate',
  ],
  operator: ['reports:intake', 'plans:activate'],
  responder: ['reports:field', 'responders:self', 'evidence:record'],
  // What they judge by is the rendered alert and its incident's verdict and public facts (given with
  // `alerts:read`): not the board, the channel, reports' markings or who was sent.
  approver: ['alerts:read', 'alerts:approve', 'alerts:cancel'],
  // Counsel: the evidence, its originals and custody; not the board, reports or who was sent.
  // Counsel also reviews the rights library's legal wording.
  legal: ['evidence:read', 'evidence:legal', 'cases:work', 'rights:review'],
};

/** The permissions that the given roles grant together. */
export function permissionsOf(roles: readonly Role[]): Permission[] {
  return [...new Set(roles.flatMap((role) => ROLE_PERMISSIONS[role]))].sort();
}

/** Whether the roles grant the permission. */
export function can(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => ROLE_PERMISSIONS[role].includes(permission));
}

/**
 * Duties one person must not hold together: writing an alert and approving
 * it. A grant that gives someone both is flagged to the other admins.
 */
export const SEPARATED_DUTIES: readonly (readonly [Permission, Permission])[] = [
  ['alerts:compose', 'alerts:approve'],
];

/** The separated duties the given roles would let one person hold both sides of. */
export function heldTogether(roles: readonly Role[]): (readonly [Permission, Permission])[] {
  return SEPARATED_DUTIES.filter(([one, other]) => can(roles, one) && can(roles, other));
}
