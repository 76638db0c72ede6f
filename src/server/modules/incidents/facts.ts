import type { IncidentFacts, IncidentSummary } from '../../../shared/incident.js';
import { publicTime } from '../../../shared/public.js';
import { toPublicCell } from '../zones/geo.js';

/**
 * An incident as someone who judges an alert about it sees it: the verdict and
 * public facts only — zone, the public cell, counts, rounded times. Pure.
 */
export function incidentFacts(summary: IncidentSummary): IncidentFacts {
  return {
    number: summary.number,
    status: summary.status,
    activity: summary.activity,
    zone: summary.zone,
    cell: summary.h3Cell ? toPublicCell(summary.h3Cell) : null,
    reportCount: summary.reportCount,
    firsthandCount: summary.firsthandCount,
    firstObservedAt: publicTime(new Date(summary.firstObservedAt)).toISOString(),
    lastObservedAt: publicTime(new Date(summary.lastObservedAt)).toISOString(),
  };
}
