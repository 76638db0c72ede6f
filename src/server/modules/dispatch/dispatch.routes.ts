import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  assignmentListSchema,
  assignmentSchema,
  checkInInputSchema,
  locationInputSchema,
  offerInputSchema,
  pairOfferInputSchema,
  profileSchema,
  responderStateSchema,
  respondInputSchema,
  startShiftInputSchema,
  suggestionListSchema,
} from '../../../shared/dispatch.js';
import { languageSchema } from '../../../shared/report.js';
import { pushSubscriptionSchema } from '../../../shared/subscription.js';
import { sessionOf } from '../../http/auth.js';
import { errorSchema } from '../../http/errors.js';
import type { RealtimeHub } from '../../realtime/hub.js';
import type { LiveStreams } from '../../realtime/live-stream.js';
import type { SessionService } from '../access/sessions.service.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import {
  type IncidentChannel,
  messageInputSchema,
  messageListSchema,
  VOICE_MAX_BYTES,
  VOICE_TYPES,
} from './channel.js';
import type { DispatchService } from './dispatch.service.js';
import type { StaffPush } from './notify.js';

const tags = ['dispatch'];
const idParams = z.object({ id: z.uuid() });
const errors = { 400: errorSchema, 404: errorSchema, 409: errorSchema };

/** Responders (their own shift, location and assignments) and dispatchers (suggestions, offers). */
export function registerDispatchRoutes(
  app: FastifyInstance,
  deps: { dispatch: DispatchService; staffPush: StaffPush; channel: IncidentChannel },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const self = { config: { access: 'responders:self' as const } };
  const state = { 200: responderStateSchema, ...errors };
  const me = (request: Parameters<typeof sessionOf>[0]) => sessionOf(request).userId;

  routes.get(
    '/api/responder',
    {
      ...self,
      schema: { tags, summary: 'My profile, shift and assignments', response: { 200: responderStateSchema } },
    },
    async (request) => deps.dispatch.state((await coalitionOf(request)).id, me(request)),
  );
  routes.put(
    '/api/responder/profile',
    {
      ...self,
      schema: {
        tags,
        summary: 'My languages, skills and home zones',
        body: profileSchema,
        response: { 200: profileSchema, 400: errorSchema },
      },
    },
    async (request) => deps.dispatch.setProfile((await coalitionOf(request)).id, me(request), request.body),
  );
  routes.post(
    '/api/responder/shift',
    {
      ...self,
      schema: {
        tags,
        summary: 'Go on shift until a planned end',
        body: startShiftInputSchema,
        response: state,
      },
    },
    async (request) =>
      deps.dispatch.startShift((await coalitionOf(request)).id, me(request), request.body.hours),
  );
  routes.post(
    '/api/responder/shift/end',
    { ...self, schema: { tags, summary: 'Go off shift: the shared location is erased', response: state } },
    async (request) => deps.dispatch.endShift((await coalitionOf(request)).id, me(request)),
  );
  routes.put(
    '/api/responder/location',
    {
      ...self,
      schema: {
        tags,
        summary: 'Share where I am, as one coarse cell (about 1 km), overwritten each time; only on shift',
        body: locationInputSchema,
        response: state,
      },
    },
    async (request) =>
      deps.dispatch.shareLocation(
        (await coalitionOf(request)).id,
        me(request),
        request.body.lat,
        request.body.lng,
      ),
  );
  routes.delete(
    '/api/responder/location',
    { ...self, schema: { tags, summary: 'Stop sharing my location (it is erased)', response: state } },
    async (request) => deps.dispatch.stopSharing((await coalitionOf(request)).id, me(request)),
  );
  routes.post(
    '/api/responder/assignments/:id',
    {
      ...self,
      schema: {
        tags,
        summary: 'Answer an offer, or report where I am with it: en route, on scene, reported',
        params: idParams,
        body: respondInputSchema,
        response: { 200: assignmentSchema, ...errors },
      },
    },
    async (request) =>
      deps.dispatch.respond(
        (await coalitionOf(request)).id,
        request.params.id,
        me(request),
        request.body.action,
        request.body.report,
      ),
  );
  routes.post(
    '/api/responder/assignments/:id/check-in',
    {
      ...self,
      schema: {
        tags,
        summary: "On scene: I'm safe (resets the timer) or I need help (the dispatcher is alerted at once)",
        params: idParams,
        body: checkInInputSchema,
        response: { 200: assignmentSchema, ...errors },
      },
    },
    async (request) =>
      deps.dispatch.checkIn(
        (await coalitionOf(request)).id,
        request.params.id,
        me(request),
        request.body.status,
      ),
  );

  routes.post(
    '/api/account/push',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Get offers and safety alerts as notifications on this device',
        // The app's language on this device: the notifications it gets are written in it.
        body: z.object({ subscription: pushSubscriptionSchema, language: languageSchema.optional() }),
        response: { 204: z.null(), 400: errorSchema },
      },
    },
    async (request, reply) => {
      await deps.staffPush.register(me(request), request.body.subscription, request.body.language);
      return reply.status(204).send(null);
    },
  );

  routes.get(
    '/api/incidents/:id/messages',
    {
      // Dispatchers, and responders while assigned to this incident: decided by the channel itself.
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'The incident channel: messages between dispatchers and the team sent',
        params: idParams,
        response: { 200: messageListSchema, 404: errorSchema },
      },
    },
    async (request) =>
      deps.channel.list((await coalitionOf(request)).id, request.params.id, sessionOf(request)),
  );
  routes.post(
    '/api/incidents/:id/messages',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Write in the incident channel (no names, no plates)',
        params: idParams,
        body: messageInputSchema,
        response: { 200: messageListSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) =>
      deps.channel.post(
        (await coalitionOf(request)).id,
        request.params.id,
        sessionOf(request),
        request.body.text,
      ),
  );

  // Voice notes come as the recording itself: only this route parses audio bodies.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      [...VOICE_TYPES],
      { parseAs: 'buffer', bodyLimit: VOICE_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/incidents/:id/messages/voice',
      {
        bodyLimit: VOICE_MAX_BYTES,
        config: { access: 'signed-in' },
        schema: {
          tags,
          summary: 'A short voice note in the incident channel (the recording as the body, at most 1 MiB)',
          params: idParams,
          response: { 200: messageListSchema, 404: errorSchema, 413: errorSchema, 415: errorSchema },
        },
      },
      async (request) =>
        deps.channel.postVoice(
          (await coalitionOf(request)).id,
          request.params.id,
          sessionOf(request),
          request.body as Buffer,
          (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '',
        ),
    );
  });
  routes.get(
    '/api/incidents/:id/messages/:messageId/audio',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'The audio of a voice note in the incident channel',
        params: z.object({ id: z.uuid(), messageId: z.coerce.number().int().min(1) }),
      },
    },
    async (request, reply) => {
      const { data, type } = await deps.channel.audio(
        (await coalitionOf(request)).id,
        request.params.id,
        sessionOf(request),
        request.params.messageId,
      );
      return reply.header('cache-control', 'private, no-store').type(type).send(Buffer.from(data));
    },
  );

  routes.get(
    '/api/incidents/:id/suggestions',
    {
      config: { access: 'responders:read' },
      schema: {
        tags,
        summary: 'Responders on shift ranked for this incident (distance, language, skills, load), and pairs',
        params: idParams,
        response: { 200: suggestionListSchema, 404: errorSchema },
      },
    },
    async (request) => deps.dispatch.suggestions((await coalitionOf(request)).id, request.params.id),
  );
  routes.get(
    '/api/incidents/:id/assignments',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'Who was offered this incident, and where each stands',
        params: idParams,
        response: { 200: assignmentListSchema },
      },
    },
    async (request) => ({ assignments: await deps.dispatch.assignments(request.params.id) }),
  );
  routes.post(
    '/api/incidents/:id/assignments',
    {
      config: { access: 'assignments:manage' },
      schema: {
        tags,
        summary: 'Offer this incident to a responder on shift (expires unanswered, then goes to the next)',
        params: idParams,
        body: offerInputSchema,
        response: { 201: assignmentSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await deps.dispatch.offer(
            (await coalitionOf(request)).id,
            request.params.id,
            request.body.responderId,
            me(request),
          ),
        ),
  );
  routes.post(
    '/api/assignments/:id/reached-safe',
    {
      config: { access: 'assignments:manage' },
      schema: {
        tags,
        summary:
          'A dispatcher reached a responder who missed a check-in (by phone, say) and they are safe: the flag clears, no escalation follows',
        params: idParams,
        response: { 200: assignmentSchema, ...errors },
      },
    },
    async (request) => deps.dispatch.reachedSafe((await coalitionOf(request)).id, request.params.id),
  );
  routes.post(
    '/api/incidents/:id/pairs',
    {
      config: { access: 'assignments:manage' },
      schema: {
        tags,
        summary:
          'Offer this incident to two responders to work as a pair (a place left open goes to the next legal observer)',
        params: idParams,
        body: pairOfferInputSchema,
        response: { 201: assignmentListSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send({
        assignments: await deps.dispatch.offerPair(
          (await coalitionOf(request)).id,
          request.params.id,
          request.body.responderIds,
          me(request),
        ),
      }),
  );
}

/**
 * `GET /api/responder/events`: a responder's own live stream. Only events
 * whose subject is this responder pass; the app then reads its state again,
 * so nothing else's data ever travels on it.
 */
export function registerResponderEvents(
  app: FastifyInstance,
  deps: {
    hub: Pick<RealtimeHub, 'tap'>;
    streams: LiveStreams;
    sessions: Pick<SessionService, 'stillGrants'>;
  },
): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/responder/events',
    {
      sse: 'only',
      config: { access: 'responders:self' },
      schema: {
        tags,
        summary: 'My live events (an offer, a change to one of my assignments), as Server-Sent Events',
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const { userId } = session;
      const stream = deps.streams.open(request, reply, {
        userId,
        stillAllowed: () => deps.sessions.stillGrants(session, 'responders:self'),
      });
      stream.onEnd(
        deps.hub.tap((event) => {
          if (event.type === 'responder.updated' && event.subjectId === userId)
            stream.send({ id: event.id, event: 'changed', data: {} });
        }),
      );
      await stream.ready();
    },
  );
}
