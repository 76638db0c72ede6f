import type { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import { openKeyring } from './crypto/key-check.js';
import type { SecretBox } from './crypto/secret-box.js';
import { type Database, openDatabase } from './db/database.js';
import { migrateDatabase } from './db/migrate.js';
import { createFormPostLimit, type FormPostLimit } from './http/form-limit.js';
import { createLogger, loggableError } from './http/logger.js';
import { createProofOfWork, type ProofOfWork } from './http/proof-of-work.js';
import { type OpenJobQueue, openJobQueue } from './jobs/queue.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { countedSms } from './metrics/sms-provider.js';
import { createPushChannel, type PushChannel } from './modules/alerts/channels/push.js';
import { threadedPushEncryption } from './modules/alerts/channels/push-encryption-threads.js';
import { loadVapidKeys } from './modules/alerts/vapid.js';
import { pacedSender } from './modules/sms/paced-sender.js';
import { type SmsSender, twilioSender } from './modules/sms/twilio.js';
import { createOutbound, type Outbound, type Resolve } from './outbound/outbound.js';
import { type RealtimeHub, startRealtimeHub } from './realtime/hub.js';

/**
 * What every module stands on: the database and the server key, the clock,
 * the log, the job queue, the realtime hub, and the ways out (outbound
 * requests, mail, texts, Web Push). It knows no module's rules.
 */
export interface Platform {
  config: Config;
  database: Database;
  box: SecretBox;
  now: () => Date;
  /** Whether this process runs job handlers and the grouper (a web-only process, FARO_ROLE=web, does not). */
  works: boolean;
  log: FastifyBaseLogger;
  /** Opened: jobs can be sent once the runtime has run the modules' jobs. */
  jobs: OpenJobQueue;
  hub: RealtimeHub;
  /** This Faro's counters and gauges (its own registry), read at /metrics. */
  metrics: Metrics;
  /** Every request to another server (push services, the SMS provider, MMS pictures) goes through it. */
  outbound: Outbound;
  /** Null when no SMTP server is set up. */
  mailer: Mailer | null;
  /** Null when SMS is not set up. Paced: every text waits for its slot of the sending number's rate. */
  sms: SmsSender | null;
  push: PushChannel;
  /** The VAPID public key browsers subscribe to Web Push with. */
  pushKey: string;
  /** Null when the public forms do not ask for a proof of work. */
  proofOfWork: ProofOfWork | null;
  /** The stricter limit on the public forms posted without scripts (where no proof of work runs). */
  formLimit: FormPostLimit;
  /** Logs an error without the values a database error carries. */
  logError(message: string, error: unknown): void;
  /** Closes what it opened (the database only when it opened it). */
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** An already opened database (tests pass a fresh copy of the migrated template); the caller closes it. */
  database?: Database;
  work?: boolean;
  logStream?: Writable | undefined;
  now?: () => Date;
  resolve?: Resolve;
}

/** Opens the database, brings the schema up to date, checks the server key and starts the shared services. */
export async function openPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const log = createLogger(config.logLevel, options.logStream);
  const ownsDatabase = !options.database;
  const database = options.database ?? (await openDatabase(config.database, (message) => log.error(message)));
  const opened: Array<() => unknown> = [];
  try {
    await migrateDatabase(database);
    const box = await openKeyring(database.db, config, (message) => log.warn(message));
    const works = options.work ?? config.role !== 'web';
    const metrics = createMetrics();
    const logError = (message: string, error: unknown) => log.error({ error: loggableError(error) }, message);

    const outbound = createOutbound({
      allowLoopback: config.outbound.allowLoopback,
      http2Cleartext: config.outbound.http2Cleartext,
      resolve: options.resolve,
      // Up to four senders of an alert may share a process, each with its share per push service.
      maxSocketsPerOrigin: config.push.perOrigin * 4,
    });
    opened.push(() => outbound.close());
    const mailer = createMailer(config.mail);
    if (mailer) opened.push(() => mailer.close());
    const vapid = await loadVapidKeys(database.db, box);
    // Workers encrypt pushes on other cores; a web-only process encrypts only the odd confirmation.
    const push = createPushChannel({
      vapid,
      subject: config.alerts.vapidSubject,
      outbound,
      settings: config.push,
      encryption: works ? threadedPushEncryption({ threads: config.push.encryptionThreads }) : undefined,
    });
    opened.push(() => push.close());
    const hub = await startRealtimeHub(database, (error) => logError('realtime delivery failed', error));
    opened.push(() => hub.close());
    const jobs = await openJobQueue(database, {
      pollSeconds: config.jobs.pollSeconds,
      work: works,
      onError: (error) => log.error({ err: error }, 'job queue error'),
    });

    return {
      config,
      database,
      box,
      now: options.now ?? (() => new Date()),
      works,
      log,
      jobs,
      hub,
      metrics,
      outbound,
      mailer,
      // Every text (alerts, replies, receipts, plans) shares the number's pace, across every process;
      // what reaches the provider is counted.
      sms: config.sms
        ? pacedSender(countedSms(twilioSender(config.sms, outbound), metrics), {
            database,
            from: config.sms.from,
            segmentsPerSecond: config.sms.segmentsPerSecond,
          })
        : null,
      push,
      pushKey: vapid.publicKey,
      proofOfWork: config.proofOfWork ? createProofOfWork(box, database, config.proofOfWork) : null,
      formLimit: createFormPostLimit({ database, box, allowances: config.rateLimits.scriptlessForms }),
      logError,
      async close() {
        // Newest first: the hub before the push workers, all before the database.
        for (const close of [...opened].reverse()) await close();
        if (ownsDatabase) await database.close();
      },
    };
  } catch (error) {
    for (const close of [...opened].reverse()) await Promise.resolve(close()).catch(() => undefined);
    if (ownsDatabase) await database.close().catch(() => undefined);
    throw error;
  }
}
