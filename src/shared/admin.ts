import { z } from 'zod';
import { roleSchema } from './access.js';

/**
 * The admin pages' contract: what `/api/admin/*` answers, the schemas the server validates its
 * answers with (and documents them by) and the types the web reads them as.
 */

export { AUDIT_ACTIONS, AUDIT_SUBJECTS, type AuditAction, type AuditSubject } from './audit.js';

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
