import { readNoteEntry } from '../../../shared/evidence-notes.js';
import { ApiError, api } from '../../api.js';

/**
 * A recording's way to the server, kept on the phone (IndexedDB) until the
 * server has it: its start, each slice as MediaRecorder hands it over, and
 * its end. They are sent in order, one at a time, as soon as they exist;
 * without a connection they wait and go when it returns (the `online` event,
 * a timer, the next time the page opens). A slice leaves the phone only once
 * the server holds it — so what is "safe" is exactly what the server has.
 * An observer's note goes the same way, one entry a slice (ObserverNotes.tsx).
 */

const DB_NAME = 'faro-evidence';
const STORE = 'outbox';
/** Notes being written, one per incident: what a reload needs to go on with one (never its text). */
const PADS = 'notepads';
const FINISH_SEQ = 99_999_999;

export interface StartOp {
  key: string;
  itemId: string;
  seq: 0;
  kind: 'start';
  incidentId: string;
  media: 'video' | 'audio' | 'note';
  contentType: string;
  deviceStartedAt: string;
}
export interface SliceOp {
  key: string;
  itemId: string;
  seq: number;
  kind: 'slice';
  bytes: ArrayBuffer;
  sha256: string;
  /** Where the slice ends in the recording, in ms from its start. */
  endMs: number;
}
export interface FinishOp {
  key: string;
  itemId: string;
  seq: typeof FINISH_SEQ;
  kind: 'finish';
  chunks: number;
  /** A recording's length (a note has none). */
  durationMs?: number;
}
type Op = StartOp | SliceOp | FinishOp;

export interface RecordingProgress {
  /** How much of the recording the server holds, in ms from its start. */
  safeMs: number;
  /** Slices still on the phone. */
  waiting: number;
  done: boolean;
  /** The server refused something (the type, the size): said, not retried. */
  refused: ApiError | null;
}

