import path from 'node:path';
import { envSchema, type ProcessRole, type TrustProxy } from './config-env.js';
import type { FormAllowance, ScriptlessForm } from './http/form-limit.js';

export {
  DEFAULT_PUSH_SERVICE_HOSTS,
  DEFAULT_REFUSED_SMS_PREFIXES,
  type Env,
  PROCESS_ROLES,
  type ProcessRole,
  type TrustProxy,
} from './config-env.js';
export { StartupError } from './startup-error.js';

const SMS_KEYS = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const;

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /**
   * The one base of every absolute link Faro makes (e-mails, texts, feeds,
   * passkeys), without a trailing slash. From PUBLIC_URL; never from a
   * request's Host or X-Forwarded-Host, which a client can forge.
   */
  publicUrl: string;
  database:
    | {
        kind: 'postgres';
        url: string;
        poolSize: number;
        /** How long a hot statement may go unanswered (database.ts HOT_STATEMENT_DEADLINE_MS; tests set it short). */
        hotStatementDeadlineMs?: number;
        /** How long making a connection may take (database.ts CONNECT_DEADLINE_MS; tests set it short). */
        connectDeadlineMs?: number;
      }
    | { kind: 'pglite'; dataDir: string };
  /** What this process does (FARO_ROLE, or `faro start --role`); web and worker need PostgreSQL. */
  role: ProcessRole;
  seedDemo: boolean;
  logLevel: string;
  /** Which peers may tell the client's address in X-Forwarded-For: none, the nearest N hops, or these addresses. */
  trustProxy: TrustProxy;
  /** Limits on slow and numerous connections (milliseconds, and connections per client address). */
  http: {
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    keepAliveTimeoutMs: number;
    idleTimeoutMs: number;
    maxConnectionsPerAddress: number;
  };
  shutdownTimeoutMs: number;
  retention: {
    exactLocationDays: number;
    callbackHours: number;
    evidenceDays: number;
    closedCaseDays: number;
  };
  /** Where sealed evidence originals are kept: a folder, or (none given) the database. */
  evidenceStoreDir: string | undefined;
  jobs: { pollSeconds: number };
  /** Scheduled backups (BACKUP_DIR), encrypted to a public key; null when off. The key alone: `faro backup`'s default. */
  backup: { dir: string | undefined; everyHours: number; keep: number; publicKey: Uint8Array } | null;
  webDistDir: string;
  /** The coalition's time zone (IANA): every time a person reads is shown in it (src/shared/time.ts). */
  timeZone: string;
  /** The key for fields encrypted at rest; when not given, `keyFile` is made on first start. */
  secretKey: Uint8Array | undefined;
  /** Keys that only open: older ones (FARO_OLD_SECRET_KEYS) and an announced next one (FARO_NEXT_SECRET_KEY). */
  openOnlyKeys: Uint8Array[];
  keyFile: string;
  /** Where earlier versions kept the key file (inside the data folder); moved to `keyFile` when found. */
  legacyKeyFile: string;
  sessions: { idleMinutes: number; absoluteHours: number; secureCookie: boolean; recheckSeconds: number };
  mail: { smtpUrl: string | undefined; from: string };
  /** The SMS provider (Twilio's API and webhook format); null when SMS is not set up. */
  sms: {
    accountSid: string;
    authToken: string;
    from: string;
    apiUrl: string;
    segmentsPerSecond: number;
    /** Hosts MMS pictures may be fetched from (redirects included). */
    mediaHosts: readonly string[];
  } | null;
  dispatch: { offerMinutes: number; checkInMinutes: number; escalateMinutes: number };
  /** Web Push sender identity and the alert delivery pipeline's pace. */
  alerts: {
    vapidSubject: string;
    delivery: {
      leaseSeconds: number;
      maxAttempts: number;
      backoffSeconds: number;
      jobBudgetMs: number;
      sendersPerProcess: number;
    };
  };
  /** The public form's proof of work (ALTCHA); null when switched off. */
  proofOfWork: { maxCounter: number } | null;
  /** Requests per minute per client address on the public endpoints. */
  rateLimits: {
    reportsPerMinute: number;
    lookupsPerMinute: number;
    alertReadsPerMinute: number;
    /** Pages per client address per minute. */
    pageViewsPerMinute: number;
    /** The public forms posted without scripts, each kind's allowance per hour (held in the database). */
    scriptlessForms: Record<ScriptlessForm, FormAllowance>;
  };
  /** Requests to other servers (push services, the SMS provider). */
  outbound: { allowLoopback: boolean; http2Cleartext: boolean };
  push: {
    hosts: readonly string[];
    timeoutMs: number;
    perOrigin: number;
    encryptionThreads: number | undefined;
  };
  /** Who may read /metrics and where: a bearer token on the main port, a listener of its own, or both. */
  metrics: { token: string | undefined; port: number | undefined; host: string; cacheMs: number };
  /** What one subscription may ask for, and how often anyone may ask. */
  subscriptions: {
    maxZones: number;
    /** Country calling codes SMS subscriptions may have, and number prefixes refused. */
    sms: { countryCodes: string[]; refusedPrefixes: string[] };
    perAddressPerHour: number;
    confirmationsPerDay: number;
    confirmationGapMinutes: number;
  };
}

