import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ALERT_LANGUAGES, type AlertLanguage } from '../../../shared/alert.js';
import {
  SUBSCRIPTION_CHANNELS,
  subscribeInputSchema,
  subscriptionViewSchema,
  tokenInputSchema,
  unsubscribeInputSchema,
} from '../../../shared/subscription.js';
import { sessionOf } from '../../http/auth.js';
import { clientKeyOf } from '../../http/client-address.js';
import { errorSchema } from '../../http/errors.js';
import { PROOF_OF_WORK_HEADER, type ProofOfWork, requireProofOfWork } from '../../http/proof-of-work.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { SubscriptionService } from './subscriptions.service.js';

const tags = ['alerts'];

/** What `GET /api/subscriptions/channels` answers (and the /subscribe page starts with). */
export const channelOffer = (
  subscriptions: SubscriptionService,
  pushKey: string | null,
  languages: readonly AlertLanguage[],
) => ({
  channels: subscriptions.channels(),
  pushKey,
  maxZones: subscriptions.maxZones(),
  /** The languages alerts come in here: English, Spanish and those whose alert templates are reviewed. */
  languages: [...languages],
});

/** Public subscriptions: ask (double opt-in), confirm, see, delete — each by a link's token, no account. */
export function registerSubscriptionRoutes(
  app: FastifyInstance,
  deps: {
    subscriptions: SubscriptionService;
    /** The VAPID public key browsers subscribe with; null when Web Push is off. */
    pushKey: string | null;
    publicUrl: string;
    rateLimits: { lookupsPerMinute: number };
    /** The same proof of work as the public report form (null when switched off). */
    proofOfWork: ProofOfWork | null;
    /** English, Spanish and the languages whose alert templates the coalition reviewed. */
    alertLanguages: (coalitionId: string) => Promise<AlertLanguage[]>;
  },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const limited = { max: deps.rateLimits.lookupsPerMinute, timeWindow: 60_000 };
  const service = () => deps.subscriptions;
  const offered = async (request: FastifyRequest) =>
    channelOffer(service(), deps.pushKey, await deps.alertLanguages((await coalitionOf(request)).id));

  routes.get(
    '/api/subscriptions/channels',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The channels alerts can be had on here, and the key browsers subscribe to Web Push with',
        response: {
          200: z.object({
            channels: z.array(z.enum(SUBSCRIPTION_CHANNELS)),
            pushKey: z.string().nullable(),
            maxZones: z.number().int(),
            languages: z.array(z.enum(ALERT_LANGUAGES)),
          }),
        },
      },
    },
    async (request) => offered(request),
  );

  routes.post(
    '/api/subscriptions/unsubscribe',
    {
      config: { access: 'public', rateLimit: limited },
      schema: {
        tags,
        summary: 'Stop alerts in one step, from the link every alert carries',
        body: unsubscribeInputSchema,
        response: { 204: z.null(), 404: errorSchema },
      },
    },
    async (request, reply) => {
      await service().unsubscribe(request.body.id, request.body.token);
      return reply.status(204).send(null);
    },
  );

  routes.post(
    '/api/manage/test-subscriptions',
    {
      config: { access: 'alerts:read' },
      schema: {
        tags,
        summary:
          'A staff test subscription: the only kind test and exercise alerts reach (double opt-in too)',
        body: subscribeInputSchema,
        response: {
          202: z.object({ status: z.literal('confirmation_sent') }),
          400: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request, reply) => {
      sessionOf(request);
      await service().subscribe((await coalitionOf(request)).id, request.body, deps.publicUrl, {
        audience: 'staff',
      });
      return reply.status(202).send({ status: 'confirmation_sent' as const });
    },
  );

  routes.post(
    '/api/subscriptions',
    {
      config: { access: 'public', rateLimit: limited },
      schema: {
        tags,
        summary: 'Ask for alerts about some zones; a confirmation is sent first (double opt-in)',
        description:
          'Answers the same whether or not the address was subscribed already; a subscription that exists ' +
          'is not changed until the new request is confirmed. Asks for the report form’s proof of work ' +
          '(`GET /api/reports/challenge`, solution in the `x-faro-pow` header).',
        body: subscribeInputSchema,
        headers: z.object({ [PROOF_OF_WORK_HEADER]: z.string().max(4096).optional() }),
        response: {
          202: z.object({ status: z.literal('confirmation_sent') }),
          400: errorSchema,
          403: errorSchema,
          429: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request, reply) => {
      await requireProofOfWork(deps.proofOfWork, request.headers[PROOF_OF_WORK_HEADER]);
      await service().subscribe((await coalitionOf(request)).id, request.body, deps.publicUrl, {
        audience: 'public',
        address: clientKeyOf(request),
      });
      return reply.status(202).send({ status: 'confirmation_sent' as const });
    },
  );

  routes.post(
    '/api/subscriptions/confirm',
    {
      config: { access: 'public', rateLimit: limited },
      schema: {
        tags,
        summary: 'Confirm a subscription with the token from its confirmation link',
        body: tokenInputSchema,
        response: { 200: subscriptionViewSchema, 404: errorSchema },
      },
    },
    async (request) => service().confirm(request.body.token),
  );

  routes.post(
    '/api/subscriptions/manage',
    {
      config: { access: 'public', rateLimit: limited },
      schema: {
        tags,
        summary: 'See a subscription (the contact masked) with the token from its manage link',
        body: tokenInputSchema,
        response: { 200: subscriptionViewSchema, 404: errorSchema },
      },
    },
    async (request) => service().view(request.body.token),
  );

  routes.post(
    '/api/subscriptions/delete',
    {
      config: { access: 'public', rateLimit: limited },
      schema: {
        tags,
        summary: 'Unsubscribe in one step: the subscription and its contact are deleted',
        body: tokenInputSchema,
        response: { 204: z.null(), 404: errorSchema },
      },
    },
    async (request, reply) => {
      await service().remove(request.body.token);
      return reply.status(204).send(null);
    },
  );
}
