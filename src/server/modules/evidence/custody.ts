import { createHash } from 'node:crypto';

/**
 * The chain of custody of an evidence item: every event — received,
 * completed, viewed, downloaded, exported, legal hold set or lifted, deleted,
 * a photo's working copy made —
 * is a row that is only ever appended, and whose hash covers the row before
 * it. Changing, removing or reordering any row breaks every hash after it,
 * and verification names the first row that does not hold.
 */
export const CUSTODY_EVENTS = [
  'received',
  'completed',
  'viewed',
  'downloaded',
  'exported',
  'hold_set',
  'hold_lifted',
  'deleted',
  /** The server read the photo to make its stripped working copy (details: the copy's hash and size)… */
  'working_copy_made',
  /** …or could not make one (details: why); the original is untouched either way. */
  'working_copy_not_made',
] as const;
export type CustodyEvent = (typeof CUSTODY_EVENTS)[number];

export interface CustodyEntry {
  itemId: string;
  /** 1, 2, 3… per item. */
  seq: number;
  /** ISO time, to the millisecond. */
  at: string;
  event: CustodyEvent;
  /** The account and the role it acted in; none for the server's own acts (retention). */
  actorId: string | null;
  actorRole: string | null;
  /** The signed-in session it came from. */
  sessionTag: string | null;
  /** What else there is to say (a hold's reason, a bundle's id, how many bytes). */
  details: Record<string, string | number | boolean | null>;
}

const GENESIS = Buffer.alloc(32);

/** A stable text of an entry: the same fields in the same order, whatever the database returns. */
function canonical(entry: CustodyEntry): string {
  const details = Object.keys(entry.details)
    .sort()
    .map((key) => [key, entry.details[key] ?? null]);
  return JSON.stringify([
    'faro-custody/v1',
    entry.itemId,
    entry.seq,
    entry.at,
    entry.event,
    entry.actorId,
    entry.actorRole,
    entry.sessionTag,
    details,
  ]);
}

/** The hash of an entry, given the hash of the one before (zeros for the first). */
export function custodyHash(previous: Uint8Array | null, entry: CustodyEntry): Buffer {
  return createHash('sha256')
    .update(previous ?? GENESIS)
    .update(canonical(entry))
    .digest();
}

export type CustodyCheck =
  | { ok: true; entries: number }
  | { ok: false; seq: number; reason: 'hash' | 'order' | 'previous' };

/** Checks an item's log, in order of `seq`; names the first row that does not hold. */
export function verifyCustody(
  rows: readonly (CustodyEntry & { previousHash: Uint8Array | null; hash: Uint8Array })[],
): CustodyCheck {
  let previous: Uint8Array | null = null;
  for (const [index, row] of rows.entries()) {
    if (row.seq !== index + 1) return { ok: false, seq: row.seq, reason: 'order' };
    const expectedPrevious = previous ?? GENESIS;
    if (!Buffer.from(row.previousHash ?? GENESIS).equals(Buffer.from(expectedPrevious)))
      return { ok: false, seq: row.seq, reason: 'previous' };
    if (!custodyHash(previous, row).equals(Buffer.from(row.hash)))
      return { ok: false, seq: row.seq, reason: 'hash' };
    previous = row.hash;
  }
  return { ok: true, entries: rows.length };
}
