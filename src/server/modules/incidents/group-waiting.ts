import { randomUUID } from 'node:crypto';
import type { GroupingPolicy } from '../../../shared/incident.js';
import type { Database, Drizzle } from '../../db/database.js';
import { reportMembership } from '../reports/membership.js';
import { columnsOf, type GroupableReport, join, type Working } from './aggregates.js';
import { chooseIncident, groupingPlace, widestWindowMs } from './grouping.js';
import { underGroupingLock } from './grouping-lock.js';
import { findGroupCandidates, insertIncidents, updateIncident } from './incidents.repo.js';

/**
 * Grouping, top to bottom: under the coalition's grouping lock, read the
 * grouping policy (so a change of policy, made under the same lock, applies
 * to every batch after it), take the reports waiting (oldest first, at most `limit`), read the open incidents of
 * their time span once, find each report's incident or open one (pure, in
 * memory), write the incidents, put the reports in them, and announce every
 * incident touched — one transaction. Returns how many reports it grouped.
 */
export async function groupWaiting(
  deps: {
    database: Database;
    now: () => Date;
    policy: (db: Drizzle, coalitionId: string) => Promise<GroupingPolicy>;
  },
  coalitionId: string,
  limit: number,
): Promise<number> {
  return underGroupingLock(deps.database, coalitionId, async (tx) => {
    const waiting = await reportMembership.waiting(tx.db, coalitionId, limit);
    if (waiting.length === 0) return { result: 0, touched: [] };
    const policy = await deps.policy(tx.db, coalitionId);
    const span = widestWindowMs(policy);
    const times = waiting.map((report) => report.observedAt.getTime());
    const open: Working[] = (
      await findGroupCandidates(tx.db, coalitionId, {
        from: new Date(Math.min(...times) - span),
        to: new Date(Math.max(...times) + span),
      })
    ).map((candidate) => ({ ...candidate, state: 'unchanged' }));
    const assigned = assign(waiting, open, policy);
    const at = deps.now();
    const fresh = open.filter((w) => w.state === 'new');
    if (fresh.length > 0)
      await insertIncidents(
        tx.db,
        fresh.map((w) => ({ coalitionId, ...columnsOf(w), lastActivityAt: at })),
      );
    for (const changed of open.filter((w) => w.state === 'changed'))
      await updateIncident(tx.db, changed.id, { ...columnsOf(changed), lastActivityAt: at });
    for (const [incidentId, ids] of assigned) await reportMembership.join(tx.db, incidentId, ids);
    return { result: waiting.length, touched: assigned.keys() };
  });
}

/**
 * Finds, for each report in turn, the open incident it belongs to and joins
 * it there, or opens a new one (marking each incident new or changed).
 * Returns the report ids per incident. Pure: `open` is updated in place.
 */
export function assign(
  batch: readonly GroupableReport[],
  open: Working[],
  policy: GroupingPolicy,
): Map<string, string[]> {
  const assigned = new Map<string, string[]>();
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
  return assigned;
}
