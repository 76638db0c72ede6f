import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { outcomeOfError } from '../src/server/modules/alerts/channels/outcome.js';
import {
  type EncryptRequest,
  inlinePushEncryption,
  PUSH_PAYLOAD_MAX_BYTES,
  type PushEncryption,
  PushMessageError,
} from '../src/server/modules/alerts/channels/push-encryption.js';
import {
  EncryptionThreadLostError,
  threadedPushEncryption,
} from '../src/server/modules/alerts/channels/push-encryption-threads.js';
import { browserKeyPair } from './support/push-keys.js';

// http_ece is web-push's own dependency: an independent RFC 8188/8291 implementation to decrypt with.
const ece = createRequire(createRequire(import.meta.url).resolve('web-push'))('http_ece') as {
  decrypt(buffer: Buffer, params: { version: string; privateKey: unknown; authSecret: string }): Buffer;
};

const browser = browserKeyPair();
const request = (more: Partial<EncryptRequest> = {}): EncryptRequest => ({
  endpoint: 'https://push.example/send/abc',
  keys: browser.keys,
  payload: JSON.stringify({ title: 'Alerta — ñandú', body: 'x'.repeat(180) }),
  authorization: 'vapid t=header.payload.signature, k=BPublicKey',
  ttlSeconds: 3600,
  urgency: 'high',
  topic: 'a'.repeat(32),
  ...more,
});
const decrypt = (body: Buffer, pair = browser) =>
  ece.decrypt(body, { version: 'aes128gcm', privateKey: pair.ecdh, authSecret: pair.keys.auth }).toString();

const threaded = threadedPushEncryption({ threads: 2 });
afterAll(() => threaded.close());

describe.each([
  ['in this thread', inlinePushEncryption()],
  ['in worker threads', threaded],
] as [string, PushEncryption][])('push encryption %s', (_name, encryption) => {
  it('is decrypted by an independent implementation with the browser’s private key', async () => {
    const made = await encryption.encrypt(request());
    expect(decrypt(made.body)).toBe(request().payload);
    expect(made.endpoint).toBe(request().endpoint);
  });

  it('has web-push’s layout and headers', async () => {
    const ours = await encryption.encrypt(request());
    const theirs = webpush.generateRequestDetails(
      { endpoint: request().endpoint, keys: browser.keys },
      request().payload,
      {
        headers: { Authorization: request().authorization },
        TTL: 3600,
        urgency: 'high',
        topic: 'a'.repeat(32),
        contentEncoding: 'aes128gcm',
      },
    );
    const body = theirs.body as Buffer;
    expect(ours.body.length).toBe(body.length);
    // salt (16) | rs (4) | idlen (1) | keyid = the sender's public key (65)
    expect(ours.body.readUInt32BE(16)).toBe(body.readUInt32BE(16));
    expect(ours.body[20]).toBe(65);
    expect(ours.body[21]).toBe(4); // an uncompressed P-256 point
    expect(ours.headers).toEqual(theirs.headers);
    expect(Object.keys(ours.headers).sort()).toEqual(Object.keys(theirs.headers).sort());
  });

  it('uses a fresh key pair and salt for every message', async () => {
    const [a, b] = await Promise.all([encryption.encrypt(request()), encryption.encrypt(request())]);
    if (!a || !b) throw new Error('no result');
    expect(a.body.subarray(0, 16).equals(b.body.subarray(0, 16))).toBe(false);
    expect(a.body.subarray(21, 86).equals(b.body.subarray(21, 86))).toBe(false);
    expect(decrypt(a.body)).toBe(decrypt(b.body));
  });

  it('encrypts a batch of different browsers and payloads, each for its own keys', async () => {
    // Some auth secrets longer than 16 bytes, as web-push accepts: the batch's keys are packed by length.
    const pairs = Array.from({ length: 150 }, (_, i) => {
      const pair = browserKeyPair();
      if (i % 7 === 0) pair.keys.auth = randomBytes(16 + (i % 5)).toString('base64url');
      return pair;
    });
    const made = await Promise.all(
      pairs.map((pair, i) => encryption.encrypt(request({ keys: pair.keys, payload: `message ${i % 3}` }))),
    );
    made.forEach((push, i) => {
      expect(decrypt(push.body, pairs[i])).toBe(`message ${i % 3}`);
    });
  });

  it('refuses keys and options web-push refuses, with a clear error, and goes on with the rest', async () => {
    const short = Buffer.from(browser.keys.p256dh, 'base64url').subarray(0, 64).toString('base64url');
    const results = await Promise.allSettled([
      encryption.encrypt(request({ keys: { ...browser.keys, p256dh: short } })),
      encryption.encrypt(request({ keys: { ...browser.keys, auth: 'c2hvcnQ' } })),
      encryption.encrypt(request()),
      encryption.encrypt(request({ urgency: 'urgent' })),
      encryption.encrypt(request({ topic: 'not a topic!' })),
      encryption.encrypt(
        request({ keys: { ...browser.keys, p256dh: Buffer.alloc(65, 4).toString('base64url') } }),
      ),
    ]);
    const reasons = results.map((r) => (r.status === 'rejected' ? (r.reason as Error) : null));
    expect(reasons[0]).toBeInstanceOf(PushMessageError);
    expect(reasons[0]?.message).toMatch(/p256dh value should be 65 bytes/);
    expect(reasons[1]?.message).toMatch(/auth key should be at least 16 bytes/);
    expect(results[2]?.status).toBe('fulfilled');
    expect(reasons[3]?.message).toMatch(/urgency/);
    expect(reasons[4]?.message).toMatch(/topic/);
    expect(reasons[5]).toBeInstanceOf(PushMessageError);
    expect(reasons[5]?.message).toMatch(/not a P-256 public key/);
  });
});

