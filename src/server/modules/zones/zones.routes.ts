import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { zoneGeometrySchema, zoneListSchema } from '../../../shared/zone.js';
import type { CoalitionService } from '../coalitions/coalitions.service.js';
import type { ZoneService } from './zones.service.js';

/** Public zone list for the report form and subscriptions. */
export function registerZoneRoutes(
  app: FastifyInstance,
  deps: { zones: ZoneService; coalitions: CoalitionService },
): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/zones',
    {
      config: { access: 'public' },
      schema: {
        tags: ['zones'],
        summary: 'The zones (neighborhoods) this network covers',
        response: { 200: zoneListSchema },
      },
    },
    async () => {
      const coalition = await deps.coalitions.current();
      return { zones: await deps.zones.list(coalition.id) };
    },
  );
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/zones/geometry',
    {
      config: { access: 'public' },
      schema: {
        tags: ['zones'],
        summary: 'The zones’ outlines as a GeoJSON FeatureCollection',
        response: { 200: zoneGeometrySchema },
      },
    },
    async (_request, reply) => {
      const coalition = await deps.coalitions.current();
      reply.header('cache-control', 'public, max-age=300');
      return deps.zones.geometry(coalition.id);
    },
  );
}
