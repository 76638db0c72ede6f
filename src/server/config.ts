import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** Trusting X-Forwarded-For: no proxy, a count of proxy hops, or the proxies' addresses and networks. */
export type TrustProxy = false | { hops: number } | { addresses: string[] };

/** proxy-addr's names for address ranges, accepted beside addresses and CIDR networks. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const TRUST_PROXY_HELP =
  'set the number of proxies in front of Faro (TRUST_PROXY=1) or their addresses ' +
  '(TRUST_PROXY=10.0.0.1 or TRUST_PROXY=10.0.0.0/8,fd00::/8), or false when clients connect directly';

function parseTrustProxy(value: string): TrustProxy | string {
  const text = value.trim().toLowerCase();
  if (text === 'false' || text === '0' || text === '') return false;
  if (text === 'true') {
    return `"true" would believe any client that sends X-Forwarded-For, so anyone could pose as many addresses and escape every per-address limit: ${TRUST_PROXY_HELP}`;
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops <= 10 ? { hops } : `${hops} proxy hops is not plausible: ${TRUST_PROXY_HELP}`;
  }
  const addresses = text.split(',').map((entry) => entry.trim());
  const wrong = addresses.filter(
    (entry) => !(PROXY_RANGE_NAMES.has(entry) || ipaddr.isValid(entry) || ipaddr.isValidCIDR(entry)),
  );
  if (wrong.length > 0) return `${wrong.join(', ')} is not an address or network: ${TRUST_PROXY_HELP}`;
  return { addresses };
}
/** Where browsers' Web Push subscriptions point: FCM (Chrome, Android, Samsung, Opera), Mozilla, Windows (Edge), Apple (Safari). */
export const DEFAULT_PUSH_SERVICE_HOSTS = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  '*.notify.windows.com',
  'web.push.apple.com',
  '*.push.apple.com',
];

/**
 * North American numbers that cost far more than a text at home: premium
 * rate (900, and the 976 exchange of every area code) and the Caribbean and
 * Atlantic members of +1, billed as international (the usual targets of SMS
 * toll fraud).
 */
export const DEFAULT_REFUSED_SMS_PREFIXES = [
  '1900',
  '1xxx976',
  ...['242', '246', '264', '268', '284', '345', '441', '473', '649', '658', '664', '721', '758', '767']
    .concat(['784', '809', '829', '849', '868', '869', '876'])
    .map((area) => `1${area}`),
];

/** A comma-separated list of host names (`*.name` allowed), lower-cased. */
const hostList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
  )
  .refine(
    (hosts) => hosts.length > 0 && hosts.every((host) => /^(\*\.)?[a-z0-9.-]+$/.test(host)),
    'must be host names such as push.example.org or *.example.org, comma-separated',
  );

/** Every setting Faro reads from the environment, parsed once at start-up. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  FARO_DATA_DIR: z.string().min(1).default('./data'),
  /** Where the server key lives when FARO_SECRET_KEY is not set; never inside the data folder. */
  FARO_SECRET_KEY_FILE: z.string().min(1).optional(),
  FARO_DEMO: z.enum(['auto', 'true', 'false']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, context) => {
      const parsed = parseTrustProxy(value);
      if (typeof parsed !== 'string') return parsed;
      context.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }),
  /** Slow clients: how long a whole request (headers and body) may take, and the headers alone. */
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(10),
  /** An idle keep-alive connection is closed after this long; a connection silent this long mid-request too. */
  HTTP_KEEP_ALIVE_SECONDS: z.coerce.number().min(1).max(600).default(5),
  HTTP_IDLE_TIMEOUT_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /** Open connections at once from one client address (an IPv6 /64 counts as one address). */
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(64),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  RETENTION_EXACT_LOCATION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  RETENTION_CALLBACK_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(72),
  JOB_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  WEB_DIST_DIR: z.string().min(1).default('./dist/web'),
  /** The coalition's time zone (IANA), for times of day in alerts. */
  FARO_TIMEZONE: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as America/Los_Angeles')
    .default('America/Los_Angeles'),
  FARO_SECRET_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 random bytes, base64-encoded')
    .optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Faro <faro@localhost>'),
  TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  /** The number (E.164) or Messaging Service SID (MG…) replies are sent from. */
  TWILIO_FROM: z.string().min(1).optional(),
  TWILIO_API_URL: z.url().default('https://api.twilio.com'),
  /** The public form's proof of work: how far a browser must count (about a second on a cheap phone). */
  REPORT_PROOF_OF_WORK: z.stringbool().default(true),
  REPORT_PROOF_OF_WORK_MAX: z.coerce.number().int().min(100).max(10_000_000).default(40_000),
  /** The sending number's limit: SMS segments per second (a US long code: 1; toll-free: 3; short code: 100). */
  SMS_MESSAGES_PER_SECOND: z.coerce.number().min(0.1).max(1000).default(1),
  /** Who runs this push sender (RFC 8292): a mailto: or https: address push services can reach. */
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, 'must start with mailto: or https://')
    .optional(),
  /** How long a delivery worker holds the recipients it claimed before another may take them. */
  ALERT_DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(2).max(3600).default(60),
  ALERT_DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  ALERT_DELIVERY_BACKOFF_SECONDS: z.coerce.number().min(0.1).max(3600).default(10),
  /** How long a responder has to answer an offer before it goes to the next one. */
  DISPATCH_OFFER_MINUTES: z.coerce.number().min(0.5).max(60).default(3),
  /** How often a responder on scene must say they are safe before the dispatcher is alerted. */
  DISPATCH_CHECK_IN_MINUTES: z.coerce.number().min(1).max(120).default(15),
  /** A check-in still missing this long after dispatchers were alerted is texted to the responder's backup contact. */
  DISPATCH_ESCALATE_MINUTES: z.coerce.number().min(0).max(120).default(5),
  REPORT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
  LOOKUP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /** Public alert reads (list, feed, CAP) per client address: the page polls once a minute; 304s count too. */
  ALERT_READS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /** Test-only: outbound requests may reach this machine (127.0.0.1, ::1, localhost), over http too. */
  OUTBOUND_ALLOW_LOOPBACK: z.stringbool().default(false),
  /** Push services browsers' endpoints may point at: host names, `*.name` for any name under one. */
  PUSH_SERVICE_HOSTS: hostList.default([...DEFAULT_PUSH_SERVICE_HOSTS]),
  PUSH_TIMEOUT_SECONDS: z.coerce.number().min(0.5).max(60).default(5),
  PUSH_CONCURRENCY_PER_ORIGIN: z.coerce.number().int().min(1).max(1024).default(256),
  /** Hosts MMS pictures (and redirects to them) may be fetched from; default the provider API's host. */
  SMS_MEDIA_HOSTS: hostList.optional(),
  SUBSCRIPTION_MAX_ZONES: z.coerce.number().int().min(1).max(50).default(10),
  /** Country calling codes SMS subscriptions may have (digits, no +), comma-separated. */
  SMS_SUBSCRIBE_COUNTRY_CODES: z
    .string()
    .regex(/^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$/, 'must be country calling codes such as 1 or 1,52')
    .default('1'),
  /** Number prefixes refused for SMS subscriptions (digits after +; x for any digit): premium and foreign-rate ranges. */
  SMS_SUBSCRIBE_REFUSED_PREFIXES: z
    .string()
    .regex(/^[\dx,\s]*$/i, 'must be digit prefixes (x for any digit), comma-separated')
    .default(DEFAULT_REFUSED_SMS_PREFIXES.join(',')),
  SUBSCRIBE_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(20),
  SUBSCRIPTION_CONFIRMATIONS_PER_DAY: z.coerce.number().int().min(1).max(1000).default(3),
  SUBSCRIPTION_CONFIRMATION_GAP_MINUTES: z.coerce.number().min(0).max(1440).default(5),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /** How often a live stream checks that its session still allows it (at most 30 s; tests go faster). */
  SESSION_RECHECK_SECONDS: z.coerce.number().min(0.05).max(30).default(30),
});

