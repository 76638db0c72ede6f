import type { Permission } from '../../../shared/permissions.js';
import type { ReportSummary } from '../../../shared/report.js';

/**
 * Field-level rule: a report's cross streets, free text and free-text markings
 * (the reporter's own words, which may name people or places) are restricted. Without
 * `reports:read-restricted` they are withheld; the exact position never
 * appears in a summary at all.
 */
export function visibleReport(report: ReportSummary, permissions: readonly Permission[]): ReportSummary {
  if (permissions.includes('reports:read-restricted')) return report;
  return { ...report, place: null, description: null, markings: null };
}

/** The exact position, only for those allowed to see it. */
export function visibleExactLocation(
  location: { lat: number; lng: number } | null,
  permissions: readonly Permission[],
): { lat: number; lng: number } | null {
  return permissions.includes('reports:read-restricted') ? location : null;
}
