import http from 'node:http';
import https from 'node:https';
import webpush from 'web-push';
import type { VapidKeys } from '../vapid.js';
import { type DeliveryOutcome, outcomeOfError, outcomeOfStatus } from './outcome.js';
import { inlinePushEncryption, type PushEncryption } from './push-encryption.js';

// Kept-alive connections to each push service: a fan-out sends thousands of requests to a handful of hosts.
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 128 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 128 }),
};

/**
 * One POST to a push service; resolves with the status. node:http rather than
 * fetch: at fan-out rates fetch's per-request cost was larger than the
 * encryption itself.
 */
function post(url: URL, headers: Record<string, string | number>, body: Buffer | null): Promise<number> {
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      url,
      { method: 'POST', headers, agent: secure ? agents.https : agents.http, timeout: 15_000 },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    request.on('error', reject);
    request.end(body ?? undefined);
  });
}

export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushMessage {
  payload: string;
  /** Seconds the push service keeps it for an offline device: an alert is useless after it expires. */
  ttlSeconds: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** RFC 8030 topic: a later message with the same topic replaces one not yet delivered. */
  topic: string;
}

export interface PushChannel {
  send(target: PushTarget, message: PushMessage): Promise<DeliveryOutcome>;
}

/** VAPID JWTs last 12 h here (RFC 8292 allows up to 24 h). */
const VAPID_LIFETIME_SECONDS = 12 * 3600;

/**
 * Web Push: the payload encrypted for each browser (RFC 8291, aes128gcm) and
 * signed for the push service with VAPID (RFC 8292). Signing costs twice
 * encrypting, so the VAPID header is made once per push-service origin and
 * reused until an hour before it expires.
 */
export function createPushChannel(options: {
  vapid: VapidKeys;
  subject: string;
  now?: () => number;
  /** Where payloads are encrypted (default: in this thread). */
  encryption?: PushEncryption;
}): PushChannel & { vapidSignatures: () => number; close: () => Promise<void> } {
  const now = options.now ?? (() => Date.now());
  const encryption = options.encryption ?? inlinePushEncryption();
  const headers = new Map<string, { authorization: string; renewAt: number }>();
  let signatures = 0;

  function authorizationFor(endpoint: string): string {
    const origin = new URL(endpoint).origin;
    const cached = headers.get(origin);
    if (cached && cached.renewAt > now()) return cached.authorization;
    const expiration = Math.floor(now() / 1000) + VAPID_LIFETIME_SECONDS;
    const { Authorization } = webpush.getVapidHeaders(
      origin,
      options.subject,
      options.vapid.publicKey,
      options.vapid.privateKey,
      'aes128gcm',
      expiration,
    );
    signatures += 1;
    headers.set(origin, { authorization: Authorization, renewAt: (expiration - 3600) * 1000 });
    return Authorization;
  }

  return {
    vapidSignatures: () => signatures,
    close: () => encryption.close(),
    async send(target, message) {
      const request = await encryption.encrypt({
        endpoint: target.endpoint,
        keys: target.keys,
        payload: message.payload,
        authorization: authorizationFor(target.endpoint),
        ttlSeconds: message.ttlSeconds,
        urgency: message.urgency,
        topic: message.topic,
      });
      try {
        return outcomeOfStatus(await post(new URL(request.endpoint), request.headers, request.body));
      } catch (error) {
        return outcomeOfError(error);
      }
    },
  };
}