const keyOf = (itemId: string, seq: number) => `${itemId}:${String(seq).padStart(8, '0')}`;

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'key' });
      if (!db.objectStoreNames.contains(PADS)) db.createObjectStore(PADS, { keyPath: 'incidentId' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function inStore<T>(
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore, pads: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      // Both stores in one transaction: a note's entry and its pad are kept together or not at all.
      const tx = db.transaction([STORE, PADS], mode);
      const request = work(tx.objectStore(STORE), tx.objectStore(PADS));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

const put = (op: Op) => inStore('readwrite', (store) => store.put(op));
const remove = (key: string) => inStore('readwrite', (store) => store.delete(key));
/** Everything waiting, in order: each recording's start, its slices, its end. */
const all = () => inStore<Op[]>('readonly', (store) => store.getAll() as IDBRequest<Op[]>);

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const progress = new Map<string, RecordingProgress>();
const listeners = new Set<() => void>();
const tell = () => {
  for (const listener of listeners) listener();
};

/** The same object until it changes (React compares snapshots by identity). */
export function progressOf(itemId: string): RecordingProgress {
  let known = progress.get(itemId);
  if (!known) {
    known = { safeMs: 0, waiting: 0, done: false, refused: null };
    progress.set(itemId, known);
  }
  return known;
}
export function onProgress(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
function update(itemId: string, change: Partial<RecordingProgress>) {
  progress.set(itemId, { ...progressOf(itemId), ...change });
  tell();
}

export async function queueStart(op: Omit<StartOp, 'key' | 'seq' | 'kind'>): Promise<void> {
  await put({ ...op, kind: 'start', seq: 0, key: keyOf(op.itemId, 0) });
  void pump();
}
export async function queueSlice(op: Omit<SliceOp, 'key' | 'kind'>): Promise<void> {
  await put({ ...op, kind: 'slice', key: keyOf(op.itemId, op.seq) });
  update(op.itemId, { waiting: progressOf(op.itemId).waiting + 1 });
  void pump();
}
export async function queueFinish(op: Omit<FinishOp, 'key' | 'seq' | 'kind'>): Promise<void> {
  await put({ ...op, kind: 'finish', seq: FINISH_SEQ, key: keyOf(op.itemId, FINISH_SEQ) });
  void pump();
}

async function send(op: Op): Promise<void> {
  if (op.kind === 'start') {
    await api(`/api/incidents/${op.incidentId}/evidence`, {
      method: 'POST',
      body: {
        id: op.itemId,
        kind: op.media,
        contentType: op.contentType,
        deviceStartedAt: op.deviceStartedAt,
      },
    });
  } else if (op.kind === 'slice') {
    try {
      await api(`/api/evidence/${op.itemId}/slices/${op.seq}`, {
        method: 'PUT',
        blob: new Blob([op.bytes], { type: 'application/octet-stream' }),
        headers: { 'x-content-sha256': op.sha256 },
      });
    } catch (error) {
      // The server already has it (an answer lost on the way): nothing is missing.
      if (error instanceof ApiError && error.status === 409 && Number(error.details.expected) > op.seq)
        return;
      throw error;
    }
    update(op.itemId, { safeMs: op.endMs, waiting: Math.max(0, progressOf(op.itemId).waiting - 1) });
  } else {
    await api(`/api/evidence/${op.itemId}/finish`, {
      method: 'POST',
      body: {
        chunks: op.chunks,
        ...(op.durationMs === undefined ? {} : { durationMs: Math.round(op.durationMs) }),
      },
    });
    update(op.itemId, { done: true });
  }
}

/** Answers that sending again cannot change; anything else (no connection, signed out, a server error) waits. */
const REFUSED_FOR_GOOD = new Set([400, 404, 409, 410, 413, 415, 422]);

let pumping: Promise<void> | null = null;
let retry: ReturnType<typeof setTimeout> | undefined;

/** Sends what waits, in order; stops at the first that cannot go and tries again later. */
export function pump(): Promise<void> {
  pumping ??= (async () => {
    try {
      for (;;) {
        const ops = (await all()).sort((a, b) => (a.key < b.key ? -1 : 1));
        const waiting = new Map<string, number>();
        for (const op of ops)
          if (op.kind === 'slice') waiting.set(op.itemId, (waiting.get(op.itemId) ?? 0) + 1);
        for (const [itemId, count] of waiting)
          if (progressOf(itemId).waiting !== count) update(itemId, { waiting: count });
        const next = ops[0];
        if (!next) return;
        try {
          await send(next);
        } catch (error) {
          if (error instanceof ApiError && REFUSED_FOR_GOOD.has(error.status)) {
            // Refused for good (not a type Faro keeps, too large): said on the screen, not sent again.
            update(next.itemId, { refused: error });
          } else {
            clearTimeout(retry);
            retry = setTimeout(() => void pump(), 5_000);
            return;
          }
        }
        await remove(next.key);
      }
    } finally {
      pumping = null;
    }
  })();
  return pumping;
}

/** Starts sending what an earlier visit left, and again whenever the connection returns. */
export function resumeEvidence(): () => void {
  const again = () => void pump();
  window.addEventListener('online', again);
  void pump().catch(() => undefined);
  return () => window.removeEventListener('online', again);
}

/**
 * An observer's note being written on an incident. The phone keeps what it needs to go on with the
 * note after a reload — its id, how many entries it has and their bytes — and each entry's text only
 * until the server has it (in the outbox, as its slice): a phone taken gives away only what had not
 * reached the server yet.
 */
export interface NotePad {
  incidentId: string;
  itemId: string;
  deviceStartedAt: string;
  /** Entries added so far, and their bytes (a note holds at most NOTE_MAX_BYTES). */
  entries: number;
  bytes: number;
}

/**
 * Adds entry `pad.entries` (the pad as it stands with it) to the note: kept on the phone with the
 * pad, and the note's start with its first entry, in one transaction; then sent.
 */
export async function queueNoteEntry(pad: NotePad, bytes: ArrayBuffer): Promise<void> {
  const slice: SliceOp = {
    key: keyOf(pad.itemId, pad.entries),
    itemId: pad.itemId,
    seq: pad.entries,
    kind: 'slice',
    bytes,
    sha256: await sha256Hex(bytes),
    endMs: 0,
  };
  const start: StartOp = {
    key: keyOf(pad.itemId, 0),
    itemId: pad.itemId,
    seq: 0,
    kind: 'start',
    incidentId: pad.incidentId,
    media: 'note',
    contentType: 'text/plain',
    deviceStartedAt: pad.deviceStartedAt,
  };
  await inStore('readwrite', (outbox, pads) => {
    if (pad.entries === 1) outbox.put(start);
    outbox.put(slice);
    return pads.put(pad);
  });
  update(pad.itemId, { waiting: progressOf(pad.itemId).waiting + 1 });
  void pump();
}

/** Finishes the note with the entries it has: the pad is let go, the end waits in the outbox to be sent. */
export async function queueNoteFinish(pad: NotePad): Promise<void> {
  const finish: FinishOp = {
    key: keyOf(pad.itemId, FINISH_SEQ),
    itemId: pad.itemId,
    seq: FINISH_SEQ,
    kind: 'finish',
    chunks: pad.entries,
  };
  await inStore('readwrite', (outbox, pads) => {
    outbox.put(finish);
    return pads.delete(pad.incidentId);
  });
  void pump();
}

/**
 * The note left unfinished on an incident (a reload, the phone restarted), with the entries still
 * waiting on the phone — their time and text — in order; null when there is none.
 */
export async function notePadOf(
  incidentId: string,
): Promise<{ pad: NotePad; waiting: { seq: number; writtenAt: string | null; text: string }[] } | null> {
  const pad = await inStore<NotePad | undefined>('readonly', (_, pads) => pads.get(incidentId));
  if (!pad) return null;
  const decoder = new TextDecoder();
  const waiting = (await all())
    .filter((op): op is SliceOp => op.kind === 'slice' && op.itemId === pad.itemId)
    .sort((a, b) => a.seq - b.seq)
    .map((op) => ({ seq: op.seq, ...readNoteEntry(decoder.decode(op.bytes)) }));
  update(pad.itemId, { waiting: waiting.length });
  return { pad, waiting };
}
