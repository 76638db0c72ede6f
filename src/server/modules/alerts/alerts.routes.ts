import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  alertListSchema,
  alertPreviewSchema,
  alertViewSchema,
  approveInputSchema,
  deliveryReportSchema,
  draftInputSchema,
  publicAlertListSchema,
  publishingSettingsSchema,
  recipientCountsSchema,
  rejectInputSchema,
  rumorCheckInputSchema,
  templateInputSchema,
  templateSchema,
} from '../../../shared/alert.js';
import { incidentFactsSchema } from '../../../shared/incident.js';
import { sessionOf } from '../../http/auth.js';
import { errorSchema } from '../../http/errors.js';
import { sendRevalidated } from '../../http/revalidate.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { AlertService } from './alerts.service.js';
import type { PublicAlerts } from './public-alerts.js';
import type { Publishing } from './publishing.js';

const tags = ['alerts'];
const idParams = z.object({ id: z.uuid() });
const changed = {
  200: alertViewSchema,
  400: errorSchema,
  403: errorSchema,
  404: errorSchema,
  409: errorSchema,
  422: errorSchema,
};

/** Staff: compose, submit, approve or reject, cancel; admin: the guard's settings. */
export function registerAlertRoutes(
  app: FastifyInstance,
  deps: { alerts: AlertService; publishing: Publishing },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const base = '/api/manage/alerts';

  routes.get(
    base,
    {
      config: { access: 'alerts:read' },
      schema: {
        tags,
        summary: 'Alerts: drafts, waiting for approval, published',
        response: { 200: alertListSchema },
      },
    },
    async (request) => ({ alerts: await deps.alerts.list((await coalitionOf(request)).id) }),
  );

  routes.post(
    `${base}/template`,
    {
      config: { access: 'alerts:compose' },
      schema: {
        tags,
        summary: 'A template filled in every language, from an incident or zones',
        body: templateInputSchema,
        response: { 200: templateSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => deps.alerts.template((await coalitionOf(request)).id, request.body),
  );

  routes.post(
    base,
    {
      config: { access: 'alerts:compose' },
      schema: {
        tags,
        summary: 'Save a new draft',
        body: draftInputSchema,
        response: { ...changed, 201: alertViewSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await deps.alerts.createDraft(
            (await coalitionOf(request)).id,
            request.body,
            sessionOf(request).userId,
          ),
        ),
  );

  routes.post(
    `${base}/rumor-check`,
    {
      config: { access: 'alerts:compose' },
      schema: {
        tags,
        summary:
          'The rumor check of an incident found not confirmed: its template drafted and submitted for approval in one transaction, or nothing written',
        body: rumorCheckInputSchema,
        response: { ...changed, 201: alertViewSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await deps.alerts.rumorCheck(
            (await coalitionOf(request)).id,
            request.body.incidentId,
            sessionOf(request).userId,
          ),
        ),
  );

  routes.get(
    `${base}/:id`,
    {
      config: { access: 'alerts:read' },
      schema: {
        tags,
        summary: 'One alert with what the guard found and its delivery counts',
        params: idParams,
        response: { 200: alertViewSchema, 404: errorSchema },
      },
    },
    async (request) => deps.alerts.view((await coalitionOf(request)).id, request.params.id),
  );

  routes.get(
    `${base}/:id/preview`,
    {
      config: { access: 'alerts:read' },
      schema: {
        tags,
        summary:
          'What would leave, per language and channel (SMS with its segment count), and the CAP document',
        params: idParams,
        response: { 200: alertPreviewSchema, 404: errorSchema, 422: errorSchema },
      },
    },
    async (request) => deps.alerts.preview((await coalitionOf(request)).id, request.params.id),
  );

  routes.get(
    `${base}/:id/incident`,
    {
      config: { access: 'alerts:read' },
      schema: {
        tags,
        summary:
          'The verdict and public facts of the incident the alert is about (zone, coarse cell, counts, rounded times)',
        params: idParams,
        response: { 200: z.object({ incident: incidentFactsSchema.nullable() }), 404: errorSchema },
      },
    },
    async (request) => deps.alerts.incident((await coalitionOf(request)).id, request.params.id),
  );

  routes.get(
    `${base}/:id/recipients`,
    {
      // For the person who decides to send it: numbers only, never who.
      config: { access: 'alerts:approve' },
      schema: {
        tags,
        summary:
          'How many it would reach if sent now, per channel (push, SMS, e-mail) and language: counts only, no contact',
        params: idParams,
        response: { 200: recipientCountsSchema, 404: errorSchema },
      },
    },
    async (request) => deps.alerts.recipients((await coalitionOf(request)).id, request.params.id),
  );

  routes.get(
    `${base}/:id/deliveries`,
    {
      config: { access: 'alerts:read' },
      schema: {
        tags,
        summary: 'The delivery report: per channel, state and error code',
        params: idParams,
        response: { 200: deliveryReportSchema, 404: errorSchema },
      },
    },
    async (request) => deps.alerts.deliveryReport((await coalitionOf(request)).id, request.params.id),
  );

  routes.put(
    `${base}/:id`,
    {
      config: { access: 'alerts:compose' },
      schema: {
        tags,
        summary: 'Change a draft (or a rejected alert, which becomes a draft again)',
        params: idParams,
        body: draftInputSchema,
        response: changed,
      },
    },
    async (request) =>
      deps.alerts.editDraft(
        (await coalitionOf(request)).id,
        request.params.id,
        request.body,
        sessionOf(request).userId,
      ),
  );

  routes.post(
    `${base}/:id/submit`,
    {
      config: { access: 'alerts:compose' },
      schema: {
        tags,
        summary: 'Submit for approval (refused while the publishing guard finds anything)',
        params: idParams,
        response: changed,
      },
    },
    async (request) =>
      deps.alerts.submit((await coalitionOf(request)).id, request.params.id, sessionOf(request).userId),
  );

  routes.post(
    `${base}/:id/approve`,
    {
      config: { access: 'alerts:approve' },
      schema: {
        tags,
        summary:
          'Approve and publish exactly the content seen (its contentHash): another person than anyone who wrote, changed or submitted it',
        params: idParams,
        body: approveInputSchema,
        response: changed,
      },
    },
    async (request) =>
      deps.alerts.approve(
        (await coalitionOf(request)).id,
        request.params.id,
        request.body.contentHash,
        sessionOf(request).userId,
      ),
  );

  routes.post(
    `${base}/:id/reject`,
    {
      config: { access: 'alerts:approve' },
      schema: {
        tags,
        summary: 'Send back with a reason',
        params: idParams,
        body: rejectInputSchema,
        response: changed,
      },
    },
    async (request) =>
      deps.alerts.reject(
        (await coalitionOf(request)).id,
        request.params.id,
        request.body.reason,
        sessionOf(request).userId,
      ),
  );

  routes.post(
    `${base}/:id/cancel`,
    {
      config: { access: 'alerts:cancel' },
      schema: {
        tags,
        summary: 'Cancel: the prepared correction, in every language, to exactly the recipients of the alert',
        params: idParams,
        response: changed,
      },
    },
    async (request) =>
      deps.alerts.cancel((await coalitionOf(request)).id, request.params.id, sessionOf(request).userId),
  );

  routes.get(
    '/api/admin/publishing',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags,
        summary: 'The publishing guard’s allowed link hosts and blocked names',
        response: { 200: publishingSettingsSchema },
      },
    },
    async (request) => deps.publishing.settings((await coalitionOf(request)).id),
  );

  routes.put(
    '/api/admin/publishing',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags,
        summary: 'Change the publishing guard’s settings',
        body: publishingSettingsSchema,
        response: { 200: publishingSettingsSchema, 400: errorSchema },
      },
    },
    async (request) =>
      deps.publishing.update((await coalitionOf(request)).id, request.body, sessionOf(request).userId),
  );
}

/** Anyone: active actual alerts as JSON, CAP 1.2 and an Atom feed. */
export function registerPublicAlertRoutes(
  app: FastifyInstance,
  deps: {
    publicAlerts: PublicAlerts;
    publicUrl: string;
    readsPerMinute: number;
  },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  // Served as stored (rendered once, at publication), and limited per client address.
  const config = {
    access: 'public' as const,
    rateLimit: { max: deps.readsPerMinute, timeWindow: 60_000 },
  };
  // A cancel must show at once everywhere: nobody (browser or proxy) may serve an old list unchecked,
  // but a client that holds the current one gets 304 and no body.

  routes.get(
    '/api/alerts',
    {
      config,
      schema: {
        tags,
        summary: 'Alerts and rumor checks in force (actual alerts only), newest first',
        querystring: z.object({ zoneId: z.uuid().optional() }),
        response: { 200: publicAlertListSchema, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const list = {
        alerts: await deps.publicAlerts.active((await coalitionOf(request)).id, request.query.zoneId),
      };
      // Serialized as the route's schema says, then sent (or not) as text.
      const body = reply.serialize(list) as string;
      return sendRevalidated(request, reply, body, 'application/json; charset=utf-8');
    },
  );

  routes.get(
    '/api/alerts/feed.atom',
    {
      config,
      schema: { tags, summary: 'Atom feed of alerts in force, each carrying its CAP 1.2 document' },
    },
    async (request, reply) => {
      const feed = await deps.publicAlerts.feed(await coalitionOf(request), deps.publicUrl);
      return sendRevalidated(request, reply, feed, 'application/atom+xml; charset=utf-8');
    },
  );

  routes.get(
    '/api/alerts/:id/cap.xml',
    {
      config,
      schema: {
        tags,
        summary: 'The CAP 1.2 document of an alert',
        params: idParams,
      },
    },
    async (request, reply) =>
      sendRevalidated(
        request,
        reply,
        await deps.publicAlerts.cap((await coalitionOf(request)).id, request.params.id),
        'application/cap+xml; charset=utf-8',
      ),
  );
}
