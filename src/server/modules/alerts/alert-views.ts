import type { AlertKind, AlertView, CapStatus, DeliveryCounts } from '../../../shared/alert.js';
import { DELIVERY_CHANNELS } from '../../../shared/alert.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import {
  type AlertRow,
  deliveryCounts,
  findAlert,
  referenceChain,
  userNames,
  zonesOfAlerts,
} from './alerts.repo.js';
import type { GuardOptions } from './guard.js';
import type { Publishing } from './publishing.js';
import { findLeaks, type RenderableAlert } from './render.js';

/*
 * Alerts as the staff's pages and the renderers see them: the view with its
 * people, zones, delivery counts and the guard's findings; what the
 * renderers need of a row.
 */

/** Loads what the renderers need of an alert. */
export async function renderable(db: Drizzle, row: AlertRow): Promise<RenderableAlert> {
  const zones = (await zonesOfAlerts(db, [row.id])).get(row.id) ?? [];
  return {
    id: row.id,
    kind: row.kind as AlertKind,
    capStatus: row.capStatus as CapStatus,
    msgType: row.msgType as RenderableAlert['msgType'],
    content: row.content as RenderableAlert['content'],
    zones: zones.map((zone) => ({
      id: zone.id,
      name: zone.name,
      outline: (zone.boundary as { coordinates: [number, number][][] }).coordinates[0] ?? [],
    })),
    urgency: row.urgency as RenderableAlert['urgency'],
    severity: row.severity as RenderableAlert['severity'],
    certainty: row.certainty as RenderableAlert['certainty'],
    // A draft is previewed as if it left now.
    publishedAt: row.publishedAt ?? new Date(),
    expiresAt: row.expiresAt ?? new Date(Date.now() + row.expiresInMinutes * 60_000),
    references: await referenceChain(db, row.referencesId),
    referencesId: row.referencesId,
  };
}

/** Alert rows → the views the staff's pages show. */
export function alertViews(publishing: Publishing) {
  // On PGlite a transaction holds the only connection: the guard's settings are read before one starts.
  async function views(db: Drizzle, rows: AlertRow[], guard?: GuardOptions): Promise<AlertView[]> {
    const ids = rows.map((row) => row.id);
    const zones = await zonesOfAlerts(db, ids);
    const people = await userNames(
      db,
      [...new Set(rows.flatMap((r) => [r.createdBy, r.submittedBy, r.decidedBy]))].filter(
        (id): id is string => !!id,
      ),
    );
    const counts = await deliveryCounts(db, ids);
    const options = guard ?? (await publishing.guardOptions());
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
      const alertZones = zones.get(row.id) ?? [];
      const content = row.content as AlertView['content'];
      return {
        id: row.id,
        kind: row.kind as AlertKind,
        capStatus: row.capStatus as CapStatus,
        msgType: row.msgType as AlertView['msgType'],
        state: row.state as AlertView['state'],
        incidentId: row.incidentId,
        referencesId: row.referencesId,
        zones: alertZones.map(({ id, name }) => ({ id, name })),
        content,
        cap: {
          urgency: row.urgency as AlertView['cap']['urgency'],
          severity: row.severity as AlertView['cap']['severity'],
          certainty: row.certainty as AlertView['cap']['certainty'],
          expiresInMinutes: row.expiresInMinutes,
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
        findings: findLeaks(
          content,
          alertZones.map((z) => z.name),
          options,
        ),
        deliveries,
      };
    });
  }

  async function viewOf(db: Drizzle, coalitionId: string, id: string): Promise<AlertView> {
    const row = await findAlert(db, coalitionId, id);
    if (!row) throw new AppError('NOT_FOUND', 'No alert with this id.');
    const [view] = await views(db, [row]);
    if (!view) throw new AppError('NOT_FOUND', 'No alert with this id.');
    return view;
  }

  return { views, viewOf };
}