export type Env = z.input<typeof envSchema>;

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
  database: { kind: 'postgres'; url: string; poolSize: number } | { kind: 'pglite'; dataDir: string };
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
  retention: { exactLocationDays: number; callbackHours: number };
  jobs: { pollSeconds: number };
  webDistDir: string;
  /** The coalition's time zone (IANA), for times of day in alerts. */
  timeZone: string;
  /** The key for fields encrypted at rest; when not given, `keyFile` is made on first start. */
  secretKey: Uint8Array | undefined;
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
    mediaHosts: string[];
  } | null;
  dispatch: { offerMinutes: number; checkInMinutes: number; escalateMinutes: number };
  /** Web Push sender identity and the alert delivery pipeline's pace. */
  alerts: {
    vapidSubject: string;
    delivery: { leaseSeconds: number; maxAttempts: number; backoffSeconds: number; jobBudgetMs: number };
  };
  /** The public form's proof of work (ALTCHA); null when switched off. */
  proofOfWork: { maxCounter: number } | null;
  /** Requests per minute per client address on the public endpoints. */
  rateLimits: { reportsPerMinute: number; lookupsPerMinute: number; alertReadsPerMinute: number };
  /** Requests to other servers (push services, the SMS provider). */
  outbound: { allowLoopback: boolean };
  push: { hosts: string[]; timeoutMs: number; perOrigin: number };
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

/** A problem the operator must fix before Faro can start, said in one sentence (no stack trace). */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** Parses the given environment (default: process.env) into a Config, or throws ConfigError. */
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
  const publicUrl = publicBaseUrl(env, seedDemo);
  if (typeof publicUrl !== 'string') problems.push(publicUrl.problem);
  if (problems.length > 0 || typeof publicUrl !== 'string') throw new ConfigError(problems);
  const dataDir = path.resolve(env.FARO_DATA_DIR);
  const https = publicUrl.startsWith('https://');
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    publicUrl,
    database,
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
    },
    jobs: { pollSeconds: env.JOB_POLL_SECONDS },
    webDistDir: path.resolve(env.WEB_DIST_DIR),
    timeZone: env.FARO_TIMEZONE,
    secretKey: env.FARO_SECRET_KEY ? Buffer.from(env.FARO_SECRET_KEY, 'base64') : undefined,
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
            mediaHosts: env.SMS_MEDIA_HOSTS ?? [new URL(env.TWILIO_API_URL).hostname],
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
        jobBudgetMs: 60_000,
      },
    },
    rateLimits: {
      reportsPerMinute: env.REPORT_RATE_LIMIT_PER_MINUTE,
      lookupsPerMinute: env.LOOKUP_RATE_LIMIT_PER_MINUTE,
      alertReadsPerMinute: env.ALERT_READS_PER_MINUTE,
    },
    outbound: { allowLoopback: env.OUTBOUND_ALLOW_LOOPBACK },
    push: {
      // web-push-testing and benchmark sinks listen on this machine: with the test-only allowance, so may push.
      hosts: [...env.PUSH_SERVICE_HOSTS, ...(env.OUTBOUND_ALLOW_LOOPBACK ? ['localhost', '127.0.0.1'] : [])],
      timeoutMs: Math.round(env.PUSH_TIMEOUT_SECONDS * 1000),
      perOrigin: env.PUSH_CONCURRENCY_PER_ORIGIN,
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
