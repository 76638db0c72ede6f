import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicAlertListSchema } from '../../../shared/alert.js';
import { PAGE_QUERIES } from '../../../shared/pages.js';
import type { WebPages } from '../../http/pages.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import { type ZoneService, zonesPageQuery } from '../zones/zones.service.js';
import type { PublicAlerts } from './public-alerts.js';
import { channelOffer } from './subscriptions.routes.js';
import type { SubscriptionService } from './subscriptions.service.js';

/**
 * The alerts module's public pages, rendered by the server with their data:
 * /alerts with the alerts in force (as `GET /api/alerts` gives them) and the
 * zones to choose from; /subscribe with the zones and the channels this
 * server can send on (none it cannot).
 */
export function registerAlertPages(
  app: FastifyInstance,
  deps: {
    pages: WebPages;
    zones: Pick<ZoneService, 'list'>;
    publicAlerts: PublicAlerts;
    subscriptions: SubscriptionService;
    pushKey: string | null;
    readsPerMinute: number;
  },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/alerts',
    {
      // Limited like the alert reads it makes.
      config: { access: 'public', rateLimit: { max: deps.readsPerMinute, timeWindow: 60_000 } },
      schema: { hide: true, querystring: z.object({ zone: z.string().max(64).optional() }) },
    },
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      const zones = await zonesPageQuery(deps.zones, coalition.id);
      // A zone that is not one (an old link) shows every alert, as the list does without one.
      const zone = zones.data.zones.find((z) => z.id === request.query.zone)?.id ?? '';
      const alerts = publicAlertListSchema.parse({
        alerts: await deps.publicAlerts.active(coalition.id, zone || undefined),
      });
      return deps.pages.send(request, reply, {
        queries: [zones, { key: PAGE_QUERIES.publicAlerts(zone), data: alerts }],
      });
    },
  );

  routes.get('/subscribe', deps.pages.route, async (request, reply) =>
    deps.pages.send(request, reply, {
      queries: [
        await zonesPageQuery(deps.zones, (await coalitionOf(request)).id),
        { key: PAGE_QUERIES.subscriptionChannels, data: channelOffer(deps.subscriptions, deps.pushKey) },
      ],
    }),
  );
}
