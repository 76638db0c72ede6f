import type { AlertView, DeliveryCounts } from '../../../shared/alert.js';
import { DELIVERY_CHANNELS } from '../../../shared/alert.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import {
  type AlertRow,
  type AlertZone,
  deliveryCounts,
  findAlert,
  referenceChain,
  userNames,
  zonesOfAlerts,
} from './alerts.repo.js';
import type { Publishing } from './publishing.js';
import { type AlertGuard, alertFindings, type RenderableAlert } from './render.js';
import { type AlertSnapshot, renderableOf, snapshotHash } from './snapshot.js';
import type { RecipientQuery } from './subscriptions.repo.js';

/*
 * Alerts as the staff's pages and the renderers see them: the view with its
 * people, zones, delivery counts and the guard's findings; what the
 * renderers need of a row. Once an alert is submitted, both show its
 * snapshot — what the approver approves — never the zones as renamed since.
 */

/** The snapshot of an alert's row as it stands now, zones as they are named today. */
function snapshotFromRow(row: AlertRow, zones: readonly AlertZone[]): AlertSnapshot {
  return {
    kind: row.kind,
    capStatus: row.capStatus,
    msgType: row.msgType,
    referencesId: row.referencesId,
    content: row.content,
    zones: zones.map((zone) => ({
      id: zone.id,
      name: zone.name,
      outline: (zone.boundary as { coordinates: [number, number][][] }).coordinates[0] ?? [],
    })),
    urgency: row.urgency,
    severity: row.severity,
    certainty: row.certainty,
    expiresInMinutes: row.expiresInMinutes,
  };
}

/** What the alert says now: its texts and its zones as they are named and drawn today. */
export async function liveSnapshot(db: Drizzle, row: AlertRow): Promise<AlertSnapshot> {
  return snapshotFromRow(row, (await zonesOfAlerts(db, [row.id])).get(row.id) ?? []);
}

/** What was submitted, frozen; a draft (or an alert submitted before snapshots existed) as it is now. */
export async function snapshotOf(db: Drizzle, row: AlertRow): Promise<AlertSnapshot> {
  return (row.snapshot as AlertSnapshot | null) ?? liveSnapshot(db, row);
}

/** Loads what the renderers need of an alert: its snapshot and, once published, when it was issued. */
export async function renderable(db: Drizzle, row: AlertRow): Promise<RenderableAlert> {
  const snapshot = await snapshotOf(db, row);
  // A draft is previewed as if it left now.
  const publishedAt = row.publishedAt ?? new Date();
  return renderableOf(row.id, snapshot, {
    publishedAt,
    expiresAt: row.expiresAt ?? new Date(publishedAt.getTime() + row.expiresInMinutes * 60_000),
    references: await referenceChain(db, row.referencesId),
  });
}

/**
 * Whom a published alert goes to, as the fan-out walks them and the approver's counts count them:
 * its zones' subscribers and everyone the earlier alerts of its chain may have reached — a cancel
 * only those, no zones — and the public only for an actual alert (a test or an exercise reaches
 * staff test subscriptions).
 */
export function recipientQueryOf(row: AlertRow, zones: readonly { id: string }[]): RecipientQuery {
  return {
    coalitionId: row.coalitionId,
    zoneIds: row.kind === 'cancel' ? [] : zones.map((zone) => zone.id),
    referencesId: row.referencesId,
    publicToo: row.capStatus === 'Actual',
  };
}

/** Alert rows → the views the staff's pages show. */
export function alertViews(publishing: Publishing) {
  // On PGlite a transaction holds the only connection: the guard's settings are read before one starts.
  async function views(
    db: Drizzle,
    coalitionId: string,
    rows: AlertRow[],
    guard?: AlertGuard,
  ): Promise<AlertView[]> {
    const ids = rows.map((row) => row.id);
    // Zones as named today matter only to what has no snapshot yet (a draft).
    const zones = await zonesOfAlerts(
      db,
      rows.filter((row) => !row.snapshot).map((row) => row.id),
    );
    const people = await userNames(
      db,
      [...new Set(rows.flatMap((r) => [r.createdBy, r.submittedBy, r.decidedBy]))].filter(
        (id): id is string => !!id,
      ),
    );
    const counts = await deliveryCounts(db, ids);
    // What is published was guarded when it was published: the guard looks only at what is not.
    const options =
      guard ?? (rows.some((row) => row.state !== 'published') ? await publishing.context(coalitionId) : null);
    const person = (id: string | null) => (id ? { id, name: people.get(id) ?? '' } : null);
    return rows.map((row) => {
      const deliveries = Object.fromEntries(
        DELIVERY_CHANNELS.map((channel) => [channel, { queued: 0, sent: 0, failed: 0, withdrawn: 0 }]),
      ) as DeliveryCounts;
      for (const count of counts.filter((c) => c.alertId === row.id)) {
        const slot = deliveries[count.channel as keyof DeliveryCounts];
        if (!slot) continue;
        const state = count.state === 'sending' ? 'queued' : (count.state as keyof typeof slot);
        if (state in slot) slot[state] += count.n;
      }
      const snapshot =
        (row.snapshot as AlertSnapshot | null) ?? snapshotFromRow(row, zones.get(row.id) ?? []);
      const contentHash = row.snapshotHash ?? (row.state === 'submitted' ? snapshotHash(snapshot) : null);
      return {
        id: row.id,
        kind: row.kind,
        capStatus: row.capStatus,
        msgType: row.msgType,
        state: row.state,
        incidentId: row.incidentId,
        referencesId: row.referencesId,
        zones: snapshot.zones.map(({ id, name }) => ({ id, name })),
        content: snapshot.content,
        contentHash,
        cap: {
          urgency: snapshot.urgency,
          severity: snapshot.severity,
          certainty: snapshot.certainty,
          expiresInMinutes: snapshot.expiresInMinutes,
          expiresAt: row.expiresAt?.toISOString() ?? null,
        },
        createdBy: person(row.createdBy),
        submittedBy: person(row.submittedBy),
        decidedBy: person(row.decidedBy),
        rejectReason: row.rejectReason,
        createdAt: row.createdAt.toISOString(),
        publishedAt: row.publishedAt?.toISOString() ?? null,
        endedAt: row.endedAt?.toISOString() ?? null,
        queuedAt: row.queuedAt?.toISOString() ?? null,
        findings: options && row.state !== 'published' ? alertFindings(snapshot, options) : [],
        deliveries,
      };
    });
  }

  async function viewOf(db: Drizzle, coalitionId: string, id: string): Promise<AlertView> {
    const row = await findAlert(db, coalitionId, id);
    if (!row) throw new AppError('NOT_FOUND', 'No alert with this id.');
    const [view] = await views(db, coalitionId, [row]);
    if (!view) throw new AppError('NOT_FOUND', 'No alert with this id.');
    return view;
  }

  return { views, viewOf };
}
