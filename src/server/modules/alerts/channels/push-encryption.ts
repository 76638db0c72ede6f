import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import webpush from 'web-push';

/**
 * RFC 8291 encryption of Web Push payloads, off the main thread. Encrypting
 * (a fresh ECDH key pair and HKDF per message) is most of a push's cost; on
 * the event loop it would leave no time for the HTTP requests and the
 * database. Requests are batched per tick to a few worker threads, and the
 * ciphertexts come back as transferred buffers. Each worker runs web-push's
 * own `generateRequestDetails`, the same code as in-thread.
 */

export interface EncryptRequest {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  payload: string;
  authorization: string;
  ttlSeconds: number;
  urgency: string;
  topic: string;
}

export interface EncryptedPush {
  endpoint: string;
  headers: Record<string, string | number>;
  body: Buffer;
}

export interface PushEncryption {
  encrypt(request: EncryptRequest): Promise<EncryptedPush>;
  close(): Promise<void>;
}

function details(request: EncryptRequest) {
  return webpush.generateRequestDetails({ endpoint: request.endpoint, keys: request.keys }, request.payload, {
    headers: { Authorization: request.authorization },
    TTL: request.ttlSeconds,
    urgency: request.urgency as 'high',
    topic: request.topic,
    contentEncoding: 'aes128gcm',
  });
}

/** In the calling thread: for a single message (a confirmation) or where threads are not wanted. */
export function inlinePushEncryption(): PushEncryption {
  return {
    async encrypt(request) {
      const made = details(request);
      return { endpoint: made.endpoint, headers: made.headers, body: made.body as Buffer };
    },
    async close() {},
  };
}

// The worker's source: plain CommonJS, so it runs the same from TypeScript sources, tests and the build.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const webpush = require(require('node:module').createRequire(workerData.from).resolve('web-push'));
parentPort.on('message', ({ id, items }) => {
  const results = [];
  const transfer = [];
  for (const item of items) {
    try {
      const made = webpush.generateRequestDetails({ endpoint: item.endpoint, keys: item.keys }, item.payload, {
        headers: { Authorization: item.authorization },
        TTL: item.ttlSeconds,
        urgency: item.urgency,
        topic: item.topic,
        contentEncoding: 'aes128gcm',
      });
      const body = new Uint8Array(made.body).buffer;
      transfer.push(body);
      results.push({ headers: made.headers, body });
    } catch (error) {
      results.push({ error: String(error && error.message || error) });
    }
  }
  parentPort.postMessage({ id, results }, transfer);
});
`;

/**
 * A few worker threads, fed in batches: one more than the cores (two at
 * least, four at most), since each spends part of its time waiting for its
 * next batch; on this project's 2-core machines 3 threads beat 1 and 2
 * (`npm run bench -- fanout`).
 */
export function threadedPushEncryption(options: { threads?: number } = {}): PushEncryption {
  const count = options.threads ?? Math.min(4, Math.max(2, availableParallelism() + 1));
  const workers = Array.from({ length: count }, () => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { from: import.meta.url } });
    worker.unref();
    return worker;
  });
  type Waiting = { request: EncryptRequest; resolve: (r: EncryptedPush) => void; reject: (e: Error) => void };
  const inFlight = new Map<number, Waiting[]>();
  let nextId = 0;
  let turn = 0;
  const batch: Waiting[] = [];
  let scheduled = false;

  for (const worker of workers) {
    worker.on(
      'message',
      ({
        id,
        results,
      }: {
        id: number;
        results: { headers?: EncryptedPush['headers']; body?: ArrayBuffer; error?: string }[];
      }) => {
        const waiting = inFlight.get(id) ?? [];
        inFlight.delete(id);
        waiting.forEach((w, i) => {
          const result = results[i];
          if (!result || result.error || !result.headers || !result.body)
            w.reject(new Error(result?.error ?? 'encryption failed'));
          else
            w.resolve({
              endpoint: w.request.endpoint,
              headers: result.headers,
              body: Buffer.from(result.body),
            });
        });
      },
    );
    worker.on('error', (error) => {
      for (const waiting of inFlight.values()) for (const w of waiting) w.reject(error);
      inFlight.clear();
    });
  }

  const dispatch = () => {
    scheduled = false;
    while (batch.length > 0) {
      const items = batch.splice(0, 64);
      const id = nextId++;
      inFlight.set(id, items);
      const worker = workers[turn++ % workers.length];
      worker?.postMessage({ id, items: items.map((w) => w.request) });
    }
  };

  return {
    encrypt(request) {
      return new Promise((resolve, reject) => {
        batch.push({ request, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(dispatch);
        }
      });
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
