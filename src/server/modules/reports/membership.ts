import type { Activity } from '../../../shared/report-fields.js';
import type { Drizzle } from '../../db/database.js';
import {
  anyUngrouped,
  coalitionsWithUngrouped,
  findReportsIncidents,
  groupingFactsOfIncident,
  listUngrouped,
  moveIncidentsReports,
  reportIdsOfIncident,
  setReportsIncident,
} from './reports.repo.js';

/** The facts of a report that grouping needs (no restricted field). */
export interface GroupingFacts {
  id: string;
  activity: Activity;
  zoneId: string | null;
  h3Cell: string | null;
  fineCell: string | null;
  observedAt: Date;
  firsthand: boolean;
  /** A device position or cross streets. */
  precise: boolean;
}

/**
 * Which incident a report is in: the reports module's service to the
 * incidents module, which decides it (grouping, and a dispatcher's merge,
 * split and move). Only the reports module writes a report; every call takes
 * the caller's transaction, which holds the coalition's grouping lock.
 */
export const reportMembership = {
  /** The coalition's reports waiting to be grouped, oldest first. */
  waiting: async (db: Drizzle, coalitionId: string, limit: number): Promise<GroupingFacts[]> =>
    listUngrouped(db, coalitionId, limit),
  /** Whether any report, of any coalition, waits to be grouped. */
  anyWaiting: (db: Drizzle) => anyUngrouped(db),
  /** The coalitions whose reports wait to be grouped. */
  coalitionsWaiting: (db: Drizzle) => coalitionsWithUngrouped(db),
  /** The grouping facts of an incident's reports. */
  factsOf: async (db: Drizzle, incidentId: string): Promise<GroupingFacts[]> =>
    groupingFactsOfIncident(db, incidentId),
  idsIn: (db: Drizzle, incidentId: string) => reportIdsOfIncident(db, incidentId),
  /** The incident each report of the coalition is in (null: not grouped yet); one absent: no such report. */
  incidentsOf: async (db: Drizzle, coalitionId: string, reportIds: readonly string[]) =>
    new Map((await findReportsIncidents(db, coalitionId, reportIds)).map((r) => [r.id, r.incidentId])),
  /** Puts these reports in the incident. */
  join: (db: Drizzle, incidentId: string, reportIds: readonly string[]) =>
    setReportsIncident(db, reportIds, incidentId),
  /** Moves every report of these incidents into another (a merge). */
  moveAll: (db: Drizzle, fromIncidentIds: readonly string[], incidentId: string) =>
    moveIncidentsReports(db, fromIncidentIds, incidentId),
};
