import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * RFC 8291 encryption of Web Push payloads (aes128gcm, RFC 8188), with
 * node:crypto directly and off the main thread. Encrypting (a fresh ECDH key
 * pair and an ECDH derivation per message) is most of a push's cost; on the
 * event loop it would leave no time for the HTTP requests and the database.
 * Requests are batched per tick to worker threads; a batch's keys go as one
 * transferred buffer and its bodies come back as another.
 *
 * The headers are made here, on the calling thread, as web-push makes them
 * (TTL, Content-Length, Content-Type, Content-Encoding, Authorization,
 * Urgency, Topic): only the body needs the subscription's keys.
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

/**
 * The longest payload (UTF-8 bytes) one push can carry: RFC 8291 §4 keeps a
 * push message's body within 4,096 bytes (what push services accept), and
 * the body is the 86-byte header, the payload, the 1-byte delimiter and the
 * 16-byte tag: 4096 − 86 − 1 − 16 = 3,993.
 */
export const PUSH_PAYLOAD_MAX_BYTES = 3993;

/** Subscription keys or message options that can never be encrypted or sent: retrying cannot help. */
export class PushMessageError extends Error {
  readonly code = 'PUSH_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'PushMessageError';
  }
}

/**
 * The aes128gcm encryption itself, as CommonJS source: the worker threads
 * evaluate it (so it runs the same from TypeScript sources, tests and the
 * build), and this thread evaluates the same text for the inline variant.
 * `encryptAes128gcm(uaPublic, authSecret, plaintext)` returns the body:
 * header (salt || rs || idlen || as_public) then one record.
 */
const AES128GCM_SOURCE = `
const crypto = require('node:crypto');
const KEY_INFO = Buffer.from('WebPush: info\\0');
const CEK_INFO = Buffer.from('Content-Encoding: aes128gcm\\0\\x01');
const NONCE_INFO = Buffer.from('Content-Encoding: nonce\\0\\x01');
const ONE = Buffer.from([1]);
const RECORD_SIZE = 4096;
const HEADER_SIZE = 16 + 4 + 1 + 65;
const TAG_SIZE = 16;
const ecdh = crypto.createECDH('prime256v1');
const hmac = (key, ...data) => {
  const mac = crypto.createHmac('sha256', key);
  for (const part of data) mac.update(part);
  return mac.digest();
};
function keyError(message) {
  const error = new Error(message);
  error.name = 'PushMessageError';
  return error;
}
function encryptAes128gcm(uaPublic, authSecret, plaintext) {
  if (uaPublic.length !== 65) throw keyError('The subscription p256dh value should be 65 bytes long.');
  if (authSecret.length < 16) throw keyError('The subscription auth key should be at least 16 bytes long.');
  // One record, ending with the last-record delimiter 0x02 and no padding; the whole body within one record size.
  if (HEADER_SIZE + plaintext.length + 1 + TAG_SIZE > RECORD_SIZE)
    throw keyError('The payload is too long for a ' + RECORD_SIZE + '-byte push message.');
  // A fresh key pair and salt for every message (RFC 8291 §2: an ephemeral key is never reused).
  // generateKeys() replaces the object's key pair with a new one: the object is kept, as making one
  // was a tenth of a thread's encrypting (CPU profile of a 100k fan-out).
  const asPublic = ecdh.generateKeys();
  let ecdhSecret;
  try {
    ecdhSecret = ecdh.computeSecret(uaPublic);
  } catch {
    throw keyError('The subscription p256dh value is not a P-256 public key.');
  }
  const salt = crypto.randomBytes(16);
  // RFC 8291 §3.3–3.4: IKM from the auth secret and the ECDH secret, bound to both public keys.
  const prkKey = hmac(authSecret, ecdhSecret);
  const ikm = hmac(prkKey, KEY_INFO, uaPublic, asPublic, ONE);
  // RFC 8188 §2.2–2.3: content-encryption key and nonce from the salt.
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, CEK_INFO).subarray(0, 16);
  const nonce = hmac(prk, NONCE_INFO).subarray(0, 12);
  const body = Buffer.allocUnsafe(HEADER_SIZE + plaintext.length + 1 + TAG_SIZE);
  salt.copy(body, 0);
  body.writeUInt32BE(RECORD_SIZE, 16);
  body.writeUInt8(65, 20);
  asPublic.copy(body, 21);
  const cipher = crypto.createCipheriv('aes-128-gcm', cek, nonce);
  let at = HEADER_SIZE;
  at += cipher.update(plaintext).copy(body, at);
  at += cipher.update(Buffer.from([2])).copy(body, at);
  at += cipher.final().copy(body, at);
  cipher.getAuthTag().copy(body, at);
  return body;
}
`;

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

