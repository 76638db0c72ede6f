import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

/** `/metrics`: what Prometheus reads, and who may read it. */
export interface MetricsEndpoint {
  /** The values from the database at most the cache's age old, the process's own counters as they are now. */
  scrape(): Promise<string>;
  contentType: string;
  /** METRICS_TOKEN: a caller must send it as `Authorization: Bearer …`; none set, none needed (own listener only). */
  token: string | undefined;
}

/**
 * The scrape: each module's values read from the database (cheap grouped
 * counts), at most once per `cacheMs` however often anyone scrapes, and never
 * twice at once, so a scraper cannot load the database.
 */
export function createMetricsEndpoint(deps: {
  metrics: Metrics;
  /** Each module's reading of its gauges from the database. */
  measures: Array<() => Promise<void>>;
  cacheMs: number;
  token: string | undefined;
  onError: (error: unknown) => void;
}): MetricsEndpoint {
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | null = null;
  const read = async () => {
    for (const measure of deps.measures) {
      try {
        await measure();
      } catch (error) {
        deps.metrics.scrapeFailures.inc();
        deps.onError(error);
      }
    }
    readAt = performance.now();
  };
  return {
    async scrape() {
      if (!reading && performance.now() - readAt >= deps.cacheMs)
        reading = read().finally(() => {
          reading = null;
        });
      if (reading) await reading;
      return deps.metrics.registry.metrics();
    },
    contentType: deps.metrics.registry.contentType,
    token: deps.token,
  };
}

/** Compared in constant time, whatever the lengths (both sides hashed first). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([^\s]+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

/**
 * Registers GET /metrics on an app: the main one (only when a token is set)
 * or the metrics listener. A caller without the token is answered as if the
 * route did not exist; a token in the query string counts for nothing (it
 * would be written in every proxy's log).
 */
export function registerMetricsRoute(app: FastifyInstance, endpoint: MetricsEndpoint): void {
  app.get(
    '/metrics',
    { schema: { hide: true }, logLevel: 'warn', config: { access: 'public' } },
    async (request, reply) => {
      if (endpoint.token !== undefined && !bearerMatches(request.headers.authorization, endpoint.token))
        return reply.callNotFound();
      const text = await endpoint.scrape();
      return reply.header('cache-control', 'no-store').type(endpoint.contentType).send(text);
    },
  );
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface MetricsListener {
  port: number;
  close(): Promise<void>;
}

/**
 * A listener of its own that serves only /metrics (METRICS_PORT, on
 * METRICS_HOST: 127.0.0.1 unless the operator says otherwise), so the public
 * port never has it. A worker process, which serves no pages, can use it too.
 */
export async function listenForMetrics(
  endpoint: MetricsEndpoint,
  options: { host: string; port: number; log: FastifyBaseLogger },
): Promise<MetricsListener> {
  const app = Fastify({ loggerInstance: options.log, forceCloseConnections: true });
  registerMetricsRoute(app, endpoint);
  await app.listen({ host: options.host, port: options.port });
  if (!endpoint.token && !LOOPBACK.has(options.host))
    options.log.warn(
      `METRICS_HOST=${options.host} without METRICS_TOKEN: whoever reaches port ${options.port} reads /metrics. Bind it to a private network only, or set METRICS_TOKEN.`,
    );
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.log.info({ host: options.host, port }, '/metrics listening');
  return {
    port,
    close: () => app.close(),
  };
}
