import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionOf } from '../../http/auth.js';
import type { LiveStreams } from '../../realtime/live-stream.js';
import type { SessionService } from '../access/sessions.service.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { BoardFeed, LiveMessage } from './board-stream.js';

/** `GET /api/events`: the dispatch board's live stream, with replay from Last-Event-ID or `since`. */
export function registerBoardStream(
  app: FastifyInstance,
  deps: {
    board: BoardFeed;
    streams: LiveStreams;
    sessions: Pick<SessionService, 'stillGrants'>;
  },
): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/events',
    {
      sse: 'only',
      config: { access: 'live:subscribe' },
      schema: {
        tags: ['realtime'],
        summary: 'Live events for the dispatch board (Server-Sent Events)',
        description:
          'Streams `incident.updated` with the incident’s summary whenever an incident changes (a report grouped ' +
          'into it, a merge, split or move, a status, a note, a responder’s step). A browser that reconnects sends ' +
          '`Last-Event-ID` and gets what it missed; a new board passes `since` (the `lastEventId` of the incident ' +
          'list it just read) so nothing falls between the two.',
        querystring: z.object({ since: z.coerce.number().int().min(0).optional() }),
      },
    },
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      const session = sessionOf(request);
      const stream = deps.streams.open(request, reply, {
        userId: session.userId,
        stillAllowed: () => deps.sessions.stillGrants(session, 'live:subscribe'),
      });
      const send = (message: LiveMessage) =>
        stream.send({ id: message.id, event: message.event.type, data: message.event });
      // Subscribe before replaying so nothing falls between the two; buffer until replay is done.
      let buffer: LiveMessage[] | null = [];
      stream.onEnd(
        deps.board.subscribe(coalition.id, (message) => {
          if (buffer) buffer.push(message);
          else send(message);
        }),
      );
      await stream.ready();
      const lastId = stream.lastEventId ?? request.query.since ?? 0;
      if (lastId > 0) {
        for (const message of await deps.board.replay(coalition.id, lastId)) send(message);
      }
      const pending = buffer;
      buffer = null;
      for (const message of pending) send(message);
    },
  );
}
