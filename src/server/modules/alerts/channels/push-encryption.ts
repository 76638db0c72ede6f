import { createRequire } from 'node:module';

/**
 * RFC 8291 encryption of Web Push payloads (aes128gcm, RFC 8188), with
 * node:crypto directly and off the main thread. Encrypting (a fresh ECDH key
 * pair and an ECDH derivation per message) is most of a push's cost; on the
 * event loop it would leave no time for the HTTP requests and the database:
 * the worker threads that do it are in push-encryption-threads.ts.
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
export const AES128GCM_SOURCE = `
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
export function headersFor(request: EncryptRequest, bodyLength: number): Record<string, string | number> {
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

export interface Keys {
  uaPublic: Buffer;
  authSecret: Buffer;
}

/** The subscription's keys, decoded; throws for what web-push refuses, before any work is queued. */
export function checkRequest(request: EncryptRequest): Keys {
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

export const errorFrom = (error: { name: string; message: string }) =>
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
