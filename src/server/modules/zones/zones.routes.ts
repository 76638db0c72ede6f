import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { zoneGeometrySchema, zoneListSchema, zoneNameSchema } from '../../../shared/zone.js';
import { errorSchema } from '../../http/errors.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { ZoneService } from './zones.service.js';

/** Public zone list for the report form and subscriptions. */
export function registerZoneRoutes(app: FastifyInstance, deps: { zones: ZoneService }): void {
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
    async (request) => {
      const coalition = await coalitionOf(request);
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
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      reply.header('cache-control', 'public, max-age=300');
      return deps.zones.geometry(coalition.id);
    },
  );

  const routes = app.withTypeProvider<ZodTypeProvider>();
  const idParams = z.object({ id: z.uuid() });
  const name = zoneNameSchema;

  routes.post(
    '/api/admin/zones',
    {
      bodyLimit: 4 * 1024 * 1024,
      config: { access: 'settings:manage' },
      schema: {
        tags: ['admin'],
        summary:
          'Add a zone from a GeoJSON polygon (geometry, feature, or a collection of one); it is filled with H3 cells',
        body: z.object({ name, geojson: z.unknown() }),
        response: { 201: z.object({ id: z.uuid(), cellCount: z.number().int() }), 400: errorSchema },
      },
    },
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      return reply.status(201).send(await deps.zones.create(coalition.id, request.body));
    },
  );

  routes.patch(
    '/api/admin/zones/:id',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['admin'],
        summary: 'Rename a zone',
        params: idParams,
        body: z.object({ name }),
        response: { 204: z.null(), 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      await deps.zones.rename(coalition.id, request.params.id, request.body.name);
      return reply.status(204).send(null);
    },
  );

  routes.post(
    '/api/admin/zones/:id/retire',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['admin'],
        summary: 'Retire a zone: no longer offered or matched; reports and incidents keep it',
        params: idParams,
        response: { 204: z.null(), 404: errorSchema },
      },
    },
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      await deps.zones.retire(coalition.id, request.params.id, new Date());
      return reply.status(204).send(null);
    },
  );
}