describe('issue 19: push message size and encryption threads', () => {
  it.each([
    ['in this thread', () => inlinePushEncryption()],
    ['in worker threads', () => threaded],
  ] as [string, () => PushEncryption][])(
    'keeps the body within 4,096 bytes: the longest payload fits, a longer one is refused before encryption (%s)',
    async (_name, encryption) => {
      // 3,993 bytes of UTF-8 (ñ takes two): the largest a 4,096-byte body holds (RFC 8291).
      const longest = `${'ñ'.repeat(1000)}${'x'.repeat(PUSH_PAYLOAD_MAX_BYTES - 2000)}`;
      const made = await encryption().encrypt(request({ payload: longest }));
      expect(made.body.length).toBe(4096);
      expect(decrypt(made.body)).toBe(longest);
      const refused = await encryption()
        .encrypt(request({ payload: `${longest}x` }))
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(PushMessageError);
      expect((refused as Error).message).toMatch(/3994 bytes; a push message carries at most 3993/);
    },
  );

  it('fails the batch of a thread that stops as worth retrying, and starts another', async () => {
    const workers: Worker[] = [];
    const encryption = threadedPushEncryption({ threads: 1, onThread: (worker) => workers.push(worker) });
    try {
      const first = workers[0];
      if (!first) throw new Error('no thread started');
      const pending = Array.from({ length: 200 }, () => encryption.encrypt(request()));
      // Stops once it has taken a batch.
      await new Promise<void>((resolve) => first.once('message', () => resolve()));
      await first.terminate();
      const results = await Promise.allSettled(pending);
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
      expect(lost.length).toBeGreaterThan(0);
      for (const error of lost) {
        expect(error).toBeInstanceOf(EncryptionThreadLostError);
        // The push channel's rule for a failure that may pass.
        expect(outcomeOfError(error)).toEqual({ kind: 'retry', code: 'network_encryption_thread_lost' });
      }
      expect(workers.length).toBe(2);
      expect(decrypt((await encryption.encrypt(request())).body)).toBe(request().payload);
    } finally {
      await encryption.close();
    }
  });

  it('encrypts in this thread once threads keep stopping', async () => {
    const workers: Worker[] = [];
    const encryption = threadedPushEncryption({ threads: 1, onThread: (worker) => workers.push(worker) });
    try {
      // Each one that starts is stopped at once: after three restarts none is started again.
      for (let i = 0; i < 4; i++) {
        const worker = workers[i];
        if (!worker) throw new Error(`thread ${i} was not started`);
        await worker.terminate();
      }
      expect(workers.length).toBe(4);
      expect(decrypt((await encryption.encrypt(request())).body)).toBe(request().payload);
    } finally {
      await encryption.close();
    }
  });
});
