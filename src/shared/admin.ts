import { z } from 'zod';
import { roleSchema } from './access.js';

/**
 * The admin pages' contract: what `/api/admin/*` answers, the schemas the server validates its
 * answers with (and documents them by) and the types the web reads them as.
 */

/** The actions the audit log records. Content never goes in: only who, what, which record, when. */
export const AUDIT_ACTIONS = [
  'auth.signed_in',
  'auth.sign_in_failed',
  'auth.signed_out',
  'auth.signed_out_everywhere',
  'auth.session_ended',
  'auth.second_factor_failed',
  /** Too many wrong codes: the account's codes are locked for a while (its owner is told). */
  'auth.second_factor_locked',
  /** Too many wrong codes in one pending sign-in: it ended; the password must be entered again. */
  'auth.sign_in_restarted',
  'auth.recovery_code_used',
  'auth.totp_enrolled',
  'auth.passkey_added',
  'auth.passkey_removed',
  'auth.password_changed',
  'invitation.created',
  'invitation.accepted',
  'invitation.revoked',
  'user.created',
  'user.disabled',
  'user.enabled',
  'membership.granted',
  'membership.revoked',
  /** A grant let one person hold both sides of a separated duty (write and approve alerts). */
  'membership.conflict_flagged',
  'organization.created',
  'organization.zones_changed',
  'alert.drafted',
  'alert.edited',
  'alert.submitted',
  'alert.approved',
  'alert.rejected',
  'alert.cancelled',
  /** A published update took the alert's place (the subject is the alert it updates). */
  'alert.updated',
  /** A published all clear ended the alert (the subject is the alert it ends). */
  'alert.cleared',
  /** The publishing guard's lists (allowed numbers and hosts, blocked names) were changed. */
  'settings.publishing_changed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The kinds of record an audit entry is about. */
export const AUDIT_SUBJECTS = [
  'user',
  'session',
  'invitation',
  'membership',
  'organization',
  'alert',
  'coalition',
] as const;
export type AuditSubject = (typeof AUDIT_SUBJECTS)[number];

/** `GET /api/admin/organizations`: the member organizations this admin manages. */
export const adminOrganizationsSchema = z.object({
  organizations: z.array(
    z.object({ id: z.uuid(), slug: z.string(), name: z.string(), zoneIds: z.array(z.uuid()) }),
  ),
});
export type AdminOrganizations = z.infer<typeof adminOrganizationsSchema>;
export type AdminOrganization = AdminOrganizations['organizations'][number];

/** `POST /api/admin/organizations`: the organization added. */
export const organizationCreatedSchema = z.object({ id: z.uuid() });

/** `GET /api/admin/people`: people and their roles. */
export const adminPeopleSchema = z.object({
  people: z.array(
    z.object({
      id: z.uuid(),
      email: z.string(),
      displayName: z.string(),
      disabled: z.boolean(),
      /** Whether this admin may disable or re-enable the account. */
      canChangeAccount: z.boolean(),
      memberships: z.array(
        z.object({ organizationId: z.uuid(), organizationName: z.string(), role: roleSchema }),
      ),
    }),
  ),
});
export type AdminPeople = z.infer<typeof adminPeopleSchema>;
export type AdminPerson = AdminPeople['people'][number];

/** `GET /api/admin/role-conflicts`: people who can both write and approve alerts, and who granted it. */
export const roleConflictsSchema = z.object({
  conflicts: z.array(
    z.object({
      userId: z.uuid(),
      displayName: z.string(),
      roles: z.array(roleSchema),
      flaggedAt: z.string().nullable(),
      flaggedById: z.uuid().nullable(),
      flaggedByName: z.string().nullable(),
    }),
  ),
});
export type RoleConflicts = z.infer<typeof roleConflictsSchema>;
export type RoleConflict = RoleConflicts['conflicts'][number];

/** `GET /api/admin/invitations`: the open invitations. */
export const openInvitationsSchema = z.object({
  invitations: z.array(
    z.object({
      id: z.uuid(),
      organizationId: z.uuid(),
      organizationName: z.string(),
      role: roleSchema,
      email: z.string().nullable(),
      createdAt: z.string(),
      expiresAt: z.string(),
    }),
  ),
});
export type OpenInvitations = z.infer<typeof openInvitationsSchema>;
export type OpenInvitation = OpenInvitations['invitations'][number];

/** `POST /api/admin/invitations`: the code, shown once, and its link. */
export const invitationCreatedSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  link: z.string(),
  expiresAt: z.string(),
  emailed: z.boolean(),
});
export type InvitationCreated = z.infer<typeof invitationCreatedSchema>;

/** `GET /api/admin/audit`: a page of the audit log, newest first. */
export const auditPageSchema = z.object({
  entries: z.array(
    z.object({
      id: z.number(),
      at: z.string(),
      actorId: z.string().nullable(),
      actorName: z.string().nullable(),
      // Written as stored: an entry from an older version may name an action no longer in the list.
      action: z.string(),
      subjectType: z.string(),
      subjectId: z.string().nullable(),
    }),
  ),
});
export type AuditPage = z.infer<typeof auditPageSchema>;
export type AuditPageEntry = AuditPage['entries'][number];

/** `GET /api/admin/retention`: the deletion schedule and how much restricted data is held now. */
export const retentionViewSchema = z.object({
  policy: z.object({
    restrictedDays: z.number().int(),
    callbackHours: z.number().int(),
    unclaimedPhotoMinutes: z.number().int(),
    schedule: z.string(),
  }),
  /** What is held right now, waiting for its deletion. */
  held: z.object({
    reportsWithRestrictedFields: z.number().int(),
    callbackNumbers: z.number().int(),
    photos: z.number().int(),
    incidentNotes: z.number().int(),
    oldestRestrictedAt: z.string().nullable(),
  }),
});
export type RetentionView = z.infer<typeof retentionViewSchema>;
