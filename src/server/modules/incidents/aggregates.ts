import type { SaluteView } from '../../../shared/incident.js';
import type { Activity, ReportSummary } from '../../../shared/report.js';
import type { GroupingFacts } from '../reports/membership.js';
import { publicCellOf } from '../zones/geo.js';
import { type Candidate, followRecent, groupingPlace } from './grouping.js';
import type { NewIncidentRow } from './incidents.repo.js';

/**
 * An incident's aggregates, pure: what a report adds when it joins, what a
 * set of member reports adds up to after a split or merge, and the
 * consolidated SALUTE view of its reports.
 */

/** The facts of a report that grouping needs (no restricted fields). */
export type GroupableReport = GroupingFacts;

/** An open incident while a batch is grouped: what grouping reads, and whether it must be written. */
export type Working = Candidate & {
  activity: Activity;
  firsthandCount: number;
  preciseCount: number;
  state: 'unchanged' | 'changed' | 'new';
};

/**
 * Adds a report to an incident's aggregates. The center is a running mean, so
 * the cost of joining does not depend on how many reports the incident has.
 */
export function join(
  incident: Working,
  report: GroupableReport,
  position: { lat: number; lng: number } | null,
) {
  if (position) {
    const n = incident.positionedCount;
    const center =
      incident.centerLat !== null && incident.centerLng !== null
        ? { lat: incident.centerLat, lng: incident.centerLng }
        : position;
    incident.centerLat = center.lat + (position.lat - center.lat) / (n + 1);
    incident.centerLng = center.lng + (position.lng - center.lng) / (n + 1);
    const recent = followRecent(
      incident.recentLat !== null && incident.recentLng !== null
        ? { lat: incident.recentLat, lng: incident.recentLng }
        : null,
      position,
    );
    incident.recentLat = recent.lat;
    incident.recentLng = recent.lng;
    incident.positionedCount = n + 1;
  }
  incident.reportCount += 1;
  if (report.firsthand) incident.firsthandCount += 1;
  if (report.precise) incident.preciseCount += 1;
  incident.zoneId ??= report.zoneId;
  if (report.observedAt < incident.firstObservedAt) incident.firstObservedAt = report.observedAt;
  if (report.observedAt > incident.lastObservedAt) incident.lastObservedAt = report.observedAt;
}

export function columnsOf(w: Working) {
  return {
    id: w.id,
    activity: w.activity,
    zoneId: w.zoneId,
    centerLat: w.centerLat,
    centerLng: w.centerLng,
    recentLat: w.recentLat,
    recentLng: w.recentLng,
    h3Cell: w.centerLat !== null && w.centerLng !== null ? publicCellOf(w.centerLat, w.centerLng) : null,
    positionedCount: w.positionedCount,
    reportCount: w.reportCount,
    firsthandCount: w.firsthandCount,
    preciseCount: w.preciseCount,
    firstObservedAt: w.firstObservedAt,
    lastObservedAt: w.lastObservedAt,
  };
}
/** A member report's facts, as an incident's aggregates are recomputed from them. */
export type MemberFact = Omit<GroupingFacts, 'id'>;

function mostCommon<T>(values: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  let best: T | undefined;
  let bestCount = 0;
  for (const value of values) {
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > bestCount) [best, bestCount] = [value, count];
  }
  return best;
}

/** An incident's aggregates, recomputed from its member reports (after a merge, split or move). */
export function aggregateOf(members: readonly MemberFact[]): Partial<NewIncidentRow> {
  const inOrder = [...members].sort((a, b) => a.observedAt.getTime() - b.observedAt.getTime());
  const positions = inOrder.flatMap((m) => {
    const place = groupingPlace(m.fineCell ?? m.h3Cell, m.zoneId);
    return place.position ? [place.position] : [];
  });
  const center =
    positions.length > 0
      ? {
          lat: positions.reduce((sum, p) => sum + p.lat, 0) / positions.length,
          lng: positions.reduce((sum, p) => sum + p.lng, 0) / positions.length,
        }
      : null;
  let recent: { lat: number; lng: number } | null = null;
  for (const position of positions) recent = followRecent(recent, position);
  const times = members.map((m) => m.observedAt.getTime());
  const activity = mostCommon(members.map((m) => m.activity));
  return {
    reportCount: members.length,
    firsthandCount: members.filter((m) => m.firsthand).length,
    preciseCount: members.filter((m) => m.precise).length,
    positionedCount: positions.length,
    centerLat: center?.lat ?? null,
    centerLng: center?.lng ?? null,
    recentLat: recent?.lat ?? null,
    recentLng: recent?.lng ?? null,
    h3Cell: center ? publicCellOf(center.lat, center.lng) : null,
    zoneId: mostCommon(members.flatMap((m) => (m.zoneId ? [m.zoneId] : []))) ?? null,
    ...(activity ? { activity } : {}),
    ...(times.length > 0
      ? { firstObservedAt: new Date(Math.min(...times)), lastObservedAt: new Date(Math.max(...times)) }
      : {}),
  };
}

function tally(values: readonly string[]) {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

function spread(values: readonly (number | null)[]) {
  const known = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (known.length === 0) return null;
  const mid = Math.floor(known.length / 2);
  const median = known.length % 2 ? (known[mid] ?? 0) : ((known[mid - 1] ?? 0) + (known[mid] ?? 0)) / 2;
  return { min: known[0] ?? 0, max: known.at(-1) ?? 0, median };
}

/** The reports' SALUTE answers consolidated: ranges for counts, tallies for the rest. */
export function saluteViewOf(members: readonly ReportSummary[]): SaluteView {
  return {
    agents: spread(members.map((r) => r.size.agents)),
    vehicles: spread(members.map((r) => r.size.vehicles)),
    activity: tally(members.map((r) => r.activity)),
    uniforms: tally(members.flatMap((r) => r.uniforms)),
    equipment: tally(members.flatMap((r) => r.equipment)),
    zones: tally(members.flatMap((r) => (r.zone ? [r.zone.name] : []))),
    channels: tally(members.map((r) => r.channel)),
  };
}