/**
 * PUBLIC_URL without its trailing slash, or the local address when Faro runs
 * as a demo or under test; otherwise a problem to report.
 */
function publicBaseUrl(
  env: { PUBLIC_URL?: string | undefined; PORT: number; NODE_ENV: string },
  demo: boolean,
): string | { problem: string } {
  if (env.PUBLIC_URL) return env.PUBLIC_URL.replace(/\/+$/, '');
  if (demo || env.NODE_ENV === 'test') return `http://localhost:${env.PORT}`;
  return {
    problem:
      'PUBLIC_URL: is required outside the demo: set it to the address people use to reach Faro (https://…), ' +
      'so that links in e-mails, texts and feeds never come from what a request claims its host is',
  };
}

/** Thrown when the environment is invalid; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the given environment (default: process.env) into a Config, or throws ConfigError. */
/**
 * The environment a program Faro starts (pg_dump, pg_restore) runs in: this process's, with
 * `extra` on top — so secrets such as a database password reach it there, never on its command line.
 */
export function childEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  const problems: string[] = [];
  if (env.HTTP_HEADERS_TIMEOUT_SECONDS > env.HTTP_REQUEST_TIMEOUT_SECONDS) {
    problems.push('HTTP_HEADERS_TIMEOUT_SECONDS: must not be longer than HTTP_REQUEST_TIMEOUT_SECONDS');
  }
  // Metrics show live activity (reports by channel, responders' streams, missed check-ins):
  // a listener beyond this machine must ask for the token.
  if (
    env.METRICS_PORT !== undefined &&
    !env.METRICS_TOKEN &&
    !['127.0.0.1', '::1', 'localhost'].includes(env.METRICS_HOST)
  ) {
    problems.push(
      `METRICS_HOST: ${env.METRICS_HOST} opens /metrics beyond this machine; set METRICS_TOKEN too (openssl rand -hex 32), or keep METRICS_HOST=127.0.0.1`,
    );
  }
  const smsGiven = SMS_KEYS.filter((key) => env[key] !== undefined);
  if (smsGiven.length > 0 && smsGiven.length < SMS_KEYS.length) {
    problems.push(
      ...SMS_KEYS.filter((key) => env[key] === undefined).map(
        (key) =>
          `${key}: is required when ${smsGiven.join(' and ')} ${smsGiven.length > 1 ? 'are' : 'is'} set`,
      ),
    );
  }
  const outboundProblems = [
    ...(env.OUTBOUND_ALLOW_LOOPBACK && env.NODE_ENV === 'production'
      ? ['OUTBOUND_ALLOW_LOOPBACK: is for tests only and refused with NODE_ENV=production']
      : []),
    ...(env.OUTBOUND_H2C && env.NODE_ENV === 'production'
      ? ['OUTBOUND_H2C: is for tests only and refused with NODE_ENV=production']
      : []),
    ...(env.TWILIO_API_URL.startsWith('https://') ||
    (env.OUTBOUND_ALLOW_LOOPBACK && /^http:\/\/(127\.|localhost|\[::1\])/.test(env.TWILIO_API_URL))
      ? []
      : ['TWILIO_API_URL: must start with https://']),
  ];
  if (outboundProblems.length > 0) throw new ConfigError(outboundProblems);
  const splitList = (value: string) =>
    value
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean);
  const database: Config['database'] = env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DB_POOL_SIZE }
    : { kind: 'pglite', dataDir: path.resolve(env.FARO_DATA_DIR) };
  // Demo data is for trying Faro on a laptop: on by default only for the embedded database.
  const seedDemo = env.FARO_DEMO === 'true' || (env.FARO_DEMO === 'auto' && database.kind === 'pglite');
  if (env.FARO_ROLE !== 'all' && database.kind === 'pglite') {
    problems.push(
      `FARO_ROLE: "${env.FARO_ROLE}" needs PostgreSQL (DATABASE_URL): the embedded database belongs to one process, ` +
        'so no other process could do the rest of the work; run it as FARO_ROLE=all (the default)',
    );
  }
  const publicUrl = publicBaseUrl(env, seedDemo);
  if (typeof publicUrl !== 'string') problems.push(publicUrl.problem);
  if (env.BACKUP_DIR && !env.BACKUP_PUBLIC_KEY)
    problems.push('BACKUP_PUBLIC_KEY: is required with BACKUP_DIR (make one with `faro backup keygen`)');
  if (problems.length > 0 || typeof publicUrl !== 'string') throw new ConfigError(problems);
  const dataDir = path.resolve(env.FARO_DATA_DIR);
  const https = publicUrl.startsWith('https://');
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    publicUrl,
    database,
    role: env.FARO_ROLE,
    seedDemo,
    logLevel: env.LOG_LEVEL,
    trustProxy: env.TRUST_PROXY,
    http: {
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_SECONDS * 1000,
      idleTimeoutMs: env.HTTP_IDLE_TIMEOUT_SECONDS * 1000,
      maxConnectionsPerAddress: env.HTTP_MAX_CONNECTIONS_PER_ADDRESS,
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    retention: {
      exactLocationDays: env.RETENTION_EXACT_LOCATION_DAYS,
      callbackHours: env.RETENTION_CALLBACK_HOURS,
      evidenceDays: env.RETENTION_EVIDENCE_DAYS,
      closedCaseDays: env.RETENTION_CLOSED_CASE_DAYS,
    },
    evidenceStoreDir: env.EVIDENCE_STORE_DIR ? path.resolve(env.EVIDENCE_STORE_DIR) : undefined,
    jobs: { pollSeconds: env.JOB_POLL_SECONDS },
    backup: env.BACKUP_PUBLIC_KEY
      ? {
          dir: env.BACKUP_DIR ? path.resolve(env.BACKUP_DIR) : undefined,
          everyHours: env.BACKUP_EVERY_HOURS,
          keep: env.BACKUP_KEEP,
          publicKey: new Uint8Array(Buffer.from(env.BACKUP_PUBLIC_KEY, 'base64')),
        }
      : null,
    webDistDir: path.resolve(env.WEB_DIST_DIR),
    timeZone: env.FARO_TIMEZONE,
    secretKey: env.FARO_SECRET_KEY ? Buffer.from(env.FARO_SECRET_KEY, 'base64') : undefined,
    openOnlyKeys: [...(env.FARO_OLD_SECRET_KEYS?.split(',') ?? []), env.FARO_NEXT_SECRET_KEY ?? '']
      .filter((key) => key.trim())
      .map((key) => Buffer.from(key.trim(), 'base64')),
    // Beside the data folder, not in it: a copy or backup of the data must not carry the key that opens it.
    keyFile: path.resolve(env.FARO_SECRET_KEY_FILE ?? `${dataDir}.key`),
    legacyKeyFile: path.join(dataDir, 'faro-secret.key'),
    sessions: {
      idleMinutes: env.SESSION_IDLE_MINUTES,
      absoluteHours: env.SESSION_ABSOLUTE_HOURS,
      recheckSeconds: env.SESSION_RECHECK_SECONDS,
      secureCookie: https,
    },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
    sms:
      env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM
        ? {
            accountSid: env.TWILIO_ACCOUNT_SID,
            authToken: env.TWILIO_AUTH_TOKEN,
            from: env.TWILIO_FROM,
            apiUrl: env.TWILIO_API_URL.replace(/\/$/, ''),
            segmentsPerSecond: env.SMS_MESSAGES_PER_SECOND,
            // Frozen: outbound remembers a frozen list's verdicts (a list changed in place would mislead it).
            mediaHosts: Object.freeze(env.SMS_MEDIA_HOSTS ?? [new URL(env.TWILIO_API_URL).hostname]),
          }
        : null,
    proofOfWork: env.REPORT_PROOF_OF_WORK ? { maxCounter: env.REPORT_PROOF_OF_WORK_MAX } : null,
    dispatch: {
      offerMinutes: env.DISPATCH_OFFER_MINUTES,
      checkInMinutes: env.DISPATCH_CHECK_IN_MINUTES,
      escalateMinutes: env.DISPATCH_ESCALATE_MINUTES,
    },
    alerts: {
      vapidSubject: env.VAPID_SUBJECT ?? (https ? publicUrl : 'mailto:alerts@faro.invalid'),
      delivery: {
        leaseSeconds: env.ALERT_DELIVERY_LEASE_SECONDS,
        maxAttempts: env.ALERT_DELIVERY_MAX_ATTEMPTS,
        backoffSeconds: env.ALERT_DELIVERY_BACKOFF_SECONDS,
        jobBudgetMs: env.ALERT_SEND_JOB_SECONDS * 1000,
        sendersPerProcess: env.ALERT_SENDERS_PER_PROCESS,
      },
    },
    rateLimits: {
      reportsPerMinute: env.REPORT_RATE_LIMIT_PER_MINUTE,
      lookupsPerMinute: env.LOOKUP_RATE_LIMIT_PER_MINUTE,
      alertReadsPerMinute: env.ALERT_READS_PER_MINUTE,
      pageViewsPerMinute: env.PAGE_VIEWS_PER_MINUTE,
      scriptlessForms: {
        'report-form': {
          perClientPerHour: env.REPORT_FORM_POSTS_PER_HOUR,
          totalPerHour: env.REPORT_FORM_POSTS_PER_HOUR_TOTAL,
        },
        'subscribe-form': {
          perClientPerHour: env.SUBSCRIBE_FORM_POSTS_PER_HOUR,
          totalPerHour: env.SUBSCRIBE_FORM_POSTS_PER_HOUR_TOTAL,
        },
      },
    },
    outbound: { allowLoopback: env.OUTBOUND_ALLOW_LOOPBACK, http2Cleartext: env.OUTBOUND_H2C },
    push: {
      // web-push-testing and benchmark sinks listen on this machine: with the test-only allowance, so may push.
      hosts: Object.freeze([
        ...env.PUSH_SERVICE_HOSTS,
        ...(env.OUTBOUND_ALLOW_LOOPBACK ? ['localhost', '127.0.0.1'] : []),
      ]),
      timeoutMs: Math.round(env.PUSH_TIMEOUT_SECONDS * 1000),
      perOrigin: env.PUSH_CONCURRENCY_PER_ORIGIN,
      encryptionThreads: env.PUSH_ENCRYPTION_THREADS,
    },
    metrics: {
      token: env.METRICS_TOKEN,
      port: env.METRICS_PORT,
      host: env.METRICS_HOST,
      cacheMs: env.METRICS_CACHE_SECONDS * 1000,
    },
    subscriptions: {
      maxZones: env.SUBSCRIPTION_MAX_ZONES,
      sms: {
        countryCodes: splitList(env.SMS_SUBSCRIBE_COUNTRY_CODES),
        refusedPrefixes: splitList(env.SMS_SUBSCRIBE_REFUSED_PREFIXES),
      },
      perAddressPerHour: env.SUBSCRIBE_PER_ADDRESS_PER_HOUR,
      confirmationsPerDay: env.SUBSCRIPTION_CONFIRMATIONS_PER_DAY,
      confirmationGapMinutes: env.SUBSCRIPTION_CONFIRMATION_GAP_MINUTES,
    },
  };
}

/** Loads the config or prints every problem and exits non-zero. */
export function loadConfigOrExit(overrides: Record<string, string | undefined> = {}): Config {
  try {
    return loadConfig({ ...process.env, ...overrides });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
