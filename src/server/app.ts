import type { Writable } from 'node:stream';
import { fastifySSE } from '@fastify/sse';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { type RouteAccess, registerAuth } from './http/auth.js';
import { proxyTrust } from './http/client-address.js';
import { keepStreamsOpen, limitConnectionsPerAddress, timeoutOptions } from './http/connections.js';
import { registerErrorHandling } from './http/errors.js';
import { loggerOptions, requestId } from './http/logger.js';
import { registerOpenApi } from './http/openapi.js';
import type { ProofOfWork } from './http/proof-of-work.js';
import { registerRateLimits } from './http/rate-limits.js';
import { registerSecurityHeaders } from './http/security.js';
import { registerWebApp } from './http/web.js';
import { registerAdminRoutes } from './modules/access/admin.routes.js';
import { registerAuthRoutes, sessionWithToken } from './modules/access/auth.routes.js';
import type { InvitationService } from './modules/access/invitations.service.js';
import { registerPasskeyRoutes } from './modules/access/passkeys.routes.js';
import type { PasskeyService } from './modules/access/passkeys.service.js';
import type { PeopleService } from './modules/access/people.service.js';
import type { SessionService } from './modules/access/sessions.service.js';
import type { SignInService } from './modules/access/sign-in.service.js';
import { registerAlertRoutes, registerPublicAlertRoutes } from './modules/alerts/alerts.routes.js';
import type { AlertService } from './modules/alerts/alerts.service.js';
import type { PublicAlerts } from './modules/alerts/public-alerts.js';
import type { Publishing } from './modules/alerts/publishing.js';
import { registerSubscriptionRoutes } from './modules/alerts/subscriptions.routes.js';
import type { SubscriptionService } from './modules/alerts/subscriptions.service.js';
import type { CoalitionService } from './modules/coalitions/coalitions.service.js';
import type { IncidentChannel } from './modules/dispatch/channel.js';
import { registerDispatchRoutes, registerResponderEvents } from './modules/dispatch/dispatch.routes.js';
import type { DispatchService } from './modules/dispatch/dispatch.service.js';
import type { StaffPush } from './modules/dispatch/notify.js';
import { registerHealthRoutes } from './modules/health/health.routes.js';
import { registerBoardStream } from './modules/incidents/board-stream.routes.js';
import { registerIncidentRoutes } from './modules/incidents/incidents.routes.js';
import type { IncidentService } from './modules/incidents/incidents.service.js';
import type { PhotoService } from './modules/reports/photos.js';
import { registerReportRoutes } from './modules/reports/reports.routes.js';
import type { ReportService } from './modules/reports/reports.service.js';
import { RETENTION_SCHEDULE } from './modules/retention/retention.job.js';
import { registerRetentionRoutes } from './modules/retention/retention.routes.js';
import { registerSmsRoutes } from './modules/sms/sms.routes.js';
import type { SmsIntake } from './modules/sms/sms.service.js';
import { registerZoneRoutes } from './modules/zones/zones.routes.js';
import type { ZoneService } from './modules/zones/zones.service.js';
import type { RealtimeHub } from './realtime/hub.js';
import { liveStreams } from './realtime/live-stream.js';

export interface AppDeps {
  config: Config;
  database: Database;
  hub: RealtimeHub;
  coalitions: CoalitionService;
  zones: ZoneService;
  reports: ReportService;
  photos: PhotoService;
  incidents: IncidentService;
  sessions: SessionService;
  signIn: SignInService;
  invitations: InvitationService;
  people: PeopleService;
  passkeys: PasskeyService;
  /** Null when the public form does not ask for a proof of work. */
  proofOfWork: ProofOfWork | null;
  subscriptions: SubscriptionService;
  /** The VAPID public key browsers subscribe to Web Push with. */
  pushKey: string;
  alerts: AlertService;
  dispatch: DispatchService;
  staffPush: StaffPush;
  channel: IncidentChannel;
  publicAlerts: PublicAlerts;
  publishing: Publishing;
  /** Null when SMS is not set up. */
  smsIntake: SmsIntake | null;
  /** Where logs go (default stdout); tests read them to check nothing personal is logged. */
  logStream?: Writable | undefined;
}

const DEFAULT_BODY_LIMIT = 256 * 1024;

/** Builds the HTTP app from its dependencies; it opens nothing itself. */
export async function buildApp(deps: AppDeps): Promise<{ app: FastifyInstance; routeAccess: RouteAccess[] }> {
  const { config } = deps;
  const trust = proxyTrust(config.trustProxy);
  const app = Fastify({
    logger: loggerOptions(config.logLevel, deps.logStream),
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
  registerErrorHandling(app, { default: DEFAULT_BODY_LIMIT });

  await registerSecurityHeaders(app, { https: config.publicUrl.startsWith('https://') });
  const cookie = { secureCookie: config.sessions.secureCookie, absoluteHours: config.sessions.absoluteHours };
  // Before any route: it refuses to register an /api route that declares no access rule.
  const routeAccess = await registerAuth(app, { sessions: deps.sessions, ...cookie });
  await registerOpenApi(app);
  await registerRateLimits(app);
  await app.register(fastifySSE, { heartbeatInterval: 20_000 });

  registerHealthRoutes(app, deps);
  registerZoneRoutes(app, deps);
  registerReportRoutes(app, { ...deps, rateLimits: config.rateLimits });
  registerIncidentRoutes(app, deps);
  registerSubscriptionRoutes(app, {
    subscriptions: deps.subscriptions,
    pushKey: deps.pushKey,
    publicUrl: config.publicUrl,
    rateLimits: config.rateLimits,
    proofOfWork: deps.proofOfWork,
  });
  registerAlertRoutes(app, deps);
  registerDispatchRoutes(app, deps);
  // The board's stream and each responder's: served one way (heartbeat, tied to the session, ended on shutdown).
  const streams = liveStreams(app, {
    tap: (listener) => deps.hub.tap(listener),
    sessionRecheckMs: config.sessions.recheckSeconds * 1000,
  });
  registerBoardStream(app, { ...deps, streams });
  registerResponderEvents(app, { ...deps, streams });
  registerPublicAlertRoutes(app, {
    publicAlerts: deps.publicAlerts,
    publicUrl: config.publicUrl,
    readsPerMinute: config.rateLimits.alertReadsPerMinute,
  });
  registerSmsRoutes(app, {
    smsIntake: deps.smsIntake,
    authToken: config.sms?.authToken ?? null,
    publicUrl: config.publicUrl,
  });
  registerAuthRoutes(app, { ...deps, cookie });
  registerAdminRoutes(app, { ...deps, publicUrl: config.publicUrl });
  registerRetentionRoutes(app, {
    database: deps.database,
    retention: config.retention,
    schedule: RETENTION_SCHEDULE,
  });
  registerPasskeyRoutes(app, {
    ...deps,
    publicUrl: config.publicUrl,
    renewed: (reply, token) => sessionWithToken(deps.sessions, cookie, reply, token),
  });
  await registerWebApp(app, config.webDistDir);
  return { app, routeAccess };
}
