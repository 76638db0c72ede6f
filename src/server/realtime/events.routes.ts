import type { FastifyInstance } from 'fastify';
import type { CoalitionService } from '../modules/coalitions/coalitions.service.js';
import type { LiveMessage, RealtimeHub } from './hub.js';

/** `GET /api/events`: the live stream of the board, with replay from Last-Event-ID. */
export function registerEventRoutes(
  app: FastifyInstance,
  deps: { hub: RealtimeHub; coalitions: CoalitionService },
): void {
  const openStreams = new Set<() => void>();
  // Long-lived streams would hold a graceful shutdown open; end them first.
  app.addHook('preClose', async () => {
    for (const close of openStreams) close();
  });

  app.get(
    '/api/events',
    {
      sse: 'only',
      schema: {
        tags: ['realtime'],
        summary: 'Live events for the dispatch board (Server-Sent Events)',
        description:
          'Streams `report.created` events. Send `Last-Event-ID` to replay events missed while disconnected.',
      },
    },
    async (request, reply) => {
      const coalition = await deps.coalitions.current();
      reply.sse.keepAlive();
      const sent = new Set<number>();
      const send = (message: LiveMessage) => {
        if (sent.has(message.id) || !reply.sse.isConnected) return;
        sent.add(message.id);
        reply.sse
          .send({ id: String(message.id), event: message.event.type, data: message.event })
          .catch((error: unknown) => request.log.debug({ err: error }, 'live event not delivered'));
      };
      // Subscribe before replaying so nothing falls between the two; buffer until replay is done.
      let buffer: LiveMessage[] | null = [];
      const unsubscribe = deps.hub.subscribe(coalition.id, (message) => {
        if (buffer) buffer.push(message);
        else send(message);
      });
      const close = () => reply.sse.close();
      openStreams.add(close);
      reply.sse.onClose(() => {
        unsubscribe();
        openStreams.delete(close);
      });

      await reply.sse.send({ event: 'ready', data: {}, retry: 2000 });
      const lastId = Number(reply.sse.lastEventId);
      if (Number.isSafeInteger(lastId) && lastId > 0) {
        for (const message of await deps.hub.replay(coalition.id, lastId)) send(message);
      }
      const pending = buffer;
      buffer = null;
      for (const message of pending) send(message);
    },
  );
}
