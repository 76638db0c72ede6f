import type { Drizzle } from '../../db/database.js';
import { insertAudit } from './audit.repo.js';

/** The actions the audit log records. Content never goes in: only who, what, which record, when. */
export type AuditAction =
  | 'auth.signed_in'
  | 'auth.sign_in_failed'
  | 'auth.signed_out'
  | 'auth.signed_out_everywhere'
  | 'auth.session_ended'
  | 'auth.second_factor_failed'
  /** Too many wrong codes: the account's codes are locked for a while (its owner is told). */
  | 'auth.second_factor_locked'
  /** Too many wrong codes in one pending sign-in: it ended; the password must be entered again. */
  | 'auth.sign_in_restarted'
  | 'auth.recovery_code_used'
  | 'auth.totp_enrolled'
  | 'auth.passkey_added'
  | 'auth.passkey_removed'
  | 'auth.password_changed'
  | 'invitation.created'
  | 'invitation.accepted'
  | 'invitation.revoked'
  | 'user.created'
  | 'user.disabled'
  | 'user.enabled'
  | 'membership.granted'
  | 'membership.revoked'
  /** A grant let one person hold both sides of a separated duty (write and approve alerts). */
  | 'membership.conflict_flagged'
  | 'organization.created'
  | 'organization.zones_changed'
  | 'alert.drafted'
  | 'alert.edited'
  | 'alert.submitted'
  | 'alert.approved'
  | 'alert.rejected'
  | 'alert.cancelled'
  /** A published update took the alert's place (the subject is the alert it updates). */
  | 'alert.updated'
  /** A published all clear ended the alert (the subject is the alert it ends). */
  | 'alert.cleared'
  /** The publishing guard's lists (allowed numbers and hosts, blocked names) were changed. */
  | 'settings.publishing_changed';

export interface AuditEntry {
  coalitionId: string;
  actorId: string | null;
  action: AuditAction;
  subjectType: 'user' | 'session' | 'invitation' | 'membership' | 'organization' | 'alert' | 'coalition';
  subjectId: string | null;
  at: Date;
}

/** An audit entry of something a person did to their own account or session. */
export function ownAudit(
  session: { coalitionId: string; userId: string },
  action: AuditAction,
  at: Date,
  subject: 'user' | 'session' = 'user',
): AuditEntry {
  return {
    coalitionId: session.coalitionId,
    actorId: session.userId,
    action,
    subjectType: subject,
    subjectId: subject === 'user' ? session.userId : null,
    at,
  };
}

/** Writes one audit row; call it with the transaction that makes the change. */
export async function recordAudit(db: Drizzle, entry: AuditEntry): Promise<void> {
  await insertAudit(db, entry);
}
