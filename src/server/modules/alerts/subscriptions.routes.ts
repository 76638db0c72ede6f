import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  subscribeInputSchema,
  subscriptionViewSchema,
  tokenInputSchema,
} from '../../../shared/subscription.js';
import { AppError, errorSchema } from '../../http/errors.js';
import type { SubscriptionService } from './subscriptions.service.js';

const tags = ['alerts'];

/** Public subscriptions: ask (double opt-in), confirm, see, delete — each by a link's token, no account. */
export function registerSubscriptionRoutes(
  app: FastifyInstance,
  deps: {
    subscriptions: SubscriptionService | null;
    publicUrl: string | undefined;
    rateLimits: { lookupsPerMinute: number };
  },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const limited = { max: deps.rateLimits.lookupsPerMinute, timeWindow: 60_000 };
  const service = () => {
    if (!deps.subscriptions)
      throw new AppError('UNAVAILABLE', 'E-mail alerts are not set up on this server.');
    return deps.subscriptions;
  };

  routes.post(
    '/api/subscriptions',
    {
      config: { access: 'public', rateLimit: limited },
      schema: {
        tags,
        summary: 'Ask for alerts about some zones; a confirmation is sent first (double opt-in)',
        description: 'Answers the same whether or not the address was subscribed already.',
        body: subscribeInputSchema,
        response: {
          202: z.object({ status: z.literal('confirmation_sent') }),
          400: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const base = deps.publicUrl?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`;
      await service().subscribe(request.body, base);
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
