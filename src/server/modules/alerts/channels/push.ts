import webpush from 'web-push';
import type { VapidKeys } from '../vapid.js';
import { type DeliveryOutcome, outcomeOfError, outcomeOfStatus } from './outcome.js';

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
}): PushChannel & { vapidSignatures: () => number } {
  const now = options.now ?? (() => Date.now());
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
    async send(target, message) {
      const request = webpush.generateRequestDetails(target, message.payload, {
        // No vapidDetails: the library would sign every message; the cached header is given instead.
        headers: { Authorization: authorizationFor(target.endpoint) },
        TTL: message.ttlSeconds,
        urgency: message.urgency,
        topic: message.topic,
        contentEncoding: 'aes128gcm',
      });
      try {
        const response = await fetch(request.endpoint, {
          method: 'POST',
          headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
          body: request.body,
          signal: AbortSignal.timeout(15_000),
        });
        await response.arrayBuffer().catch(() => undefined);
        return outcomeOfStatus(response.status);
      } catch (error) {
        return outcomeOfError(error);
      }
    },
  };
}
