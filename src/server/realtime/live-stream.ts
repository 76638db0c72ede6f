import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gauge } from 'prom-client';
import type { RealtimeHub } from './hub.js';
import { watchSession } from './session-watch.js';

/** Whose stream it is, and how the access module answers whether it may go on. */
export interface StreamHolder {
  userId: string;
  /** Whether the session still allows this stream, with the rights it was opened with. */
  stillAllowed: () => Promise<boolean>;
}

/** One open Server-Sent Events stream (the route declares `sse: 'only'`). */
export interface LiveStream {
  /**
   * Sends one event, each id at most once (a replay and the live feed may
   * overlap); held while an announced access change is checked, dropped once
   * the stream has ended.
   */
  send(message: { id: number; event: string; data: unknown }): void;
  /** Tells the browser the stream is open and how soon to reconnect: after subscribing, before replaying. */
  ready(): Promise<void>;
  /** The `Last-Event-ID` a reconnecting browser sent, when it is a number. */
  readonly lastEventId: number | null;
  /** Runs `cleanup` when the stream ends: the browser left, the session ended, or the server stops. */
  onEnd(cleanup: () => void): void;
}

export interface LiveStreams {
  open(request: FastifyRequest, reply: FastifyReply, holder: StreamHolder): LiveStream;
}

const serialized = new WeakMap<object, string>();
/**
 * The SSE plugin's serializer: an event's data as JSON, made once however many streams it goes
 * to (a board feed hands the same object to every board of the coalition: a thousand boards were
 * a thousand JSON.stringify calls per event on this process's one thread). The data objects sent
 * are never changed after they are made.
 */
export function serializeOnce(data: unknown): string {
  if (typeof data !== 'object' || data === null) return JSON.stringify(data);
  let text = serialized.get(data);
  if (text === undefined) {
    text = JSON.stringify(data);
    serialized.set(data, text);
  }
  return text;
}

/** How long a browser waits before it reconnects a dropped stream. */
const RECONNECT_MS = 2000;

/**
 * The one way Faro serves a live stream (the board's, a responder's): kept
 * alive by heartbeats, tied to its session (it ends on sign-out, disabling, a
 * change of roles or expiry: see session-watch.ts), and ended when the server
 * shuts down, which long-lived streams would otherwise hold open.
 */
export function liveStreams(
  app: FastifyInstance,
  deps: {
    tap: RealtimeHub['tap'];
    /** How often each stream checks its session (≤ 30 s). */
    sessionRecheckMs: number;
    /** Streams open now, per route pattern (/metrics). */
    openStreams?: Gauge<'route'>;
  },
): LiveStreams {
  const open = new Set<() => void>();
  // Each stream's route shown from the start (at 0), not only once a first stream opened.
  app.addHook('onRoute', (route) => {
    if (route.sse) deps.openStreams?.set({ route: route.url }, 0);
  });
  app.addHook('preClose', async () => {
    for (const close of open) close();
  });

  return {
    open(request, reply, holder) {
      reply.sse.keepAlive();
      const close = () => reply.sse.close();
      const watch = watchSession({
        tap: deps.tap,
        userId: holder.userId,
        stillAllowed: holder.stillAllowed,
        intervalMs: deps.sessionRecheckMs,
        end: close,
        onError: (error) => request.log.warn({ err: error }, 'live stream session check failed'),
      });
      open.add(close);
      const counted = { route: request.routeOptions.url ?? 'unmatched' };
      deps.openStreams?.inc(counted);
      reply.sse.onClose(() => {
        watch.stop();
        if (open.delete(close)) deps.openStreams?.dec(counted);
      });
      const sent = new Set<number>();
      const fromHeader = Number(reply.sse.lastEventId ?? Number.NaN);
      return {
        send(message) {
          watch.deliver(() => {
            if (sent.has(message.id) || !reply.sse.isConnected) return;
            sent.add(message.id);
            reply.sse
              .send({ id: String(message.id), event: message.event, data: message.data })
              .catch((error: unknown) => request.log.debug({ err: error }, 'live event not delivered'));
          });
        },
        ready: () => reply.sse.send({ event: 'ready', data: {}, retry: RECONNECT_MS }),
        lastEventId: Number.isSafeInteger(fromHeader) ? fromHeader : null,
        onEnd: (cleanup) => reply.sse.onClose(cleanup),
      };
    },
  };
}
