import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { basemapInfoSchema } from '../../../shared/basemap.js';
import { AppError } from '../../http/errors.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { BasemapService } from './basemap.service.js';
import { answerRange } from './range.js';

/**
 * Who sees the street map: whoever sees the board. The map of the coalition's area is not
 * secret, but it is the coalition's, served from its database to its staff: nobody else.
 */
const ACCESS = 'incidents:read';

/**
 * The browser keeps what it read for an hour, for this person only. A new import changes the
 * ETag, and the map's reader (pmtiles) then reads everything again instead of mixing two archives.
 */
const CACHE = 'private, max-age=3600';

/** The coalition's street map: what the board needs to know, and the PMTiles archive by ranges. */
export function registerBasemapRoutes(app: FastifyInstance, deps: { basemap: BasemapService }): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/basemap',
    {
      config: { access: ACCESS },
      schema: {
        tags: ['basemap'],
        summary: 'Whether the coalition has a street map, and its zooms, bounds and attribution',
        response: { 200: basemapInfoSchema },
      },
    },
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      reply.header('cache-control', 'private, no-cache');
      return { basemap: await deps.basemap.info(coalition.id) };
    },
  );

  // Plain Fastify types: a binary body, and statuses (206, 304) that are not JSON answers.
  app.get(
    '/api/basemap/archive',
    {
      config: { access: ACCESS },
      // Ranges of the archive as stored: compressing them would change the bytes they count.
      compress: false,
      schema: {
        tags: ['basemap'],
        summary:
          'The street map as a PMTiles archive, read by byte ranges (Range, If-Range, ETag): 206 for a range, 416 past the end, 404 when there is none',
      },
    },
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      const basemap = await deps.basemap.archive(coalition.id);
      if (!basemap) throw new AppError('NOT_FOUND', 'This coalition has no street map.');
      reply.header('accept-ranges', 'bytes').header('etag', basemap.etag).header('cache-control', CACHE);
      const answer = answerRange(request.headers, basemap.size, basemap.etag);
      if (answer.kind === 'unchanged') return reply.code(304).send();
      if (answer.kind === 'unsatisfiable') {
        reply.header('content-range', `bytes */${basemap.size}`);
        throw new AppError(
          'RANGE_NOT_SATISFIABLE',
          `The range starts past the end of the street map (${basemap.size} bytes).`,
        );
      }
      const [start, end] = answer.kind === 'partial' ? [answer.start, answer.end] : [0, basemap.size - 1];
      if (answer.kind === 'partial')
        reply.code(206).header('content-range', `bytes ${start}-${end}/${basemap.size}`);
      reply.type('application/vnd.pmtiles').header('content-length', String(end - start + 1));
      // HEAD: the headers a GET would have (Fastify would count an empty body as 0 bytes).
      if (request.method === 'HEAD') return reply.send(Readable.from([]));
      return reply.send(Readable.from(deps.basemap.read(basemap, start, end)));
    },
  );
}
