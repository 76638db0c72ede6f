import webpush from 'web-push';
import { isRefused, type Outbound, OutboundRefusedError } from '../../../outbound/outbound.js';
import type { VapidKeys } from '../vapid.js';
import { type DeliveryOutcome, outcomeOfError, outcomeOfStatus } from './outcome.js';
import { inlinePushEncryption, type PushEncryption, PushMessageError } from './push-encryption.js';

/** A push service answers with a status and a short body (an error description at most). */
const ANSWER_LIMIT = 64 * 1024;

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
  /**
   * When the message may leave no later, on this process's monotonic clock (`performance.now()`:
   * a wall clock stepped back, by NTP or by hand, must not give a sender that lost its row more
   * time): its delivery row may be another sender's after that. The request's deadline is cut to
   * it, and past it nothing is sent (`lost`).
   */
  leaveBy?: number;
}

export interface PushChannel {
  send(target: PushTarget, message: PushMessage): Promise<DeliveryOutcome>;
  /** How long one push may take, its answer included (its time-out). */
  readonly timeoutMs: number;
  /**
   * Refuses (OutboundRefusedError) an endpoint that is not https on a known
   * push service, or whose host resolves to a private address: checked when
   * a browser subscribes, and again by every send.
   */
  checkEndpoint(endpoint: string): Promise<void>;
  /** The push service an endpoint belongs to (its origin): deliveries are paced per origin. */
  originOf(endpoint: string): string;
}

export interface PushSettings {
  /** Push-service hosts endpoints may point at (`*.name` for any name under it). */
  hosts: readonly string[];
  /** For one request to a push service, answer included. */
  timeoutMs: number;
}

/** VAPID JWTs last 12 h here (RFC 8292 allows up to 24 h). */
const VAPID_LIFETIME_SECONDS = 12 * 3600;

/**
 * Web Push: the payload encrypted for each browser (RFC 8291, aes128gcm) and
 * signed for the push service with VAPID (RFC 8292), posted through the
 * outbound module (https to known push services only, public addresses only,
 * a short deadline). Signing costs twice encrypting, so the VAPID header is
 * made once per push-service origin and reused until an hour before it expires.
 */
export function createPushChannel(options: {
  vapid: VapidKeys;
  subject: string;
  outbound: Outbound;
  settings: PushSettings;
  now?: () => number;
  /** Where payloads are encrypted (default: in this thread). */
  encryption?: PushEncryption;
}): PushChannel & { vapidSignatures: () => number; close: () => Promise<void> } {
  const now = options.now ?? (() => Date.now());
  const encryption = options.encryption ?? inlinePushEncryption();
  const { outbound, settings } = options;
  const headers = new Map<string, { authorization: string; renewAt: number }>();
  let signatures = 0;

  function authorizationFor(origin: string): string {
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
    timeoutMs: settings.timeoutMs,
    vapidSignatures: () => signatures,
    close: () => encryption.close(),
    originOf(endpoint) {
      try {
        return new URL(endpoint).origin;
      } catch {
        return 'invalid';
      }
    },
    async checkEndpoint(endpoint) {
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        throw new OutboundRefusedError('scheme', 'not an address');
      }
      await outbound.check(url, settings.hosts);
    },
    async send(target, message) {
      try {
        // Parsed once per send: for the VAPID audience and for the request itself.
        const url = new URL(target.endpoint);
        const request = await encryption.encrypt({
          endpoint: target.endpoint,
          keys: target.keys,
          payload: message.payload,
          authorization: authorizationFor(url.origin),
          ttlSeconds: message.ttlSeconds,
          urgency: message.urgency,
          topic: message.topic,
        });
        // Encrypted (the threads may have been busy): the time left is counted now.
        const timeoutMs =
          message.leaveBy === undefined
            ? settings.timeoutMs
            : Math.min(settings.timeoutMs, message.leaveBy - performance.now());
        if (timeoutMs <= 0) return { kind: 'lost' };
        const answer = await outbound.request(url, {
          method: 'POST',
          headers: request.headers,
          body: request.body,
          hosts: settings.hosts,
          timeoutMs,
          maxBytes: ANSWER_LIMIT,
        });
        return outcomeOfStatus(answer.status);
      } catch (error) {
        // An endpoint Faro must not call stays uncalled, this time and every time.
        if (isRefused(error)) return { kind: 'failed', code: `push_refused_${error.reason}` };
        // Keys no browser would send, or a message no push service takes: no retry can help.
        if (error instanceof PushMessageError) return { kind: 'failed', code: 'push_invalid' };
        return outcomeOfError(error);
      }
    },
  };
}
