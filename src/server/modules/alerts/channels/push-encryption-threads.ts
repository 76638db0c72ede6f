import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  AES128GCM_SOURCE,
  checkRequest,
  type EncryptedPush,
  type EncryptRequest,
  errorFrom,
  headersFor,
  inlinePushEncryption,
  type Keys,
  type PushEncryption,
} from './push-encryption.js';

/**
 * Web Push encryption (push-encryption.ts) off the main thread: requests are
 * batched per tick to a few worker threads; a batch's keys go as one
 * transferred buffer and its bodies come back as another. A thread that stops
 * is replaced, its batches failed as worth retrying.
 */

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
${AES128GCM_SOURCE}
// keys: per request the browser's public key (65 bytes), its auth secret's length (2 bytes) and the secret.
parentPort.on('message', ({ id, payloads, payloadOf, keys }) => {
  const plaintexts = payloads.map((payload) => Buffer.from(payload));
  const packed = Buffer.from(keys);
  const bodies = [];
  const errors = [];
  let size = 0;
  let from = 0;
  for (let i = 0; i < payloadOf.length; i++) {
    const uaPublic = packed.subarray(from, from + 65);
    const authEnd = from + 67 + packed.readUInt16BE(from + 65);
    const authSecret = packed.subarray(from + 67, authEnd);
    from = authEnd;
    try {
      const body = encryptAes128gcm(uaPublic, authSecret, plaintexts[payloadOf[i]]);
      bodies.push(body);
      size += body.length;
      errors.push(null);
    } catch (error) {
      bodies.push(null);
      errors.push({ name: error.name, message: String(error.message) });
    }
  }
  // Every body in one buffer of its own, moved (not copied) back to the main thread.
  const all = Buffer.allocUnsafeSlow(size);
  const ends = new Int32Array(bodies.length);
  let at = 0;
  bodies.forEach((body, i) => {
    if (body) at += body.copy(all, at);
    ends[i] = at;
  });
  parentPort.postMessage({ id, all: all.buffer, ends, errors }, [all.buffer]);
});
`;

/** An encryption thread stopped with this message's batch: nothing was sent, and a retry will pass. */
export class EncryptionThreadLostError extends Error {
  readonly code = 'ENCRYPTION_THREAD_LOST';
  constructor(cause: Error) {
    super(`an encryption thread stopped: ${cause.message}`, { cause });
    this.name = 'EncryptionThreadLostError';
  }
}

/** A thread that stops is started again, up to this many times per thread in a window. */
const RESTARTS_PER_THREAD = 3;
const RESTARTS_WINDOW_MS = 60_000;

/** Requests per message to a worker: large enough to spread the messaging cost, small enough to keep all busy. */
const BATCH = 64;
/**
 * Batches a worker holds at once: the one it encrypts and a full next one.
 * An idle worker takes whatever waits; a busy one only a full batch, so under
 * load requests gather here while the workers encrypt, and the main thread
 * sends few full messages rather than many small ones (each costs it ~10 µs).
 */
const DEPTH = 2;

/**
 * A few worker threads, fed in batches: one more than the cores (two at
 * least, four at most), since each spends part of its time waiting for its
 * next batch; on this project's 2-core machines 3 threads beat 1 and 2
 * with web-push's encryption (`npm run bench -- fanout`). With this one, 2
 * and 3 came out alike on a loaded machine: `--threads` (PUSH_ENCRYPTION_THREADS)
 * measures it again.
 */
export function threadedPushEncryption(
  options: {
    threads?: number;
    /** Tests: sees each thread as it starts (to stop one). */
    onThread?: (worker: Worker) => void;
  } = {},
): PushEncryption {
  const count = options.threads ?? Math.min(4, Math.max(2, availableParallelism() + 1));
  type Waiting = {
    request: EncryptRequest;
    keys: Keys;
    resolve: (r: EncryptedPush) => void;
    reject: (e: Error) => void;
  };
  type Thread = { worker: Worker; batches: Map<number, Waiting[]>; gone?: boolean };
  type Answer = {
    id: number;
    all: ArrayBuffer;
    ends: Int32Array;
    errors: ({ name: string; message: string } | null)[];
  };
  let threads: Thread[] = [];
  let nextId = 0;
  let waiting: Waiting[] = [];
  let scheduled = false;

  const answered = (thread: Thread, { id, all, ends, errors }: Answer) => {
    const items = thread.batches.get(id) ?? [];
    thread.batches.delete(id);
    let start = 0;
    items.forEach((w, i) => {
      const end = ends[i] ?? start;
      const error = errors[i];
      if (error) w.reject(errorFrom(error));
      else {
        const body = Buffer.from(all, start, end - start);
        w.resolve({ endpoint: w.request.endpoint, headers: headersFor(w.request, body.length), body });
      }
      start = end;
    });
    dispatch();
  };

  let closing = false;
  /** Threads started again lately: a thread that keeps dying is not restarted for ever. */
  let restarts: number[] = [];
  /** Where messages are encrypted once no thread is left and none may be started again. */
  let fallback: PushEncryption | null = null;

  /**
   * A thread that failed is dropped, its batches failed as worth retrying
   * (nothing was sent), and another started in its place; past a few
   * restarts a minute, what is left is encrypted in this thread.
   */
  const lost = (thread: Thread, cause: Error) => {
    if (thread.gone) return;
    thread.gone = true;
    threads = threads.filter((t) => t !== thread);
    const error = new EncryptionThreadLostError(cause);
    for (const items of thread.batches.values()) for (const w of items) w.reject(error);
    thread.batches.clear();
    if (closing) return;
    const now = Date.now();
    restarts = restarts.filter((at) => at > now - RESTARTS_WINDOW_MS);
    if (restarts.length < count * RESTARTS_PER_THREAD) {
      restarts.push(now);
      start();
    } else if (threads.length === 0) {
      fallback ??= inlinePushEncryption();
      const inline = fallback;
      for (const w of waiting) inline.encrypt(w.request).then(w.resolve, w.reject);
      waiting = [];
      return;
    }
    dispatch();
  };

  function start() {
    const thread: Thread = { worker: new Worker(WORKER_SOURCE, { eval: true }), batches: new Map() };
    thread.worker.unref();
    thread.worker.on('message', (answer: Answer) => answered(thread, answer));
    thread.worker.on('error', (error) => lost(thread, error));
    thread.worker.on('exit', () => lost(thread, new Error('an encryption thread stopped')));
    threads.push(thread);
    options.onThread?.(thread.worker);
  }
  for (let i = 0; i < count; i++) start();

  const post = (thread: Thread, items: Waiting[]) => {
    const id = nextId++;
    thread.batches.set(id, items);
    // The payload is the same for most of a batch (one per language): sent once each.
    const payloads: string[] = [];
    const payloadOf = Uint16Array.from(items, ({ request }) => {
      const at = payloads.indexOf(request.payload);
      return at >= 0 ? at : payloads.push(request.payload) - 1;
    });
    // The keys packed in one buffer, moved (not copied) to the worker.
    let size = 0;
    for (const { keys } of items) size += 65 + 2 + keys.authSecret.length;
    const packed = Buffer.allocUnsafeSlow(size);
    let at = 0;
    for (const { keys } of items) {
      at += keys.uaPublic.copy(packed, at);
      at = packed.writeUInt16BE(keys.authSecret.length, at);
      at += keys.authSecret.copy(packed, at);
    }
    thread.worker.postMessage({ id, payloads, payloadOf, keys: packed.buffer }, [packed.buffer]);
  };

  /** Sends what waits to the least busy thread that may take it; the rest waits for an answer. */
  function dispatch() {
    scheduled = false;
    while (waiting.length > 0) {
      let idlest: Thread | null = null;
      for (const thread of threads) if (!idlest || thread.batches.size < idlest.batches.size) idlest = thread;
      const size = idlest?.batches.size ?? DEPTH;
      if (!idlest || size >= DEPTH || (size > 0 && waiting.length < BATCH)) return;
      post(idlest, waiting.length <= BATCH ? waiting : waiting.slice(0, BATCH));
      waiting = waiting.length <= BATCH ? [] : waiting.slice(BATCH);
    }
  }

  return {
    encrypt(request) {
      return new Promise((resolve, reject) => {
        const keys = checkRequest(request);
        if (fallback && threads.length === 0) return void fallback.encrypt(request).then(resolve, reject);
        if (closing) throw new Error('push encryption is closed');
        waiting.push({ request, keys, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(dispatch);
        }
      });
    },
    async close() {
      closing = true;
      const stopping = threads;
      threads = [];
      await Promise.all(stopping.map((thread) => thread.worker.terminate()));
    },
  };
}
