import { and, asc, desc, eq, getTableColumns, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { ReportSummary } from '../../../shared/report.js';
import { type Drizzle, type OwnDrizzle, prepared } from '../../db/database.js';
import { incidents, reports, zones } from '../../db/schema.js';
import { eventsRecorded, recordEventsForSubjects } from '../../realtime/events.repo.js';
import { zoneOfCellSql } from '../zones/zones.repo.js';

export type NewReportRow = typeof reports.$inferInsert;

/** The reports table's columns, by property name (what a row to insert names them). */
const REPORT_COLUMNS = getTableColumns(reports);
// insertReportsAnnounced writes its statement itself, so the query builder's JS defaults
// ($defaultFn, $onUpdate) would not run: the table must have none (database defaults are fine).
for (const column of Object.values(REPORT_COLUMNS)) {
  if (column.defaultFn || column.onUpdateFn)
    throw new Error(`reports.${column.name} has a JS default: give it to insertReportsAnnounced's rows`);
}
type ReportKey = keyof typeof REPORT_COLUMNS;
const REPORT_KEYS = Object.keys(REPORT_COLUMNS) as ReportKey[];
/** The insert-and-record statement, per set of columns and the cells each row gives: its name and text. */
const insertStatements = new Map<string, { name: string; text: string }>();

/**
 * The statement of `insertReportsAnnounced` for rows giving these columns — each row the cells
 * `given` marks, the others its database default: built once, then reused (every intake gives the
 * same columns; the row counts are those of group commit).
 */
function insertReportStatement(
  keys: readonly ReportKey[],
  given: readonly (readonly boolean[])[],
): { name: string; text: string } {
  const signature = `${keys.join(',')}:${given.map((cells) => cells.map(Number).join('')).join('|')}`;
  let statement = insertStatements.get(signature);
  if (!statement) {
    const names = keys.map((key) => `"${REPORT_COLUMNS[key].name}"`).join(', ');
    const coalitionAt = keys.indexOf('coalitionId');
    const cellAt = keys.indexOf('fineCell');
    let next = 0;
    const rows = given.map((cells) => {
      const params = cells.map((present) => (present ? ++next : 0));
      const coalition = params[coalitionAt] ?? 0;
      const cell = params[cellAt] ?? 0;
      const values = keys.map((key, i) => {
        const param = params[i] ?? 0;
        if (param === 0) return 'default';
        // No zone given: the one holding the report's fine cell (none outside every zone), found in this statement.
        return key === 'zoneId' && coalition > 0 && cell > 0
          ? `coalesce($${param}::uuid, ${zoneOfCellSql(coalition, cell)})`
          : `$${param}`;
      });
      return `(${values.join(', ')})`;
    });
    const text = `with subject as (
        insert into "reports" (${names}) values ${rows.join(', ')}
        on conflict ("channel", "source_ref") do nothing
        returning "id", "coalition_id"
      ), ${recordEventsForSubjects('report.created')}`;
    statement = { name: `faro_insert_report_${insertStatements.size + 1}`, text };
    insertStatements.set(signature, statement);
  }
  return statement;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Inserts reports and records `report.created` for each, in one statement with
 * no NOTIFY in it — a row with no `zoneId` but a `fineCell` gets the zone holding
 * that cell, found in the same statement — and announces them once committed (at once through
 * `database.db`, after the commit through a transaction's `db`). A report
 * from a provider's message already stored (same channel and source) is not
 * inserted again: false in its place of the result (true for each row stored).
 * Several rows are what group commit gathers in a surge (`reports.service.ts`);
 * each must give its id. A column some rows leave undefined takes its default in
 * those rows, in the same statement: all of them are stored, or none.
 *
 * The hottest statement of intake: its text is made once per set of columns and
 * number of rows (not rebuilt by the query builder for every report) and prepared
 * (`prepared`: not parsed and planned again for every report), its values are
 * mapped by each column as the query builder would.
 */
export async function insertReportsAnnounced(
  db: OwnDrizzle,
  rows: readonly NewReportRow[],
): Promise<boolean[]> {
  if (rows.length === 0) return [];
  // The id tells which rows were stored (the others came from a message already seen).
  if (rows.some((row) => !row.id)) throw new Error('insertReportsAnnounced: every row must give its id');
  // In the order of their source: two batches holding the same two sources (a phone's report sent
  // again, alongside another's) take them in the same order, so they wait for each other, never
  // deadlock. (Which rows were stored is told by id, whatever the order.)
  const ordered = [...rows].sort((a, b) => compareText(a.sourceRef ?? '', b.sourceRef ?? ''));
  const keys = REPORT_KEYS.filter((key) => ordered.some((row) => row[key] !== undefined));
  const given = ordered.map((row) => keys.map((key) => row[key] !== undefined));
  const values: unknown[] = [];
  for (const row of ordered) {
    for (const key of keys) {
      const value = row[key];
      if (value === undefined) continue;
      values.push(value === null ? null : REPORT_COLUMNS[key].mapToDriverValue(value));
    }
  }
  const { name, text } = insertReportStatement(keys, given);
  const result = await db.$client.query<{ subject_id: string }>(prepared(db.$client, name, text, values));
  if (result.rows.length > 0) eventsRecorded(db);
  const stored = new Set(result.rows.map((row) => row.subject_id));
  return rows.map((row) => stored.has(row.id as string));
}

/** One report: `insertReportsAnnounced` with one row. */
export async function insertReportAnnounced(db: OwnDrizzle, row: NewReportRow): Promise<boolean> {
  const [stored] = await insertReportsAnnounced(db, [row]);
  return stored === true;
}

/** The report made from a provider's message, if that message was seen before. */
export async function findReportBySource(db: Drizzle, channel: ReportSummary['channel'], sourceRef: string) {
  const [row] = await db
    .select({ id: reports.id, receipt: reports.receipt })
    .from(reports)
    .where(and(eq(reports.channel, channel), eq(reports.sourceRef, sourceRef)));
  return row;
}

const summaryColumns = {
  id: reports.id,
  receipt: reports.receipt,
  status: reports.status,
  channel: reports.channel,
  language: reports.language,
  activity: reports.activity,
  agents: reports.agents,
  vehicles: reports.vehicles,
  uniforms: reports.uniforms,
  markings: reports.markings,
  equipment: reports.equipment,
  restricted: reports.restricted,
  firsthand: reports.firsthand,
  zoneId: reports.zoneId,
  zoneName: zones.name,
  h3Cell: reports.h3Cell,
  hasExactLocation: reports.hasExactLocation,
  incidentId: reports.incidentId,
  photoIds: sql<
    string[]
  >`array(select p.id from report_photos p where p.report_id = ${reports.id} order by p.created_at)`,
  observedAt: reports.observedAt,
  receivedAt: reports.receivedAt,
};

/** Reports joined with their zone name, the shape every board read starts from. */
const summaries = (db: Drizzle) =>
  db.select(summaryColumns).from(reports).leftJoin(zones, eq(zones.id, reports.zoneId)).$dynamic();

type SummaryRow = Awaited<ReturnType<typeof summaries>>[number];

/** Opens a report's sealed restricted fields (the repository never sees the key). */
export type Reveal = (
  reportId: string,
  sealed: string | null,
) => { place: string | null; description: string | null; markings: string | null };

function toSummary(row: SummaryRow, reveal: Reveal): ReportSummary {
  const restricted = reveal(row.id, row.restricted);
  return {
    id: row.id,
    receipt: row.receipt,
    status: row.status,
    channel: row.channel,
    language: row.language,
    activity: row.activity,
    size: { agents: row.agents, vehicles: row.vehicles },
    uniforms: row.uniforms,
    // Reports stored before markings were sealed keep them in the clear until sealed at a worker's start.
    markings: restricted.markings ?? row.markings,
    equipment: row.equipment,
    description: restricted.description,
    place: restricted.place,
    firsthand: row.firsthand,
    zone: row.zoneId && row.zoneName ? { id: row.zoneId, name: row.zoneName } : null,
    h3Cell: row.h3Cell,
    hasExactLocation: row.hasExactLocation,
    incidentId: row.incidentId,
    photoIds: row.photoIds,
    observedAt: row.observedAt.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
  };
}

/** One report as the board shows it. */
export async function findReportSummary(db: Drizzle, coalitionId: string, id: string, reveal: Reveal) {
  const [row] = await summaries(db).where(and(eq(reports.coalitionId, coalitionId), eq(reports.id, id)));
  return row ? toSummary(row, reveal) : undefined;
}

/** A report's sealed fields: restricted fields and callback number (each null when none, or purged). */
export async function findSealed(db: Drizzle, coalitionId: string, id: string) {
  const [row] = await db
    .select({ restricted: reports.restricted, callback: reports.callback })
    .from(reports)
    .where(and(eq(reports.coalitionId, coalitionId), eq(reports.id, id)));
  return row;
}

/** The reports of one incident, newest first. */
export async function listIncidentReports(
  db: Drizzle,
  coalitionId: string,
  incidentId: string,
  reveal: Reveal,
  limit = 1000,
) {
  const rows = await summaries(db)
    .where(and(eq(reports.coalitionId, coalitionId), eq(reports.incidentId, incidentId)))
    .orderBy(desc(reports.receivedAt), desc(reports.id))
    .limit(limit);
  return rows.map((row) => toSummary(row, reveal));
}

/** Status of a report by its receipt code, with the status of the incident it is part of. */
export async function findReceiptStatus(db: Drizzle, receipt: string) {
  const [row] = await db
    .select({
      status: reports.status,
      receivedAt: reports.receivedAt,
      updatedAt: reports.updatedAt,
      incidentStatus: incidents.status,
      incidentActivityAt: incidents.lastActivityAt,
    })
    .from(reports)
    .leftJoin(incidents, eq(incidents.id, reports.incidentId))
    .where(eq(reports.receipt, receipt));
  return row;
}

/**
 * Clears the restricted fields (exact position, cross streets, free text) of
 * reports received before the cut-off, and what would find one sent again
 * (`source_ref`). Returns how many were purged.
 */
export async function purgeRestrictedFields(db: Drizzle, receivedBefore: Date): Promise<number> {
  const purged = await db
    .update(reports)
    .set({
      restricted: null,
      markings: null,
      fineCell: null,
      hasExactLocation: false,
      restrictedPurgedAt: new Date(),
      // What finds a report sent again (an SMS's message id, a digest of the phone's send key) is
      // needed for days, not for ever: kept, it ties the report to the sender's phone or the
      // provider's records of its number.
      sourceRef: null,
    })
    .where(and(lt(reports.receivedAt, receivedBefore), isNull(reports.restrictedPurgedAt)))
    .returning({ id: reports.id });
  return purged.length;
}

/** Reports whose markings are still in the clear (stored before they were sealed), a batch at a time. */
export async function findPlainMarkings(db: Drizzle, limit: number) {
  return db
    .select({ id: reports.id, markings: reports.markings, restricted: reports.restricted })
    .from(reports)
    .where(and(isNotNull(reports.markings), isNull(reports.restrictedPurgedAt)))
    .limit(limit);
}

/** Replaces a report's sealed fields by ones that now hold its markings, and clears the plain column. */
export async function replaceSealedMarkings(
  db: Drizzle,
  id: string,
  plain: string,
  restricted: string | null,
): Promise<boolean> {
  const updated = await db
    .update(reports)
    .set({ restricted, markings: null })
    // Only if nothing changed meanwhile (a purge, or another worker sealing it first).
    .where(and(eq(reports.id, id), eq(reports.markings, plain), isNull(reports.restrictedPurgedAt)))
    .returning({ id: reports.id });
  return updated.length > 0;
}

/**
 * Deletes the numbers kept to reach reporters (hotline callbacks, SMS
 * follow-ups) and SMS sender digests of reports received before the cut-off.
 * Returns how many reports lost one.
 */
export async function purgeCallbacks(db: Drizzle, receivedBefore: Date): Promise<number> {
  const purged = await db
    .update(reports)
    .set({ callback: null, followUp: false, senderDigest: null })
    .where(
      and(
        lt(reports.receivedAt, receivedBefore),
        or(isNotNull(reports.callback), isNotNull(reports.senderDigest)),
      ),
    )
    .returning({ id: reports.id });
  return purged.length;
}

/** How many reports wait to be grouped into incidents (readiness shows the backlog). */
export async function countUngrouped(db: Drizzle): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(reports)
    .where(isNull(reports.incidentId));
  return Number(row?.n ?? 0);
}

/** How many stored reports wait to be grouped, and since when the oldest has (the partial index reports_ungrouped). */
export async function ungroupedBacklog(db: Drizzle): Promise<{ waiting: number; oldest: Date | null }> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int`, oldest: sql<string | null>`min(${reports.receivedAt})` })
    .from(reports)
    .where(isNull(reports.incidentId));
  return { waiting: Number(row?.n ?? 0), oldest: row?.oldest ? new Date(row.oldest) : null };
}

/** What grouping reads of a report: no restricted field. */
const groupingColumns = {
  id: reports.id,
  activity: reports.activity,
  zoneId: reports.zoneId,
  h3Cell: reports.h3Cell,
  fineCell: reports.fineCell,
  observedAt: reports.observedAt,
  firsthand: reports.firsthand,
  precise: sql<boolean>`${reports.hasExactLocation} or ${reports.hasPlace}`,
};

/** The coalition's reports not yet in an incident, oldest first. */
export async function listUngrouped(db: Drizzle, coalitionId: string, limit: number) {
  return db
    .select(groupingColumns)
    .from(reports)
    .where(and(eq(reports.coalitionId, coalitionId), isNull(reports.incidentId)))
    .orderBy(asc(reports.receivedAt), asc(reports.id))
    .limit(limit);
}

/** Whether any report waits to be grouped. */
export async function anyUngrouped(db: Drizzle): Promise<boolean> {
  const [left] = await db.select({ id: reports.id }).from(reports).where(isNull(reports.incidentId)).limit(1);
  return left !== undefined;
}

/** The coalitions whose reports wait to be grouped (by the ungrouped reports' index). */
export async function coalitionsWithUngrouped(db: Drizzle): Promise<string[]> {
  const rows = await db
    .selectDistinct({ coalitionId: reports.coalitionId })
    .from(reports)
    .where(isNull(reports.incidentId));
  return rows.map((row) => row.coalitionId);
}

/** The grouping facts of an incident's reports, which its aggregates are made from. */
export async function groupingFactsOfIncident(db: Drizzle, incidentId: string) {
  return db.select(groupingColumns).from(reports).where(eq(reports.incidentId, incidentId));
}

/** The ids of an incident's reports. */
export async function reportIdsOfIncident(db: Drizzle, incidentId: string): Promise<string[]> {
  const rows = await db.select({ id: reports.id }).from(reports).where(eq(reports.incidentId, incidentId));
  return rows.map((row) => row.id);
}

/** The incident each of these reports of the coalition is in (null: not yet grouped); absent ids are not its reports. */
export async function findReportsIncidents(db: Drizzle, coalitionId: string, reportIds: readonly string[]) {
  return db
    .select({ id: reports.id, incidentId: reports.incidentId })
    .from(reports)
    .where(and(inArray(reports.id, [...reportIds]), eq(reports.coalitionId, coalitionId)));
}

/** Puts these reports in the incident. */
export async function setReportsIncident(db: Drizzle, reportIds: readonly string[], incidentId: string) {
  if (reportIds.length === 0) return;
  await db
    .update(reports)
    .set({ incidentId })
    .where(inArray(reports.id, [...reportIds]));
}

/** Moves every report of these incidents into another. */
export async function moveIncidentsReports(
  db: Drizzle,
  fromIncidentIds: readonly string[],
  incidentId: string,
) {
  if (fromIncidentIds.length === 0) return;
  await db
    .update(reports)
    .set({ incidentId })
    .where(inArray(reports.incidentId, [...fromIncidentIds]));
}
