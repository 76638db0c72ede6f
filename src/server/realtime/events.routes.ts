import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../http/auth.js';
import type { SessionService } from '../modules/access/sessions.service.js';
import type { CoalitionService } from '../modules/coalitions/coalitions.service.js';
import { visibleLiveEvent } from '../modules/reports/reports.policy.js';
import type { LiveMessage, RealtimeHub } from './hub.js';
import { watchSession } from './session-watch.js';

/** `GET /api/events`: the live stream of the board, with replay from Last-Event-ID. */
export function registerEventRoutes(
  app: FastifyInstance,
  deps: {
    hub: RealtimeHub;
    coalitions: CoalitionService;
    sessions: Pick<SessionService, 'check'>;
    /** How often each stream checks its session (≤ 30 s). */
    sessionRecheckMs: number;
  },
): void {
  const openStreams = new Set<() => void>();
  // Long-lived streams would hold a graceful shutdown open; end them first.
  app.addHook('preClose', async () => {
    for (const close of openStreams) close();
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/events',
    {
      sse: 'only',
      config: { access: 'live:subscribe' },
      schema: {
        tags: ['realtime'],
        summary: 'Live events for the dispatch board (Server-Sent Events)',
        description:
          'Streams `report.created` events. A browser that reconnects sends `Last-Event-ID` and gets what it missed; ' +
          'a new board passes `since` (the `lastEventId` of the list it just read) so nothing falls between the two.',
        querystring: z.object({ since: z.coerce.number().int().min(0).optional() }),
      },
    },
    async (request, reply) => {
      const coalition = await deps.coalitions.current();
      const session = sessionOf(request);
      const { permissions } = session;
      reply.sse.keepAlive();
      const close = () => reply.sse.close();
      // The stream lives only as long as the session allows it (sign-out, disable, roles, expiry).
      const watch = watchSession({
        sessions: deps.sessions,
        tap: (listener) => deps.hub.tap(listener),
        session,
        permission: 'live:subscribe',
        intervalMs: deps.sessionRecheckMs,
        end: close,
        onError: (error) => request.log.warn({ err: error }, 'live stream session check failed'),
      });
      const sent = new Set<number>();
      const send = (message: LiveMessage) =>
        watch.deliver(() => {
          if (sent.has(message.id) || !reply.sse.isConnected) return;
          sent.add(message.id);
          reply.sse
            .send({
              id: String(message.id),
              event: message.event.type,
              data: visibleLiveEvent(message.event, permissions),
            })
            .catch((error: unknown) => request.log.debug({ err: error }, 'live event not delivered'));
        });
      // Subscribe before replaying so nothing falls between the two; buffer until replay is done.
      let buffer: LiveMessage[] | null = [];
      const unsubscribe = deps.hub.subscribe(coalition.id, (message) => {
        if (buffer) buffer.push(message);
        else send(message);
      });
      openStreams.add(close);
      reply.sse.onClose(() => {
        unsubscribe();
        watch.stop();
        openStreams.delete(close);
      });

      await reply.sse.send({ event: 'ready', data: {}, retry: 2000 });
      const fromHeader = Number(reply.sse.lastEventId ?? Number.NaN);
      const lastId = Number.isSafeInteger(fromHeader) ? fromHeader : (request.query.since ?? 0);
      if (lastId > 0) {
        for (const message of await deps.hub.replay(coalition.id, lastId)) send(message);
      }
      const pending = buffer;
      buffer = null;
      for (const message of pending) send(message);
    },
  );
}
