import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { WEB_PAGES } from '../../shared/pages.js';
import type { WebPages } from './pages.js';

/**
 * Serves the built web app: hashed assets cached for a year (their names
 * change when they do) and sent precompressed; the pages (pages.ts) never
 * cached, so a deploy shows at once.
 */
export async function registerWebApp(app: FastifyInstance, distDir: string, pages: WebPages): Promise<void> {
  const built = existsSync(path.join(distDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: distDir,
      prefix: '/',
      index: false,
      wildcard: true,
      cacheControl: false,
      // The build wrote brotli and gzip copies beside each text asset (scripts/precompress.mjs).
      preCompressed: true,
      setHeaders(res, filePath) {
        const hashed = filePath.includes(`${path.sep}assets${path.sep}`);
        res.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  // A module serves the pages it has data for (the reports module /report); the rest are sent as they are.
  for (const page of WEB_PAGES) {
    if (app.hasRoute({ method: 'GET', url: page })) continue;
    app.get(page, pages.route, (request, reply) => pages.send(request, reply));
  }
}
