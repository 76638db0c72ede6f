import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import {
  type GroupingPolicy,
  groupingPolicySchema,
  type IncidentDetail,
  type IncidentList,
  type IncidentSummary,
} from '../../../shared/incident.js';
import type { Permission } from '../../../shared/permissions.js';
import type { IncidentStatus } from '../../../shared/report.js';
import { isVerdict, type Verdict } from '../../../shared/report-fields.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Tx } from '../../db/database.js';
import { coalitions, reports } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { latestEventId, recordEvents } from '../../realtime/events.repo.js';
import type { CoalitionService } from '../coalitions/coalitions.service.js';
import { visibleReport } from '../reports/reports.policy.js';
import { listIncidentReports, type Reveal } from '../reports/reports.repo.js';
import {
  aggregateOf,
  columnsOf,
  type GroupableReport,
  join,
  saluteViewOf,
  type Working,
} from './aggregates.js';
import { chooseIncident, groupingPlace, widestWindowMs } from './grouping.js';
import {
  findGroupCandidates,
  findIncidentSummary,
  findIncidents,
  insertIncident,
  insertIncidents,
  insertTimeline,
  listIncidentSummaries,
  listTimeline,
  listViewers,
  lockGrouping,
  memberFacts,
  type NewTimelineRow,
  prunePresence,
  removePresence,
  touchPresence,
  updateIncident,
} from './incidents.repo.js';

export interface IncidentService {
  /** The coalition's grouping policy (cached briefly). */
  policy(coalitionId: string): Promise<GroupingPolicy>;
  /** Replaces the coalition's grouping policy; reports grouped from now on use it. */
  setPolicy(policy: GroupingPolicy): Promise<GroupingPolicy>;
  /**
   * Finds, for each report of the batch in turn, the open incident it belongs
   * to and adds it there, or opens a new one; writes the incidents. Returns
   * the report ids per incident. The caller holds the coalition's grouping
   * lock (`lockGrouping`) and sets the reports' incident.
   */
  groupBatch(
    tx: Tx,
    coalitionId: string,
    batch: readonly GroupableReport[],
    policy: GroupingPolicy,
  ): Promise<Map<string, string[]>>;
  list(filter: {
    statuses: readonly IncidentStatus[];
    zoneId?: string | undefined;
    limit: number;
  }): Promise<IncidentList>;
  detail(id: string, permissions: readonly Permission[]): Promise<IncidentDetail>;
  summary(coalitionId: string, id: string): Promise<IncidentSummary | undefined>;
  merge(targetId: string, sourceIds: readonly string[], actorId: string): Promise<IncidentSummary>;
  split(id: string, reportIds: readonly string[], actorId: string): Promise<IncidentSummary>;
  moveReport(reportId: string, toIncidentId: string, actorId: string): Promise<IncidentSummary>;
  setStatus(
    id: string,
    status: IncidentStatus,
    note: string | undefined,
    actorId: string,
  ): Promise<IncidentSummary>;
  addNote(id: string, text: string, actorId: string): Promise<void>;
  /** The board's heartbeat while a dispatcher has an incident open; returns who else has it open. */
  lookAt(id: string, userId: string): Promise<{ viewers: { name: string }[] }>;
  lookAway(id: string, userId: string): Promise<void>;
}

const POLICY_CACHE_MS = 30_000;
/** Someone whose board has not said so for this long is no longer looking. */
export const PRESENCE_TIMEOUT_MS = 40_000;

const noteContext = (incidentId: string) => `incident-note:${incidentId}`;

