/**
 * The audit log's vocabulary, without zod: the server's column and filter and the
 * web's list of actions (each worded in the web's locales) read the same list.
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
  /** An evidence item was started (a recording, an upload, a note). */
  'evidence.recorded',
  /** Its original was played or shown, or downloaded (every time). */
  'evidence.viewed',
  'evidence.downloaded',
  /** A photo's working copy (pixels only, no metadata) was shown (every time). */
  'evidence.working_copy_viewed',
  /** Its custody log was read. */
  'evidence.custody_read',
  /** It was put in a bundle for counsel (its custody log names the bundle). */
  'evidence.exported',
  'evidence.hold_set',
  'evidence.hold_lifted',
  /** Its original was deleted (retention, or the legal team). */
  'evidence.deleted',
  /** A street map (a PMTiles extract) was imported for the coalition's maps, replacing any before it. */
  'settings.basemap_imported',
  /** The coalition's street map was removed: the maps show the zones only. */
  'settings.basemap_removed',
  /** A case was opened for the legal team (issue 16). */
  'case.opened',
  /** A case was read: its detail, or its row in a list or a search (every time). */
  'case.viewed',
  /**
   * Someone who may not know a case asked for it by its id, and was told it does not exist (a
   * dispatcher, another organization's team, a coalition admin): probing shows here.
   */
  'case.access_refused',
  /** The referral records of a team were read (each names a case and holds a sealed note). */
  'case.referrals_viewed',
  'case.listed',
  /** A case was a row of a CSV export for the legal team. */
  'case.exported',
  /** A document was added to a case, downloaded, or deleted (with a reason; its custody log stays). */
  'case.document_added',
  'case.document_read',
  'case.document_deleted',
  /** Something in a case changed (person, custody, hearing, contact, task, note, link, people). */
  'case.changed',
  'case.consent_recorded',
  /** A case moved to another member organization's legal team. */
  'case.referred',
  'case.closed',
  /** A closed case was deleted at the end of its retention; this row is all that remains. */
  'case.deleted',
  /** A person made (or replaced) the secret address of their calendar of hearings and tasks. */
  'case.calendar_created',
  'case.calendar_revoked',
  /** A person's calendar feed was fetched (by their calendar app or its server): one row per fetch. */
  'case.calendar_read',
  /** A detention facility was added to the list cases pick from. */
  'settings.case_facility_added',
  /** A hotline operator activated an emergency plan for a caller (the subject is the activation). */
  'plan.activated',
  /** A hotline operator's code and PIN for a caller opened no plan (wrong, unknown, or held back). */
  'plan.activation_refused',
  /** A family contact was given a case code and PIN to follow the case's stage (issue 16). */
  'case.family_access_issued',
  /** A family contact's case code was revoked. */
  'case.family_access_revoked',
  /** A family read the case's stage with its code and PIN (no actor: nobody signed in). */
  'case.family_status_read',
  /** A text of the rights library was changed (a new version, a draft again; issue 17). */
  'rights.edited',
  /** A translation of the rights library was marked reviewed for a member organization. */
  'rights.reviewed',
  /** An audio clip of a rights text was uploaded (a new version, a draft until reviewed). */
  'rights.clip_uploaded',
  /** An audio clip of a rights text was marked reviewed for a member organization (played publicly from then). */
  'rights.clip_reviewed',
  /** A translation of Faro's own words (public pages or alert templates) was marked reviewed for a member organization. */
  'translation.reviewed',
  /** A translation of Faro's own words was put back to draft (alerts stop carrying it). */
  'translation.draft',
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
  'evidence_item',
  'case',
  'plan',
  'rights_item',
  'translation',
] as const;
export type AuditSubject = (typeof AUDIT_SUBJECTS)[number];