type Encrypt = (uaPublic: Buffer, authSecret: Buffer, plaintext: Buffer) => Buffer;

let inlineEncrypt: Encrypt | null = null;
/** The same source as the workers', evaluated once in this thread. */
function encryptInThisThread(): Encrypt {
  inlineEncrypt ??= new Function('require', `${AES128GCM_SOURCE}\nreturn encryptAes128gcm;`)(
    createRequire(import.meta.url),
  ) as Encrypt;
  return inlineEncrypt;
}

const URGENCIES = new Set(['very-low', 'low', 'normal', 'high']);
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

/** The request's headers, as web-push's generateRequestDetails makes them. */
function headersFor(request: EncryptRequest, bodyLength: number): Record<string, string | number> {
  return {
    TTL: request.ttlSeconds,
    Authorization: request.authorization,
    'Content-Length': bodyLength,
    'Content-Type': 'application/octet-stream',
    'Content-Encoding': 'aes128gcm',
    Urgency: request.urgency,
    ...(request.topic ? { Topic: request.topic } : {}),
  };
}

interface Keys {
  uaPublic: Buffer;
  authSecret: Buffer;
}

/** The subscription's keys, decoded; throws for what web-push refuses, before any work is queued. */
function checkRequest(request: EncryptRequest): Keys {
  if (!request.endpoint) throw new PushMessageError('The subscription has no endpoint.');
  if (!request.keys?.p256dh || !request.keys.auth)
    throw new PushMessageError("The subscription must have 'auth' and 'p256dh' keys.");
  if (!Number.isFinite(request.ttlSeconds) || request.ttlSeconds < 0)
    throw new PushMessageError('TTL should be a number and should be at least 0.');
  if (!URGENCIES.has(request.urgency)) throw new PushMessageError('Unsupported urgency specified.');
  if (request.topic && !TOPIC.test(request.topic))
    throw new PushMessageError('The topic must be 1 to 32 URL-safe Base64 characters.');
  const bytes = Buffer.byteLength(request.payload);
  if (bytes > PUSH_PAYLOAD_MAX_BYTES)
    throw new PushMessageError(
      `The payload is ${bytes} bytes; a push message carries at most ${PUSH_PAYLOAD_MAX_BYTES} (RFC 8291: a 4,096-byte body).`,
    );
  const uaPublic = Buffer.from(request.keys.p256dh, 'base64url');
  if (uaPublic.length !== 65)
    throw new PushMessageError('The subscription p256dh value should be 65 bytes long.');
  const authSecret = Buffer.from(request.keys.auth, 'base64url');
  if (authSecret.length < 16)
    throw new PushMessageError('The subscription auth key should be at least 16 bytes long.');
  if (authSecret.length > 0xffff) throw new PushMessageError('The subscription auth key is too long.');
  return { uaPublic, authSecret };
}

const errorFrom = (error: { name: string; message: string }) =>
  error.name === 'PushMessageError' ? new PushMessageError(error.message) : new Error(error.message);

/** In the calling thread: for a single message (a confirmation) or where threads are not wanted. */
export function inlinePushEncryption(): PushEncryption {
  const encrypt = encryptInThisThread();
  return {
    async encrypt(request) {
      const { uaPublic, authSecret } = checkRequest(request);
      let body: Buffer;
      try {
        body = encrypt(uaPublic, authSecret, Buffer.from(request.payload));
      } catch (error) {
        throw errorFrom(error as Error);
      }
      return { endpoint: request.endpoint, headers: headersFor(request, body.length), body };
    },
    async close() {},
  };
}

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
