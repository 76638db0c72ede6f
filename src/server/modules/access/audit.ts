import type { AuditAction, AuditSubject } from '../../../shared/admin.js';
import type { Drizzle } from '../../db/database.js';
import { insertAudit } from './audit.repo.js';

export interface AuditEntry {
  coalitionId: string;
  actorId: string | null;
  action: AuditAction;
  subjectType: AuditSubject;
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
