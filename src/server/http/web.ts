import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { WEB_PAGES } from '../../shared/pages.js';
import { errorBody } from './errors.js';

/**
 * Serves the built web app: hashed assets cached for a year (their names
 * change when they do), the HTML shell never cached so a deploy shows at once.
 */
export async function registerWebApp(app: FastifyInstance, distDir: string): Promise<void> {
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
  for (const page of WEB_PAGES) {
    app.get(page, { schema: { hide: true } }, async (_request, reply) => {
      if (!built) {
        return reply
          .status(503)
          .send(errorBody('UNAVAILABLE', 'The web app is not built yet; run `npm run build`.'));
      }
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  }
}
