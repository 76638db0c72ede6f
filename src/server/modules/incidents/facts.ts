import { cellToParent, getResolution, isValidCell } from 'h3-js';
import type { IncidentFacts, IncidentSummary } from '../../../shared/incident.js';
import { PUBLIC_MAX_CELL_RESOLUTION, publicTime } from '../alerts/guard.js';

/**
 * An incident as someone who judges an alert about it sees it: the verdict and
 * public facts only — zone, a public cell, counts, rounded times. Pure.
 */
export function incidentFacts(summary: IncidentSummary): IncidentFacts {
  const cell =
    summary.h3Cell && isValidCell(summary.h3Cell)
      ? getResolution(summary.h3Cell) > PUBLIC_MAX_CELL_RESOLUTION
        ? cellToParent(summary.h3Cell, PUBLIC_MAX_CELL_RESOLUTION)
        : summary.h3Cell
      : null;
  return {
    number: summary.number,
    status: summary.status,
    activity: summary.activity,
    zone: summary.zone,
    cell,
    reportCount: summary.reportCount,
    firsthandCount: summary.firsthandCount,
    firstObservedAt: publicTime(new Date(summary.firstObservedAt)).toISOString(),
    lastObservedAt: publicTime(new Date(summary.lastObservedAt)).toISOString(),
  };
}
