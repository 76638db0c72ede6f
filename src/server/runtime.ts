import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { createBackupModule } from './backup/backup.job.js';
import type { Config } from './config.js';
import type { SecretBox } from './crypto/secret-box.js';
import type { Database } from './db/database.js';
import type { RouteAccess } from './http/auth.js';
import type { JobQueue } from './jobs/queue.js';
import {
  createMetricsEndpoint,
  listenForMetrics,
  type MetricsEndpoint,
  type MetricsListener,
} from './metrics/endpoint.js';
import { measureQueues } from './metrics/metrics.js';
import { createAccessModule } from './modules/access/access.module.js';
import { createAlertsModule } from './modules/alerts/alerts.module.js';
import { createBasemapModule } from './modules/basemap/basemap.module.js';
import { createCasesModule } from './modules/cases/cases.module.js';
import { createCoalitionsModule } from './modules/coalitions/coalitions.module.js';
import { seedDemoOnce } from './modules/demo/accounts.js';
import { createDispatchModule } from './modules/dispatch/dispatch.module.js';
import { createEvidenceModule } from './modules/evidence/evidence.module.js';
import { createHealthModule } from './modules/health/health.module.js';
import { createIncidentsModule } from './modules/incidents/incidents.module.js';
import type { FaroModule } from './modules/module.js';
import { createPlanTexts } from './modules/plans/plan-texts.js';
import { createPlansModule } from './modules/plans/plans.module.js';
import { createReportsModule } from './modules/reports/reports.module.js';
import { createRetentionModule } from './modules/retention/retention.module.js';
import { createRightsModule } from './modules/rights/rights.module.js';
import { createTranslationReviews } from './modules/rights/translations.service.js';
import { textReportersOnVerdict } from './modules/sms/follow-up.js';
import { createSmsModule } from './modules/sms/sms.module.js';
import { createZonesModule } from './modules/zones/zones.module.js';
import { openPlatform, type PlatformOptions } from './platform.js';
import type { RealtimeHub } from './realtime/hub.js';

/** The modules of a Faro, composed; what the process, the CLI and the tests hold on to. */
export type Modules = Awaited<ReturnType<typeof composeModules>>;

export interface Faro {
  app: FastifyInstance;
  /** Every /api route with its access rule (the authorization matrix is generated from it). */
  routeAccess: RouteAccess[];
  box: SecretBox;
  services: {
    coalitions: Modules['coalitions']['services']['coalitions'];
    sessions: Modules['access']['services']['sessions'];
    people: Modules['access']['services']['people'];
    dispatch: Modules['dispatch']['services']['dispatch'];
    responderTexts: Modules['dispatch']['services']['responderTexts'];
    reports: Modules['reports']['services']['reports'];
    plans: Modules['plans']['services']['plans'];
    caseReminders: Modules['cases']['services']['reminders'];
  };
  database: Database;
  jobs: JobQueue;
  hub: RealtimeHub;
  /** Null in a process that does not run workers. */
  grouper: Modules['incidents']['services']['grouper'];
  jobDefinitions: Modules['access']['jobDefinitions'] &
    Modules['alerts']['jobDefinitions'] &
    Modules['dispatch']['jobDefinitions'] &
    Modules['sms']['jobDefinitions'] &
    Modules['retention']['jobDefinitions'] &
    Modules['evidence']['jobDefinitions'] &
    Modules['plans']['jobDefinitions'] &
    Modules['cases']['jobDefinitions'];
  /** What /metrics answers (a worker's own app can register it with registerMetricsRoute). */
  metrics: MetricsEndpoint;
  /** Opens the metrics listener when METRICS_PORT is set (its port; null when not set); `stop` closes it. */
  serveMetrics(): Promise<number | null>;
  /** Graceful stop: refuse new requests, finish in-flight requests and jobs, close the database. */
  stop(): Promise<void>;
}

export type StartOptions = PlatformOptions;

/**
 * The modules in dependency order: each is given only what was made before
 * it, so this list is the architecture — access before what it guards,
 * incidents before the reports they gather, dispatch and alerts on incidents,
 * the SMS hotline on reports, subscriptions and responders.
 */
