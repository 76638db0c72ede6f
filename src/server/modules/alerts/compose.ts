import type { z } from 'zod';
import type { draftInputSchema } from '../../../shared/alert.js';
import type { Drizzle, Tx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { liveSnapshot } from './alert-views.js';
import { type AlertRow, findAlert, insertAlert, moveAlert, setAlertZones } from './alerts.repo.js';
import { auditAlert } from './publish.js';
import { type PublicContext, requireClean } from './render.js';
import { snapshotHash } from './snapshot.js';
import { existingZones } from './subscriptions.repo.js';
import { type AlertFacts, msgTypeOf, nextState } from './workflow.js';

/**
 * Writing an alert: the steps a new draft, an edit, a submission and the
 * rumor check share, each in the caller's transaction, so that a command made
 * of several of them is written whole or not at all.
 */

export type DraftInput = z.output<typeof draftInputSchema>;

/** What the state machine needs of an alert row. */
export function alertFacts(row: AlertRow): AlertFacts {
  return {
    state: row.state,
    kind: row.kind,
    createdBy: row.createdBy,
    submittedBy: row.submittedBy,
    editors: row.editedBy,
    endedAt: row.endedAt,
    expiresAt: row.expiresAt,
  };
}

/** The coalition's alert, locked for the rest of the transaction; NOT_FOUND otherwise. */
export async function loadAlert(tx: Tx, coalitionId: string, id: string): Promise<AlertRow> {
  const row = await findAlert(tx.db, coalitionId, id, true);
  if (!row) throw new AppError('NOT_FOUND', 'No alert with this id.');
  return row;
}

/** The coalition's zones of these ids, refused (VALIDATION on `zoneIds`) if one does not exist. */
export async function checkZones(db: Drizzle, coalitionId: string, zoneIds: readonly string[]) {
  const found = await existingZones(db, coalitionId, zoneIds);
  if (found.length !== new Set(zoneIds).size) {
    throw new AppError('VALIDATION', 'One of the zones does not exist; choose from the list.', {
      fields: [{ field: 'zoneIds', message: 'unknown zone' }],
    });
  }
  return found;
}

/** An update or all clear must follow a published alert that is still in force. */
export async function checkReference(tx: Tx, coalitionId: string, input: DraftInput, now: Date) {
  const needs = input.kind === 'update' || input.kind === 'all_clear';
  if (!input.referencesId) {
    if (needs)
      throw new AppError('VALIDATION', 'An update or all clear follows an earlier alert.', {
        fields: [{ field: 'referencesId', message: 'required' }],
      });
    return;
  }
  const earlier = await loadAlert(tx, coalitionId, input.referencesId);
  nextState(alertFacts(earlier), 'follow_up', '', now);
  if (earlier.capStatus !== input.capStatus)
    throw new AppError('VALIDATION', `A follow-up keeps its alert's status (${earlier.capStatus}).`);
}

/** The columns a draft's input sets. */
export function draftValues(input: DraftInput) {
  return {
    kind: input.kind,
    capStatus: input.capStatus,
    msgType: msgTypeOf(input.kind),
    incidentId: input.incidentId ?? null,
    referencesId: input.referencesId ?? null,
    content: input.content,
    urgency: input.cap.urgency,
    severity: input.cap.severity,
    certainty: input.cap.certainty,
    // The clock starts at publication.
    expiresInMinutes: input.cap.expiresInMinutes,
  };
}

/** A new draft with its zones and its audit row ("alert.drafted"). */
export async function insertDraft(
  tx: Tx,
  args: { coalitionId: string; id: string; input: DraftInput; actorId: string; now: () => Date },
): Promise<void> {
  const { coalitionId, id, input, actorId } = args;
  await checkZones(tx.db, coalitionId, input.zoneIds);
  await checkReference(tx, coalitionId, input, args.now());
  await insertAlert(tx.db, {
    id,
    coalitionId,
    createdBy: actorId,
    editedBy: [actorId],
    ...draftValues(input),
  });
  await setAlertZones(tx.db, id, [...new Set(input.zoneIds)]);
  await auditAlert(tx, { coalitionId, actorId, action: 'alert.drafted', alertId: id, at: args.now() });
}

/**
 * A draft submitted for approval: refused (BLOCKED_BY_GUARD) while the publishing guard finds
 * anything, else what the approver will be shown is frozen now, with its audit row ("alert.submitted").
 */
export async function submitDraft(
  tx: Tx,
  args: { coalitionId: string; id: string; actorId: string; ctx: PublicContext; now: () => Date },
): Promise<void> {
  const { coalitionId, id, actorId, now } = args;
  const row = await loadAlert(tx, coalitionId, id);
  const state = nextState(alertFacts(row), 'submit', actorId, now());
  const snapshot = await liveSnapshot(tx.db, row);
  requireClean(snapshot, args.ctx);
  await moveAlert(tx.db, id, row.state, {
    state,
    submittedBy: actorId,
    submittedAt: now(),
    snapshot,
    snapshotHash: snapshotHash(snapshot),
  });
  await auditAlert(tx, { coalitionId, actorId, action: 'alert.submitted', alertId: id, at: now() });
}
