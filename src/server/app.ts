import fastifyCompress from '@fastify/compress';
import { fastifySSE } from '@fastify/sse';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { PublicLanguage } from '../shared/languages.js';
import type { PublicContacts } from '../shared/pages.js';
import type { Config } from './config.js';
import { type RouteAccess, registerAuth } from './http/auth.js';
import { proxyTrust } from './http/client-address.js';
import { keepStreamsOpen, limitConnectionsPerAddress, timeoutOptions } from './http/connections.js';
import { registerErrorHandling } from './http/errors.js';
import { requestId } from './http/logger.js';
import { registerOpenApi } from './http/openapi.js';
import { createWebPages, type WebPages } from './http/pages.js';
import { type RateLimitDeps, registerRateLimits } from './http/rate-limits.js';
import { registerSecurityHeaders } from './http/security.js';
import { registerWebApp } from './http/web.js';
import { type MetricsEndpoint, registerMetricsRoute } from './metrics/endpoint.js';
import { type Metrics, observeRequest } from './metrics/metrics.js';
import type { SessionService } from './modules/access/sessions.service.js';
import { coalitionOf, registerCoalitionOf } from './modules/coalitions/coalition-of.js';
import type { CoalitionService } from './modules/coalitions/coalitions.service.js';
import type { FaroModule } from './modules/module.js';
import type { RealtimeHub } from './realtime/hub.js';
import { liveStreams, serializeOnce } from './realtime/live-stream.js';

export interface AppDeps {
  config: Config;
  /** The process's logger (JSON lines, redacted). */
  log: FastifyBaseLogger;
  /** The sessions a request's cookie names (the access rule of every route is checked against them). */
  sessions: SessionService;
  /** The coalition this deployment serves: each route asks for it with coalitionOf(request). */
  coalitions: Pick<CoalitionService, 'current'>;
  /** How the session cookie is set. */
  cookie: { secureCookie: boolean; absoluteHours: number };
  /** Where a stream learns of events (the realtime hub's tap). */
  tap: RealtimeHub['tap'];
  /** The modules whose routes this app serves. */
  modules: FaroModule[];
  /** Whether it serves the web app's pages, assets and the API's description (not in a worker: anything but its routes is 404). */
  web?: boolean;
  /** The coalition's public numbers, shown on the public pages. */
  publicContacts: (coalitionId: string) => Promise<PublicContacts>;
  /** The public languages whose page words the coalition has reviewed (the others say they are drafts). */
  uiReviewed?: (coalitionId: string) => Promise<readonly PublicLanguage[]>;
  /** Where the public routes' limits are counted (the database, shared by every process) and what salts the keys. */
  rateLimitStore: RateLimitDeps;
  /** What requests and streams are counted in, and /metrics (on this port only with a token). */
  metrics?: { instruments: Metrics; endpoint: MetricsEndpoint };
}

const DEFAULT_BODY_LIMIT = 256 * 1024;

/** Builds the HTTP app from its dependencies; it opens nothing itself. */
export async function buildApp(deps: AppDeps): Promise<{ app: FastifyInstance; routeAccess: RouteAccess[] }> {
  const { config } = deps;
  const trust = proxyTrust(config.trustProxy);
  const app = Fastify({
    loggerInstance: deps.log,
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: DEFAULT_BODY_LIMIT,
    trustProxy: trust,
    ...timeoutOptions(config.http),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  limitConnectionsPerAddress(app.server, {
    max: config.http.maxConnectionsPerAddress,
    isTrustedProxy: (address) => (trust ? trust(address, 0) : false),
  });
  keepStreamsOpen(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Requests still running at shutdown finish, but their keep-alive connections
  // must then close, or the server would wait for the clients' idle timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
  });
  const { metrics } = deps;
  if (metrics)
    app.addHook('onResponse', async (request, reply) => {
      const route = { routePattern: request.routeOptions.url, method: request.method };
      observeRequest(metrics.instruments, route, reply.statusCode, reply.elapsedTime / 1000);
    });
  let pages: WebPages | null = null;
  registerErrorHandling(app, { default: DEFAULT_BODY_LIMIT }, () => {
    const ready = pages;
    return ready ? (request, reply) => ready.send(request, reply, { status: 404 }) : null;
  });

  await registerSecurityHeaders(app, { https: config.publicUrl.startsWith('https://') });
  // Every text answer compressed for a phone on a slow connection (brotli, else gzip); the live
  // streams (text/event-stream) are left alone, and built assets are sent precompressed (web.ts).
  await app.register(fastifyCompress, { global: true, encodings: ['br', 'gzip'], threshold: 1024 });
  // Before any route: it refuses to register an /api route that declares no access rule.
  const routeAccess = await registerAuth(app, {
    sessions: deps.sessions,
    ...deps.cookie,
    publicUrl: config.publicUrl,
  });
  registerCoalitionOf(app, deps.coalitions);
  // The API's description, where the API is served.
  if (deps.web !== false) await registerOpenApi(app);
  await registerRateLimits(app, deps.rateLimitStore, deps.log);
  await app.register(fastifySSE, { heartbeatInterval: 20_000, serializer: serializeOnce });

  // The board's stream and each responder's: served one way (heartbeat, tied to the session, ended on shutdown).
  const streams = liveStreams(app, {
    tap: deps.tap,
    sessionRecheckMs: config.sessions.recheckSeconds * 1000,
    openStreams: metrics?.instruments.liveStreams,
  });
  const webPages = await createWebPages({
    distDir: config.webDistDir,
    timeZone: config.timeZone,
    secureCookie: deps.cookie.secureCookie,
    contacts: async (request) => deps.publicContacts((await coalitionOf(request)).id),
    ...(deps.uiReviewed
      ? { uiReviewed: async (request) => deps.uiReviewed?.((await coalitionOf(request)).id) ?? [] }
      : {}),
    viewsPerMinute: config.rateLimits.pageViewsPerMinute,
    log: deps.log,
  });
  for (const module of deps.modules) module.routes?.(app, { streams, pages: webPages });
  if (metrics?.endpoint.token) registerMetricsRoute(app, metrics.endpoint);
  if (deps.web !== false) {
    pages = webPages;
    await registerWebApp(app, config.webDistDir, webPages);
  }
  return { app, routeAccess };
}
