import { and, asc, desc, eq, getTableColumns, gte, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { EvidenceKind } from '../../../shared/evidence.js';
import type { Drizzle } from '../../db/database.js';
import {
  assignments,
  evidenceChunks,
  evidenceCustody,
  evidenceItems,
  evidenceWorkingCopies,
  incidents,
  users,
} from '../../db/schema.js';
import { ENGAGED_OR_DONE } from './evidence.policy.js';

/** The one condition that keeps a case's documents out of everything the evidence routes read. */
const ofAnIncident = isNotNull(evidenceItems.incidentId);
// The rows these queries return are narrowed to incident items by `ofAnIncident` (or by an
// incident id), which Drizzle cannot type: the casts below say what the SQL guarantees.
const asIncidentItems = <T extends { item: StoredItemRow }>(rows: T[]) =>
  rows as (Omit<T, 'item'> & { item: EvidenceItemRow })[];

/** The only writer of evidence_items, evidence_chunks, evidence_custody and evidence_working_copies. */

/** An item as stored: an incident's evidence, or a case's document. */
export type StoredItemRow = typeof evidenceItems.$inferSelect;
/**
 * An incident's item: what every evidence route reads. A case's documents are never one of these
 * (the queries below that answer them all filter on `ofAnIncident`), so the evidence routes cannot
 * reach a document by its id, in a list, or in an export.
 */
export type EvidenceItemRow = Omit<StoredItemRow, 'incidentId' | 'caseId' | 'kind'> & {
  incidentId: string;
  caseId: null;
  kind: EvidenceKind;
};
export type CustodyRow = typeof evidenceCustody.$inferSelect;

export async function insertItem(db: Drizzle, row: typeof evidenceItems.$inferInsert): Promise<void> {
  await db.insert(evidenceItems).values(row);
}

/**
 * An incident's item of the coalition (never a case's document); `lock` holds it for the rest of
 * the transaction (one writer at a time).
 */
export async function findItem(
  db: Drizzle,
  coalitionId: string,
  id: string,
  lock = false,
): Promise<EvidenceItemRow | undefined> {
  const query = db
    .select()
    .from(evidenceItems)
    .where(and(eq(evidenceItems.coalitionId, coalitionId), eq(evidenceItems.id, id), ofAnIncident));
  const [row] = await (lock ? query.for('update') : query);
  return row as EvidenceItemRow | undefined;
}

/** An item of the coalition whoever owns it: for the storing path both owners share (file-upload.ts). */
export async function findStoredItem(
  db: Drizzle,
  coalitionId: string,
  id: string,
  lock = false,
): Promise<StoredItemRow | undefined> {
  const query = db
    .select()
    .from(evidenceItems)
    .where(and(eq(evidenceItems.coalitionId, coalitionId), eq(evidenceItems.id, id)));
  const [row] = await (lock ? query.for('update') : query);
  return row;
}

/** A document of this case (none of another case's, none of an incident's). */
export async function findDocument(
  db: Drizzle,
  coalitionId: string,
  caseId: string,
  id: string,
  lock = false,
): Promise<StoredItemRow | undefined> {
  const query = db
    .select()
    .from(evidenceItems)
    .where(
      and(
        eq(evidenceItems.coalitionId, coalitionId),
        eq(evidenceItems.caseId, caseId),
        eq(evidenceItems.id, id),
      ),
    );
  const [row] = await (lock ? query.for('update') : query);
  return row;
}

/** A case's documents whose originals are still kept. */
export function documentsOfCase(db: Drizzle, coalitionId: string, caseId: string) {
  return db
    .select()
    .from(evidenceItems)
    .where(
      and(
        eq(evidenceItems.coalitionId, coalitionId),
        eq(evidenceItems.caseId, caseId),
        isNull(evidenceItems.deletedAt),
      ),
    )
    .orderBy(asc(evidenceItems.receivedAt));
}

/**
 * Items of an incident: recorded on it, or on an incident merged into it (at any depth). Items
 * keep the incident they were recorded on; a dispatcher's merge gathers them where the work goes on.
 */
const ofIncidentOrMergedInto = (coalitionId: string, incidentId: string) =>
  inArray(
    evidenceItems.incidentId,
    sql`(with recursive family(id) as (
           select ${incidents.id} from ${incidents}
            where ${incidents.coalitionId} = ${coalitionId} and ${incidents.id} = ${incidentId}
           union
           select merged.id from ${incidents} merged join family on merged.merged_into = family.id
         ) select id from family)`,
  );

export async function listItemsOfIncident(db: Drizzle, coalitionId: string, incidentId: string) {
  const rows = await db
    .select({ item: evidenceItems, recorder: users.displayName })
    .from(evidenceItems)
    .innerJoin(users, eq(users.id, evidenceItems.recordedBy))
    .where(
      and(
        eq(evidenceItems.coalitionId, coalitionId),
        ofAnIncident,
        ofIncidentOrMergedInto(coalitionId, incidentId),
      ),
    )
    .orderBy(asc(evidenceItems.receivedAt));
  return asIncidentItems(rows);
}

/** The coalition's latest items, newest first (what the legal team works through). */
export async function recentItems(db: Drizzle, coalitionId: string, limit: number) {
  const rows = await db
    .select({ item: evidenceItems, recorder: users.displayName })
    .from(evidenceItems)
    .innerJoin(users, eq(users.id, evidenceItems.recordedBy))
    .where(and(eq(evidenceItems.coalitionId, coalitionId), ofAnIncident))
    .orderBy(desc(evidenceItems.receivedAt))
    .limit(limit);
  return asIncidentItems(rows);
}

/**
 * The items an export for counsel names — an incident's, or these ids — of this coalition only,
 * each with its recorder's name, held for the rest of the transaction (their custody logs grow),
 * in one order (by receipt) so that two exports at once never wait on each other in a circle.
 */
export async function itemsForExport(
  db: Drizzle,
  coalitionId: string,
  selection: { incidentId: string } | { itemIds: readonly string[] },
) {
  const chosen =
    'incidentId' in selection
      ? ofIncidentOrMergedInto(coalitionId, selection.incidentId)
      : inArray(evidenceItems.id, [...selection.itemIds]);
  const rows = await db
    .select({ item: evidenceItems, recorder: users.displayName })
    .from(evidenceItems)
    .innerJoin(users, eq(users.id, evidenceItems.recordedBy))
    .where(and(eq(evidenceItems.coalitionId, coalitionId), ofAnIncident, chosen))
    .orderBy(asc(evidenceItems.receivedAt), asc(evidenceItems.id))
    .for('update', { of: evidenceItems });
  return asIncidentItems(rows);
}

/** Whether the person holds (or held) an assignment on the incident: who may record there. */
export async function assignmentOnIncident(
  db: Drizzle,
  userId: string,
  incidentId: string,
): Promise<string | null> {
  const [row] = await db
    .select({ id: assignments.id, state: assignments.state })
    .from(assignments)
    .where(and(eq(assignments.userId, userId), eq(assignments.incidentId, incidentId)))
    .orderBy(desc(assignments.offeredAt));
  return row && (ENGAGED_OR_DONE as readonly string[]).includes(row.state) ? row.id : null;
}

/** Stores chunks at their places, replacing a part chunk kept there (an upload's tail). */
export async function putChunks(db: Drizzle, rows: (typeof evidenceChunks.$inferInsert)[]): Promise<void> {
  await db
    .insert(evidenceChunks)
    .values(rows)
    .onConflictDoUpdate({
      target: [evidenceChunks.itemId, evidenceChunks.seq],
      set: {
        offset: sql`excluded.offset`,
        length: sql`excluded.length`,
        final: sql`excluded.final`,
        sha256: sql`excluded.sha256`,
        chain: sql`excluded.chain`,
        sealed: sql`excluded.sealed`,
        blob: sql`excluded.blob`,
        receivedAt: sql`excluded.received_at`,
      },
    });
}

/** A chunk's place, hashes and chain, without its sealed bytes. */
export async function chunkFacts(db: Drizzle, itemId: string, seq: number) {
  const { sealed: _, ...facts } = getTableColumns(evidenceChunks);
  const [row] = await db
    .select(facts)
    .from(evidenceChunks)
    .where(and(eq(evidenceChunks.itemId, itemId), eq(evidenceChunks.seq, seq)));
  return row;
}

/** An item's chunks as facts (place, length, hash, when the server stored each), never their bytes. */
export function chunkReceipts(db: Drizzle, itemId: string) {
  return db
    .select({
      seq: evidenceChunks.seq,
      offset: evidenceChunks.offset,
      length: evidenceChunks.length,
      sha256: evidenceChunks.sha256,
      receivedAt: evidenceChunks.receivedAt,
    })
    .from(evidenceChunks)
    .where(eq(evidenceChunks.itemId, itemId))
    .orderBy(asc(evidenceChunks.seq));
}

/** Replaces a chunk's seal (the last one, sealed again as final when the item completes). */
export async function resealChunk(
  db: Drizzle,
  itemId: string,
  seq: number,
  kept: { sealed: Uint8Array; blob: null } | { sealed: null; blob: string },
): Promise<void> {
  await db
    .update(evidenceChunks)
    .set({ ...kept, final: true })
    .where(and(eq(evidenceChunks.itemId, itemId), eq(evidenceChunks.seq, seq)));
}

/** The names of the files an item's chunks are kept in (a folder store). */
export async function blobsOf(db: Drizzle, itemId: string): Promise<string[]> {
  const rows = await db
    .select({ blob: evidenceChunks.blob })
    .from(evidenceChunks)
    .where(and(eq(evidenceChunks.itemId, itemId), isNotNull(evidenceChunks.blob)));
  return rows.flatMap((row) => (row.blob ? [row.blob] : []));
}

/** Chunks from `fromSeq` on, a few at a time (an original is read as a stream, never whole). */
export function chunksFrom(db: Drizzle, itemId: string, fromSeq: number, count: number) {
  return db
    .select()
    .from(evidenceChunks)
    .where(and(eq(evidenceChunks.itemId, itemId), gte(evidenceChunks.seq, fromSeq)))
    .orderBy(asc(evidenceChunks.seq))
    .limit(count);
}

export async function updateItem(
  db: Drizzle,
  id: string,
  values: Partial<
    Pick<
      EvidenceItemRow,
      | 'bytes'
      | 'chunks'
      | 'chain'
      | 'lastReceivedAt'
      | 'state'
      | 'sha256'
      | 'clientSha256'
      | 'durationMs'
      | 'completedAt'
      | 'deletedAt'
      | 'holdReason'
      | 'holdBy'
      | 'holdAt'
      | 'expectedBytes'
      | 'workingCopy'
      | 'workingCopyWidth'
      | 'workingCopyHeight'
    >
  >,
): Promise<void> {
  await db.update(evidenceItems).set(values).where(eq(evidenceItems.id, id));
}

/**
 * Incidents' originals past their retention and not held; their chunks are deleted, the item and
 * its log kept. (A case's documents are kept as long as the case: cases/documents.ts.)
 */
export function expiredItems(db: Drizzle, now: Date, limit: number) {
  return db
    .select({ id: evidenceItems.id, coalitionId: evidenceItems.coalitionId })
    .from(evidenceItems)
    .where(
      and(
        ofAnIncident,
        lt(evidenceItems.retainUntil, now),
        isNull(evidenceItems.holdAt),
        isNull(evidenceItems.deletedAt),
      ),
    )
    .limit(limit);
}

export async function deleteChunks(db: Drizzle, itemId: string): Promise<void> {
  await db.delete(evidenceChunks).where(eq(evidenceChunks.itemId, itemId));
}

/** Stores a photo's working copy (sealed); a second one for the same item is not stored. */
export async function insertWorkingCopy(
  db: Drizzle,
  row: typeof evidenceWorkingCopies.$inferInsert,
): Promise<void> {
  await db.insert(evidenceWorkingCopies).values(row).onConflictDoNothing();
}

/** A photo's working copy, still sealed. */
export async function findWorkingCopy(db: Drizzle, itemId: string) {
  const [row] = await db
    .select({ sealed: evidenceWorkingCopies.sealed, contentType: evidenceWorkingCopies.contentType })
    .from(evidenceWorkingCopies)
    .where(eq(evidenceWorkingCopies.itemId, itemId));
  return row;
}

export async function deleteWorkingCopy(db: Drizzle, itemId: string): Promise<void> {
  await db.delete(evidenceWorkingCopies).where(eq(evidenceWorkingCopies.itemId, itemId));
}

/** Complete photos still kept whose working copy was never made (nor found impossible). */
export function photosAwaitingCopy(db: Drizzle, limit: number) {
  return db
    .select({ id: evidenceItems.id, coalitionId: evidenceItems.coalitionId })
    .from(evidenceItems)
    .where(
      and(
        eq(evidenceItems.kind, 'photo'),
        eq(evidenceItems.state, 'complete'),
        isNull(evidenceItems.deletedAt),
        isNull(evidenceItems.workingCopy),
      ),
    )
    .orderBy(asc(evidenceItems.completedAt))
    .limit(limit);
}

export async function lastCustody(db: Drizzle, itemId: string): Promise<CustodyRow | undefined> {
  const [row] = await db
    .select()
    .from(evidenceCustody)
    .where(eq(evidenceCustody.itemId, itemId))
    .orderBy(desc(evidenceCustody.seq))
    .limit(1);
  return row;
}

export async function insertCustody(db: Drizzle, row: typeof evidenceCustody.$inferInsert): Promise<void> {
  await db.insert(evidenceCustody).values(row);
}

export function listCustody(db: Drizzle, itemId: string) {
  return db
    .select({ row: evidenceCustody, actor: users.displayName })
    .from(evidenceCustody)
    .leftJoin(users, eq(users.id, evidenceCustody.actorId))
    .where(eq(evidenceCustody.itemId, itemId))
    .orderBy(asc(evidenceCustody.seq));
}

/** Whether the coalition has this incident. */
export async function incidentInCoalition(
  db: Drizzle,
  coalitionId: string,
  incidentId: string,
): Promise<boolean> {
  const [row] = await db
    .select({ id: incidents.id })
    .from(incidents)
    .where(and(eq(incidents.coalitionId, coalitionId), eq(incidents.id, incidentId)));
  return !!row;
}
