import type { IncidentBrief } from '../../../shared/dispatch.js';
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
import type { Database, Drizzle, Tx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { latestEventId } from '../../realtime/events.repo.js';
import { coalitionSettings } from '../coalitions/settings.js';
import { reportMembership } from '../reports/membership.js';
import { visibleReport } from '../reports/reports.policy.js';
import { listIncidentReports, type Reveal } from '../reports/reports.repo.js';
import { aggregateOf, saluteViewOf } from './aggregates.js';
import { incidentBrief } from './brief.js';
import { groupWaiting } from './group-waiting.js';
import { underGroupingLock } from './grouping-lock.js';
import {
  findIncidentSummary,
  findIncidents,
  insertIncident,
  insertTimeline,
  listIncidentSummaries,
  listTimeline,
  listViewers,
  type NewTimelineRow,
  prunePresence,
  removePresence,
  touchPresence,
  updateIncident,
} from './incidents.repo.js';

export interface IncidentService {
  /** The coalition's grouping policy. */
  policy(coalitionId: string): Promise<GroupingPolicy>;
  /**
   * Replaces the coalition's grouping policy, under the grouping lock: a batch
   * in progress finishes with the old one, every later batch (in any process)
   * reads the new one.
   */
  setPolicy(coalitionId: string, policy: GroupingPolicy): Promise<GroupingPolicy>;
  /**
   * Groups the reports waiting (at most `limit` per coalition, oldest first)
   * into incidents, one transaction per coalition whose reports wait, under
   * its grouping lock; returns the most it grouped of one coalition (see
   * group-waiting.ts).
   */
  groupWaiting(limit: number): Promise<number>;
  /** Whether any report waits to be grouped. */
  anyWaiting(): Promise<boolean>;
  list(
    coalitionId: string,
    filter: {
      statuses: readonly IncidentStatus[];
      zoneId?: string | undefined;
      limit: number;
    },
  ): Promise<IncidentList>;
  detail(coalitionId: string, id: string, permissions: readonly Permission[]): Promise<IncidentDetail>;
  summary(coalitionId: string, id: string): Promise<IncidentSummary | undefined>;
  /**
   * What a responder who accepted the incident is told of it (see brief.ts); undefined when the
   * coalition has no such incident. The caller decides who may have it (dispatch.policy.ts).
   */
  brief(coalitionId: string, id: string): Promise<IncidentBrief | undefined>;
  merge(
    coalitionId: string,
    targetId: string,
    sourceIds: readonly string[],
    actorId: string,
  ): Promise<IncidentSummary>;
  split(
    coalitionId: string,
    id: string,
    reportIds: readonly string[],
    actorId: string,
  ): Promise<IncidentSummary>;
  /** Moves these reports into the incident, all or none; each move is its own timeline entry. */
  moveReports(
    coalitionId: string,
    toIncidentId: string,
    reportIds: readonly string[],
    actorId: string,
  ): Promise<IncidentSummary>;
  setStatus(
    coalitionId: string,
    id: string,
    status: IncidentStatus,
    note: string | undefined,
    actorId: string,
  ): Promise<IncidentSummary>;
  addNote(coalitionId: string, id: string, text: string, actorId: string): Promise<void>;
  /** The board's heartbeat while a dispatcher has an incident open; returns who else has it open. */
  lookAt(coalitionId: string, id: string, userId: string): Promise<{ viewers: { name: string }[] }>;
  lookAway(id: string, userId: string): Promise<void>;
}

/** Someone whose board has not said so for this long is no longer looking. */
export const PRESENCE_TIMEOUT_MS = 40_000;

const noteContext = (incidentId: string) => `incident-note:${incidentId}`;

/** The coalition's grouping policy as stored now (read inside the grouping lock by each batch). */
const policyOf = async (db: Drizzle, coalitionId: string): Promise<GroupingPolicy> =>
  groupingPolicySchema.parse((await coalitionSettings.grouping(db, coalitionId)) ?? {});

export function createIncidentService(deps: {
  database: Database;
  box: SecretBox;
  reveal: Reveal;
  now?: () => Date;
  /** Runs in the transaction that gives an incident a verdict (texts SMS reporters who asked). */
  onVerdict?: (tx: Tx, incidentId: string, verdict: Verdict) => Promise<void>;
}): IncidentService {
  const { database, box } = deps;
  const now = deps.now ?? (() => new Date());

  /** A dispatcher's change: under the grouping lock, announcing every incident it touched. */
  function change<T>(
    coalitionId: string,
    work: (tx: Tx) => Promise<{ result: T; touched: string[] }>,
  ): Promise<T> {
    return underGroupingLock(database, coalitionId, work);
  }

  async function recompute(tx: Tx, id: string, emptyMeans?: { mergedInto: string }): Promise<void> {
    const members = await reportMembership.factsOf(tx.db, id);
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
    policy: (coalitionId) => policyOf(database.db, coalitionId),

    setPolicy(coalitionId, policy) {
      const parsed = groupingPolicySchema.parse(policy);
      return underGroupingLock(database, coalitionId, async (tx) => {
        await coalitionSettings.setGrouping(tx.db, coalitionId, parsed);
        return { result: parsed, touched: [] };
      });
    },

    async groupWaiting(limit) {
      // The coalition is the waiting reports' own: grouping runs with no request to ask.
      let most = 0;
      for (const coalitionId of await reportMembership.coalitionsWaiting(database.db)) {
        most = Math.max(most, await groupWaiting({ database, now, policy: policyOf }, coalitionId, limit));
      }
      return most;
    },

    anyWaiting: () => reportMembership.anyWaiting(database.db),

    async list(coalitionId, filter) {
      const lastEventId = await latestEventId(database.db, coalitionId);
      const found = await listIncidentSummaries(database.db, coalitionId, filter);
      return { incidents: found, lastEventId };
    },

    async detail(coalitionId, id, permissions) {
      const incident = await findIncidentSummary(database.db, coalitionId, id);
      if (!incident) throw new AppError('NOT_FOUND', 'No incident with this id.');
      const members = await listIncidentReports(database.db, coalitionId, id, deps.reveal);
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

    async brief(coalitionId, id) {
      const incident = await findIncidentSummary(database.db, coalitionId, id);
      if (!incident) return undefined;
      return incidentBrief(incident, await listIncidentReports(database.db, coalitionId, id, deps.reveal));
    },

    merge(coalitionId, targetId, sourceIds, actorId) {
      return change(coalitionId, async (tx) => {
        const sources = [...new Set(sourceIds)].filter((id) => id !== targetId);
        if (sources.length === 0)
          throw new AppError('VALIDATION', 'Choose at least one other incident to merge into this one.', {
            fields: [{ field: 'incidentIds', message: 'names no other incident' }],
          });
        await requireLive(tx, coalitionId, [targetId, ...sources]);
        await reportMembership.moveAll(tx.db, sources, targetId);
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

    split(coalitionId, id, reportIds, actorId) {
      return change(coalitionId, async (tx) => {
        await requireLive(tx, coalitionId, [id]);
        const wanted = [...new Set(reportIds)];
        const memberIds = new Set(await reportMembership.idsIn(tx.db, id));
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
        await reportMembership.join(tx.db, newId, wanted);
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

    moveReports(coalitionId, toIncidentId, reportIds, actorId) {
      return change(coalitionId, async (tx) => {
        const wanted = [...new Set(reportIds)];
        const from = await reportMembership.incidentsOf(tx.db, coalitionId, wanted);
        const unknown = wanted.find((reportId) => !from.has(reportId));
        if (unknown) throw new AppError('NOT_FOUND', `No report with id ${unknown}.`);
        const already = wanted.filter((reportId) => from.get(reportId) === toIncidentId);
        if (already.length > 0)
          throw new AppError('VALIDATION', 'The report is already in this incident.', {
            fields: [{ field: 'reportIds', message: `already in this incident: ${already.join(', ')}` }],
          });
        await requireLive(tx, coalitionId, [toIncidentId]);
        await reportMembership.join(tx.db, toIncidentId, wanted);
        await recompute(tx, toIncidentId);
        const left = [...new Set([...from.values()].filter((id): id is string => id !== null))];
        // An incident left empty is merged into the one its reports went to.
        for (const source of left) await recompute(tx, source, { mergedInto: toIncidentId });
        await insertTimeline(
          tx.db,
          wanted.flatMap((reportId): NewTimelineRow[] => {
            const source = from.get(reportId) ?? null;
            return [
              { incidentId: toIncidentId, kind: 'moved_in', actorId, reportId, otherIncidentId: source },
              ...(source
                ? [
                    {
                      incidentId: source,
                      kind: 'moved_out' as const,
                      actorId,
                      reportId,
                      otherIncidentId: toIncidentId,
                    },
                  ]
                : []),
            ];
          }),
        );
        return {
          result: await summaryOrThrow(tx, coalitionId, toIncidentId),
          touched: [toIncidentId, ...left],
        };
      });
    },

    setStatus(coalitionId, id, status, note, actorId) {
      return change(coalitionId, async (tx) => {
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

    addNote(coalitionId, id, text, actorId) {
      return change(coalitionId, async (tx) => {
        await requireLive(tx, coalitionId, [id]);
        await updateIncident(tx.db, id, { lastActivityAt: now() });
        await insertTimeline(tx.db, [
          { incidentId: id, kind: 'note', actorId, note: box.seal(text, noteContext(id)) },
        ]);
        return { result: undefined, touched: [id] };
      });
    },

    async lookAt(coalitionId, id, userId) {
      if (!(await findIncidentSummary(database.db, coalitionId, id))) {
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