export async function composeModules(platform: Awaited<ReturnType<typeof openPlatform>>) {
  const coalitions = createCoalitionsModule(platform);
  const zones = createZonesModule(platform);
  const basemap = createBasemapModule(platform);
  const access = await createAccessModule(platform);
  const { sessions } = access.services;
  const incidents = createIncidentsModule(platform, {
    sessions,
    onVerdict: textReportersOnVerdict(platform),
  });
  const reports = createReportsModule(platform, {
    zones: zones.services.zones,
    grouper: incidents.services.grouper,
  });
  const dispatch = createDispatchModule(platform, { sessions, incidents: incidents.services.incidents });
  // The rights module owns the reviews of translations; alerts read them (which languages they carry).
  const translations = createTranslationReviews({ db: platform.database.db, now: platform.now });
  const alerts = createAlertsModule(platform, {
    incidents: incidents.services.incidents,
    zones: zones.services.zones,
    translations,
  });
  const evidence = createEvidenceModule(platform);
  const cases = createCasesModule(platform, {
    staffPush: dispatch.services.staffPush,
    incidentExists: async (coalitionId, id) =>
      (await incidents.services.incidents.summary(coalitionId, id)) !== undefined,
    evidenceVisible: (coalitionId, actor, id) =>
      evidence.services.evidence.facts(coalitionId, actor, id).then(
        () => true,
        () => false,
      ),
    documentStore: evidence.services.evidence.documents,
    publicContacts: alerts.services.publishing.contacts,
  });
  const plans = createPlansModule(platform, { cases: cases.services.cases });
  const rights = createRightsModule(platform, {
    publishing: alerts.services.publishing,
    translations,
  });
  const sms = createSmsModule(platform, {
    ...reports.services,
    plans: createPlanTexts(plans.services.plans),
    zones: zones.services.zones,
    subscriptions: alerts.services.subscriptions,
    textSubscriptions: alerts.services.textSubscriptions,
    responderTexts: dispatch.services.responderTexts,
    familyTexts: cases.services.cases,
    rights: rights.services.rights,
  });
  const retention = createRetentionModule(platform, {
    evidence: evidence.services.evidence,
    cases: cases.services.cases,
    plans: plans.services.plans,
  });
  const health = createHealthModule(platform, { grouper: incidents.services.grouper });
  const backup = createBackupModule(platform);
  return {
    coalitions,
    access,
    zones,
    basemap,
    incidents,
    reports,
    dispatch,
    alerts,
    plans,
    rights,
    sms,
    evidence,
    cases,
    retention,
    health,
    backup,
  };
}

/** Opens the database, brings the schema up to date, composes the modules and builds the app. */
export async function createFaro(config: Config, options: StartOptions = {}): Promise<Faro> {
  const platform = await openPlatform(config, options);
  let modules: Modules | undefined;
  try {
    if (config.seedDemo) await seedDemoOnce(config, platform.database, platform.box);
    modules = await composeModules(platform);
    // The coalitions module has services only: no routes, jobs or workers of its own.
    const { coalitions, ...withWork } = modules;
    const all: FaroModule[] = Object.values(withWork);
    const { publishing } = modules.alerts.services;
    const { translations } = modules.rights.services;
    const jobs = all.flatMap((module) => module.jobs ?? []);
    const metrics = createMetricsEndpoint({
      metrics: platform.metrics,
      measures: [
        ...all.flatMap((module) => (module.measure ? [module.measure.bind(module)] : [])),
        () =>
          measureQueues(
            platform.metrics,
            platform.jobs,
            jobs.map((job) => job.name),
          ),
      ],
      cacheMs: config.metrics.cacheMs,
      token: config.metrics.token,
      onError: (error) => platform.logError('a value for /metrics could not be read', error),
    });
    const { app, routeAccess } = await buildApp({
      config,
      log: platform.log,
      sessions: modules.access.services.sessions,
      coalitions: coalitions.services.coalitions,
      cookie: modules.access.cookie,
      tap: (listener) => platform.hub.tap(listener),
      // A worker answers only what operators and orchestrators ask (health, readiness): no pages, no API.
      modules: config.role === 'worker' ? [modules.health] : all,
      web: config.role !== 'worker',
      publicContacts: publishing.contacts,
      uiReviewed: (coalitionId) => translations.reviewedLanguages(coalitionId, 'ui'),
      rateLimitStore: { database: platform.database, box: platform.box },
      metrics: { instruments: platform.metrics, endpoint: metrics },
    });
    await platform.jobs.run(jobs);
    if (platform.works) for (const module of all) await module.resume?.();

    let metricsListener: Promise<MetricsListener> | undefined;
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        const started = performance.now();
        await (await metricsListener?.catch(() => undefined))?.close();
        await app.close();
        app.log.info('http server closed');
        await platform.jobs.stop(config.shutdownTimeoutMs);
        for (const module of all) await module.stop?.();
        app.log.info('job workers stopped');
        await platform.close();
        app.log.info({ ms: Math.round(performance.now() - started) }, 'stopped');
      })();
      return stopping;
    };
    const { access, dispatch, reports, incidents } = modules;
    return {
      app,
      routeAccess,
      box: platform.box,
      services: {
        ...coalitions.services,
        ...access.services,
        ...dispatch.services,
        reports: reports.services.reports,
        plans: modules.plans.services.plans,
        caseReminders: modules.cases.services.reminders,
      },
      database: platform.database,
      jobs: platform.jobs,
      hub: platform.hub,
      grouper: incidents.services.grouper,
      metrics,
      async serveMetrics() {
        const { port, host } = config.metrics;
        if (port === undefined) return null;
        metricsListener ??= listenForMetrics(metrics, { host, port, log: platform.log });
        return (await metricsListener).port;
      },
      jobDefinitions: {
        ...access.jobDefinitions,
        ...modules.alerts.jobDefinitions,
        ...dispatch.jobDefinitions,
        ...modules.sms.jobDefinitions,
        ...modules.retention.jobDefinitions,
        ...modules.evidence.jobDefinitions,
        ...modules.plans.jobDefinitions,
        ...modules.cases.jobDefinitions,
      },
      stop,
    };
  } catch (error) {
    for (const module of Object.values(modules ?? {}) as FaroModule[])
      await module.stop?.().catch(() => undefined);
    await platform.close().catch(() => undefined);
    throw error;
  }
}
