import type { AuditAction } from '../../../shared/admin.js';
import type { Tx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { recordAudit } from '../access/audit.js';
import { type AlertRow, findAlert, moveAlert, referenceChain, updateAlert } from './alerts.repo.js';
import { type PublicContext, publicDocuments } from './render.js';
import { type AlertSnapshot, renderableOf, snapshotHash } from './snapshot.js';
import { issueTime } from './workflow.js';

/**
 * Publication, the step an approval and a cancel share: exactly the snapshot
 * approved is stored with its hash and issued to the second (after the
 * message it follows); its public JSON and CAP are made once, through the
 * guard, and kept for every public read; the earlier alert ends; the fan-out
 * is queued — all in the caller's transaction.
 */
export async function publishSnapshot(
  tx: Tx,
  args: {
    row: AlertRow;
    snapshot: AlertSnapshot;
    ctx: PublicContext;
    patch: Partial<AlertRow>;
    now: Date;
    onPublished: (alertId: string, tx: Tx) => Promise<void>;
  },
): Promise<void> {
  const { row, snapshot } = args;
  const earlier = row.referencesId ? await findAlert(tx.db, row.coalitionId, row.referencesId) : undefined;
  const at = issueTime(args.now, earlier?.publishedAt ?? null);
  const expiresAt = new Date(at.getTime() + snapshot.expiresInMinutes * 60_000);
  const issued = renderableOf(row.id, snapshot, {
    publishedAt: at,
    expiresAt,
    references: await referenceChain(tx.db, row.referencesId),
  });
  // Refuses (BLOCKED_BY_GUARD) before anything is written.
  const documents = publicDocuments(issued, args.ctx);
  const moved = await moveAlert(tx.db, row.id, row.state, {
    ...args.patch,
    snapshot,
    snapshotHash: snapshotHash(snapshot),
    documents,
    state: 'published',
    publishedAt: at,
    expiresAt,
  });
  if (!moved) throw new AppError('CONFLICT', 'Someone else acted on this alert at the same moment.');
  // An update, all clear or cancel takes the earlier alert's place.
  if (row.referencesId) await updateAlert(tx.db, row.referencesId, { endedAt: at });
  await args.onPublished(row.id, tx);
}

/** One audit row per alert action, in its transaction: who, what, which alert — never the content. */
export function auditAlert(
  tx: Tx,
  entry: { coalitionId: string; actorId: string; action: AuditAction; alertId: string; at: Date },
): Promise<void> {
  return recordAudit(tx.db, {
    coalitionId: entry.coalitionId,
    actorId: entry.actorId,
    action: entry.action,
    subjectType: 'alert',
    subjectId: entry.alertId,
    at: entry.at,
  });
}