export function createIncidentService(deps: {
  database: Database;
  coalitions: CoalitionService;
  box: SecretBox;
  reveal: Reveal;
  now?: () => Date;
  /** Runs in the transaction that gives an incident a verdict (texts SMS reporters who asked). */
  onVerdict?: (tx: Tx, incidentId: string, verdict: Verdict) => Promise<void>;
}): IncidentService {
  const { database, box } = deps;
  const now = deps.now ?? (() => new Date());
  const policies = new Map<string, { policy: GroupingPolicy; at: number }>();

  /** Runs a dispatcher's change under the grouping lock and announces every incident it touched. */
  async function change<T>(
    work: (tx: Tx, coalitionId: string) => Promise<{ result: T; touched: string[] }>,
  ): Promise<T> {
    const coalition = await deps.coalitions.current();
    return database.transaction(async (tx) => {
      await lockGrouping(tx.client, coalition.id);
      const { result, touched } = await work(tx, coalition.id);
      await recordEvents(
        tx.client,
        coalition.id,
        [...new Set(touched)].map((subjectId) => ({ type: 'incident.updated' as const, subjectId })),
      );
      return result;
    });
  }

  async function recompute(tx: Tx, id: string, emptyMeans?: { mergedInto: string }): Promise<void> {
    const members = await memberFacts(tx.db, id);
    const values = aggregateOf(members);
    if (members.length === 0 && emptyMeans) Object.assign(values, { status: 'merged', ...emptyMeans });
    await updateIncident(tx.db, id, { ...values, lastActivityAt: now() });
  }

  async function requireLive(tx: Tx, coalitionId: string, ids: readonly string[]) {
    const found = await findIncidents(tx.db, coalitionId, ids);
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    if (missing.length > 0) throw new AppError('NOT_FOUND', `No incident with id ${missing.join(', ')}.`);
    const merged = found.filter((f) => f.status === 'merged');
    if (merged.length > 0) {
      throw new AppError(
        'CONFLICT',
        `Incident ${merged.map((m) => `#${m.number}`).join(', ')} was merged into another; use that one.`,
      );
    }
    return found;
  }

  const summaryOrThrow = async (tx: Tx, coalitionId: string, id: string) => {
    const summary = await findIncidentSummary(tx.db, coalitionId, id);
    if (!summary) throw new AppError('NOT_FOUND', 'No incident with this id.');
    return summary;
  };

  return {
    async policy(coalitionId) {
      const cached = policies.get(coalitionId);
      if (cached && Date.now() - cached.at < POLICY_CACHE_MS) return cached.policy;
      const [row] = await database.db
        .select({ grouping: coalitions.grouping })
        .from(coalitions)
        .where(eq(coalitions.id, coalitionId));
      const policy = groupingPolicySchema.parse(row?.grouping ?? {});
      policies.set(coalitionId, { policy, at: Date.now() });
      return policy;
    },

    async setPolicy(policy) {
      const coalition = await deps.coalitions.current();
      const parsed = groupingPolicySchema.parse(policy);
      await database.db.update(coalitions).set({ grouping: parsed }).where(eq(coalitions.id, coalition.id));
      policies.delete(coalition.id);
      return parsed;
    },

    async groupBatch(tx, coalitionId, batch, policy) {
      const assigned = new Map<string, string[]>();
      if (batch.length === 0) return assigned;
      const span = widestWindowMs(policy);
      const times = batch.map((r) => r.observedAt.getTime());
      // One read for the whole batch: the open incidents seen in its time span.
      const open: Working[] = (
        await findGroupCandidates(tx.db, coalitionId, {
          from: new Date(Math.min(...times) - span),
          to: new Date(Math.max(...times) + span),
        })
      ).map((candidate) => ({ ...candidate, state: 'unchanged' }));
      const at = now();
      for (const report of batch) {
        const place = groupingPlace(report.fineCell ?? report.h3Cell, report.zoneId);
        let incident = chooseIncident(
          { ...place, observedAt: report.observedAt, activity: report.activity },
          open,
          policy,
        );
        if (!incident) {
          incident = {
            id: randomUUID(),
            activity: report.activity,
            zoneId: report.zoneId,
            centerLat: null,
            centerLng: null,
            recentLat: null,
            recentLng: null,
            positionedCount: 0,
            reportCount: 0,
            firsthandCount: 0,
            preciseCount: 0,
            firstObservedAt: report.observedAt,
            lastObservedAt: report.observedAt,
            state: 'new',
          };
          open.push(incident);
        } else if (incident.state === 'unchanged') {
          incident.state = 'changed';
        }
        join(incident, report, place.position);
        assigned.set(incident.id, [...(assigned.get(incident.id) ?? []), report.id]);
      }
      const fresh = open.filter((w) => w.state === 'new');
      if (fresh.length > 0)
        await insertIncidents(
          tx.db,
          fresh.map((w) => ({ coalitionId, ...columnsOf(w), lastActivityAt: at })),
        );
      for (const changed of open.filter((w) => w.state === 'changed')) {
        await updateIncident(tx.db, changed.id, { ...columnsOf(changed), lastActivityAt: at });
      }
      return assigned;
    },

    async list(filter) {
      const coalition = await deps.coalitions.current();
      const lastEventId = await latestEventId(database.db, coalition.id);
      const found = await listIncidentSummaries(database.db, coalition.id, filter);
      return { incidents: found, lastEventId };
    },

    async detail(id, permissions) {
      const coalition = await deps.coalitions.current();
      const incident = await findIncidentSummary(database.db, coalition.id, id);
      if (!incident) throw new AppError('NOT_FOUND', 'No incident with this id.');
      const members = await listIncidentReports(database.db, coalition.id, id, deps.reveal);
      const canReadNotes = permissions.includes('reports:read-restricted');
      const timeline = await listTimeline(database.db, id, (sealed) =>
        canReadNotes ? box.open(sealed, noteContext(id)) : null,
      );
      return {
        incident,
        reports: members.map((r) => visibleReport(r, permissions)),
        timeline,
        salute: saluteViewOf(members),
      };
    },

    summary: (coalitionId, id) => findIncidentSummary(database.db, coalitionId, id),

    merge(targetId, sourceIds, actorId) {
      return change(async (tx, coalitionId) => {
        const sources = [...new Set(sourceIds)].filter((id) => id !== targetId);
        if (sources.length === 0)
          throw new AppError('VALIDATION', 'Choose at least one other incident to merge into this one.', {
            fields: [{ field: 'incidentIds', message: 'names no other incident' }],
          });
        await requireLive(tx, coalitionId, [targetId, ...sources]);
        await tx.db.update(reports).set({ incidentId: targetId }).where(inArray(reports.incidentId, sources));
        for (const source of sources) await recompute(tx, source, { mergedInto: targetId });
        await recompute(tx, targetId);
        await insertTimeline(tx.db, [
          ...sources.map((source) => ({
            incidentId: targetId,
            kind: 'merged_in' as const,
            actorId,
            otherIncidentId: source,
          })),
          ...sources.map((source) => ({
            incidentId: source,
            kind: 'merged_into' as const,
            actorId,
            otherIncidentId: targetId,
          })),
        ]);
        return { result: await summaryOrThrow(tx, coalitionId, targetId), touched: [targetId, ...sources] };
      });
    },

    split(id, reportIds, actorId) {
      return change(async (tx, coalitionId) => {
        await requireLive(tx, coalitionId, [id]);
        const wanted = [...new Set(reportIds)];
        const members = await tx.db
          .select({ id: reports.id })
          .from(reports)
          .where(eq(reports.incidentId, id));
        const memberIds = new Set(members.map((m) => m.id));
        const strangers = wanted.filter((r) => !memberIds.has(r));
        if (strangers.length > 0)
          throw new AppError('VALIDATION', 'Only reports of this incident can be split out of it.', {
            fields: [{ field: 'reportIds', message: `not in this incident: ${strangers.join(', ')}` }],
          });
        if (wanted.length === memberIds.size)
          throw new AppError(
            'VALIDATION',
            'Leave at least one report in the incident; splitting out all of them changes nothing.',
            {
              fields: [{ field: 'reportIds', message: 'names every report of the incident' }],
            },
          );
        const at = now();
        const newId = await insertIncident(tx.db, {
          coalitionId,
          activity: 'other',
          firstObservedAt: at,
          lastObservedAt: at,
          lastActivityAt: at,
        });
        await tx.db.update(reports).set({ incidentId: newId }).where(inArray(reports.id, wanted));
        await recompute(tx, newId);
        await recompute(tx, id);
        const single = wanted.length === 1 ? (wanted[0] ?? null) : null;
        await insertTimeline(tx.db, [
          { incidentId: id, kind: 'split_out', actorId, otherIncidentId: newId, reportId: single },
          { incidentId: newId, kind: 'split_from', actorId, otherIncidentId: id, reportId: single },
        ]);
        return { result: await summaryOrThrow(tx, coalitionId, newId), touched: [id, newId] };
      });
    },

    moveReport(reportId, toIncidentId, actorId) {
      return change(async (tx, coalitionId) => {
        const [report] = await tx.db
          .select({ incidentId: reports.incidentId, coalitionId: reports.coalitionId })
          .from(reports)
          .where(eq(reports.id, reportId));
        if (!report || report.coalitionId !== coalitionId)
          throw new AppError('NOT_FOUND', 'No report with this id.');
        const from = report.incidentId;
        if (from === toIncidentId)
          throw new AppError('VALIDATION', 'The report is already in this incident.', {
            fields: [{ field: 'incidentId', message: 'is the report’s own incident' }],
          });
        await requireLive(tx, coalitionId, [toIncidentId]);
        await tx.db.update(reports).set({ incidentId: toIncidentId }).where(eq(reports.id, reportId));
        await recompute(tx, toIncidentId);
        const timeline: NewTimelineRow[] = [
          { incidentId: toIncidentId, kind: 'moved_in', actorId, reportId, otherIncidentId: from },
        ];
        if (from) {
          await recompute(tx, from, { mergedInto: toIncidentId });
          timeline.push({
            incidentId: from,
            kind: 'moved_out',
            actorId,
            reportId,
            otherIncidentId: toIncidentId,
          });
        }
        await insertTimeline(tx.db, timeline);
        return {
          result: await summaryOrThrow(tx, coalitionId, toIncidentId),
          touched: from ? [toIncidentId, from] : [toIncidentId],
        };
      });
    },

    setStatus(id, status, note, actorId) {
      return change(async (tx, coalitionId) => {
        await requireLive(tx, coalitionId, [id]);
        await updateIncident(tx.db, id, { status, lastActivityAt: now() });
        if (isVerdict(status)) await deps.onVerdict?.(tx, id, status);
        await insertTimeline(tx.db, [
          {
            incidentId: id,
            kind: 'status',
            actorId,
            status,
            note: note ? box.seal(note, noteContext(id)) : null,
          },
        ]);
        return { result: await summaryOrThrow(tx, coalitionId, id), touched: [id] };
      });
    },

    addNote(id, text, actorId) {
      return change(async (tx, coalitionId) => {
        await requireLive(tx, coalitionId, [id]);
        await updateIncident(tx.db, id, { lastActivityAt: now() });
        await insertTimeline(tx.db, [
          { incidentId: id, kind: 'note', actorId, note: box.seal(text, noteContext(id)) },
        ]);
        return { result: undefined, touched: [id] };
      });
    },

    async lookAt(id, userId) {
      const coalition = await deps.coalitions.current();
      if (!(await findIncidentSummary(database.db, coalition.id, id))) {
        throw new AppError('NOT_FOUND', 'No incident with this id.');
      }
      const at = now();
      await touchPresence(database.db, id, userId, at);
      await prunePresence(database.db, new Date(at.getTime() - 24 * 3_600_000));
      return {
        viewers: await listViewers(database.db, id, new Date(at.getTime() - PRESENCE_TIMEOUT_MS), userId),
      };
    },

    lookAway: (id, userId) => removePresence(database.db, id, userId),
  };
}
