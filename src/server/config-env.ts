// Every setting Faro reads from the environment, and how each is parsed (config.ts turns them into a Config).
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { PROCESS_ROLES } from './process-roles.js';

export { PROCESS_ROLES, type ProcessRole } from './process-roles.js';

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
export const envSchema = z.object({
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
  /** What this process does: serve HTTP (`web`), run jobs and the grouper (`worker`), or both (`all`). */
  FARO_ROLE: z.enum(PROCESS_ROLES).default('all'),
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
  /** Evidence originals are kept this long unless the legal team holds them (said on the recording screen). */
  RETENTION_EVIDENCE_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** A closed case is deleted this long after it was closed, unless on hold; the audit log keeps that it existed. */
  RETENTION_CLOSED_CASE_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /**
   * Evidence originals (sealed) kept as files in this folder instead of in the database: for
   * coalitions with a lot of video. Every Faro process must see the same folder; back it up with
   * the database.
   */
  EVIDENCE_STORE_DIR: z.string().min(1).optional(),
  /**
   * Scheduled backups (docs/BACKUPS.md): the folder they are written to, encrypted to
   * BACKUP_PUBLIC_KEY only (the server never holds what opens its own backups).
   */
  BACKUP_DIR: z.string().min(1).optional(),
  /** The public key from `faro backup keygen` (base64, 32 bytes). */
  BACKUP_PUBLIC_KEY: z
    .string()
    .refine(
      (value) => Buffer.from(value, 'base64').length === 32,
      'must be the public key `faro backup keygen` printed',
    )
    .optional(),
  BACKUP_EVERY_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  /** How many of the newest scheduled backups are kept in BACKUP_DIR; older ones are deleted. */
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
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
  /** Keys of before a rotation (comma-separated base64): they only open values (docs/OPERATIONS.md). */
  FARO_OLD_SECRET_KEYS: z
    .string()
    .refine(
      (value) => value.split(',').every((key) => Buffer.from(key.trim(), 'base64').length === 32),
      'must be keys of 32 random bytes, base64-encoded, separated by commas',
    )
    .optional(),
  /** The key a rotation will make current, announced first so every process can open what it seals. */
  FARO_NEXT_SECRET_KEY: z
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
  /** How long one alert sender job runs before it hands over to a fresh job. */
  ALERT_SEND_JOB_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /** Alert senders each worker process runs side by side (an alert's push beside its texts, a cancel beside both). */
  ALERT_SENDERS_PER_PROCESS: z.coerce.number().int().min(1).max(64).default(4),
  /** How long a responder has to answer an offer before it goes to the next one. */
  DISPATCH_OFFER_MINUTES: z.coerce.number().min(0.5).max(60).default(3),
  /** How often a responder on scene must say they are safe before the dispatcher is alerted. */
  DISPATCH_CHECK_IN_MINUTES: z.coerce.number().min(1).max(120).default(15),
  /** A check-in still missing this long after dispatchers were alerted is texted to the responder's backup contact. */
  DISPATCH_ESCALATE_MINUTES: z.coerce.number().min(0).max(120).default(5),
  REPORT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
  LOOKUP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /**
   * Reports per client address per hour from the form posted without scripts,
   * where no proof of work can run: a person reports a few times an hour, a script
   * many; the phone's own scripts (with the proof of work) are not limited by it.
   */
  REPORT_FORM_POSTS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(6),
  /**
   * Reports per hour from the form without scripts, from everyone together: past it the page gives
   * the hotline and text numbers, so a flood from many addresses cannot bury the board.
   */
  REPORT_FORM_POSTS_PER_HOUR_TOTAL: z.coerce.number().int().min(1).max(10_000_000).default(300),
  /**
   * Pages (the report form, the alerts, the home page, "not found") per client address per minute:
   * generous, since a school's or a shelter's many phones share one address.
   */
  PAGE_VIEWS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(240),
  /**
   * Subscription requests per client address per hour from the subscribe form posted without
   * scripts (no proof of work there either): a person asks once or twice, a script many times.
   */
  SUBSCRIBE_FORM_POSTS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(4),
  /** …and from everyone together: past it, e-mails and texts are not sent for such requests this hour. */
  SUBSCRIBE_FORM_POSTS_PER_HOUR_TOTAL: z.coerce.number().int().min(1).max(10_000_000).default(200),
  /** Public alert reads (list, feed, CAP) per client address: the page polls once a minute; 304s count too. */
  ALERT_READS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /** Test-only: outbound requests may reach this machine (127.0.0.1, ::1, localhost), over http too. */
  OUTBOUND_ALLOW_LOOPBACK: z.stringbool().default(false),
  /** Test-only: plain http to this machine speaks HTTP/2 with prior knowledge (h2c), as the fan-out bench's push sink does. */
  OUTBOUND_H2C: z.stringbool().default(false),
  /** Push services browsers' endpoints may point at: host names, `*.name` for any name under one. */
  PUSH_SERVICE_HOSTS: hostList.default([...DEFAULT_PUSH_SERVICE_HOSTS]),
  PUSH_TIMEOUT_SECONDS: z.coerce.number().min(0.5).max(60).default(5),
  PUSH_CONCURRENCY_PER_ORIGIN: z.coerce.number().int().min(1).max(1024).default(256),
  /** Threads encrypting pushes in a worker process; unset: one more than the cores (2 to 4). */
  PUSH_ENCRYPTION_THREADS: z.coerce.number().int().min(1).max(64).optional(),
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
  /**
   * /metrics on the main port, for a caller sending `Authorization: Bearer <token>` (absent: the
   * route does not exist there). At least 32 characters: it guards what Faro is doing right now.
   */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  /** /metrics on a listener of its own (never the public one): its port, and the address it binds. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** The values read from the database for /metrics are reused this long, whoever scrapes how often. */
  METRICS_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(5),
  /** How often a live stream checks that its session still allows it (at most 30 s; tests go faster). */
  SESSION_RECHECK_SECONDS: z.coerce.number().min(0.05).max(30).default(30),
});

export type Env = z.input<typeof envSchema>;
