// What each environment variable is for, and its default as an operator reads it: the one source of
// the reference in docs/DEPLOY.md (`npm run docs:env` writes it there; test/env-catalogue.test.ts
// fails when that page or this catalogue falls behind the schema in config-env.ts).
import type { z } from 'zod';
import { envSchema } from './config-env.js';

export type EnvKey = keyof typeof envSchema.shape;

export interface EnvDoc {
  /** The heading it is listed under. */
  group: string;
  /** What it does, in a phrase (Markdown). */
  description: string;
  /** The default in words, where the schema's own value would not say it (a list, a derived value). */
  shownDefault?: string;
}

/** Every variable of the schema: a key missing here is a type error, and one not in the schema too. */
export const ENV_CATALOGUE: { [K in EnvKey]: EnvDoc } = {
  // Process
  NODE_ENV: {
    group: 'Process',
    description:
      '`production` refuses test-only settings (`OUTBOUND_ALLOW_LOOPBACK`, `OUTBOUND_H2C`); `test` lets tests run without `PUBLIC_URL`',
  },
  FARO_ROLE: {
    group: 'Process',
    description:
      'what this process does: `web` serves the app and the API and sends jobs, runs none; `worker` runs jobs, the grouper and what stopped workers left, and answers only `/healthz` and `/readyz`; `all` both. `web` and `worker` need PostgreSQL; `faro start --role` wins over it',
  },
  HOST: { group: 'Process', description: 'address to listen on (`0.0.0.0` to serve phones on the LAN)' },
  PORT: { group: 'Process', description: 'HTTP port' },
  LOG_LEVEL: { group: 'Process', description: '`fatal` … `trace`, or `silent`' },
  SHUTDOWN_TIMEOUT_MS: { group: 'Process', description: 'longest wait for in-flight work at shutdown' },
  WEB_DIST_DIR: { group: 'Process', description: 'built web app' },
  FARO_TIMEZONE: { group: 'Process', description: 'IANA time zone for times of day in alerts' },
  FARO_DEMO: {
    group: 'Process',
    description: 'demo coalition and Los Angeles zones on first start; `auto` = only with PGlite',
  },
  // Database, files and the server key
  DATABASE_URL: {
    group: 'Database, files and the server key',
    description: '`postgres://…` to use PostgreSQL 15+; unset = embedded PGlite',
  },
  DB_POOL_SIZE: {
    group: 'Database, files and the server key',
    description: 'PostgreSQL connections per process',
  },
  FARO_DATA_DIR: {
    group: 'Database, files and the server key',
    description: 'PGlite data folder (kept private: folder 0700, files 0600)',
  },
  FARO_SECRET_KEY: {
    group: 'Database, files and the server key',
    description:
      'the server key (32 random bytes, base64): seals sensitive fields; the same in every process',
  },
  FARO_SECRET_KEY_FILE: {
    group: 'Database, files and the server key',
    description:
      'where the key is made and kept when `FARO_SECRET_KEY` is not set; never inside the data folder',
    shownDefault: '`<FARO_DATA_DIR>.key`',
  },
  FARO_OLD_SECRET_KEYS: {
    group: 'Database, files and the server key',
    description:
      'older server keys (comma-separated base64) that only open values, during a rotation; see [Rotating the server key](OPERATIONS.md#rotating-the-server-key)',
  },
  FARO_NEXT_SECRET_KEY: {
    group: 'Database, files and the server key',
    description:
      'a key announced before it becomes current: opened, never used to seal (so a rolling restart onto a new key never meets a value it cannot open)',
  },
  EVIDENCE_STORE_DIR: {
    group: 'Database, files and the server key',
    description:
      "keep sealed evidence originals as files in this folder instead of in the database (a lot of video; the chunks' hashes, chain and custody stay in the database). Every Faro process must see the same folder; back it up together with the database. Switching back to the database is not supported",
    shownDefault: '(none: in the database)',
  },
  JOB_POLL_SECONDS: {
    group: 'Database, files and the server key',
    description: 'how often job workers look for work',
  },
  // Public address, proxy and slow clients
  PUBLIC_URL: {
    group: 'Public address, proxy and slow clients',
    description:
      'the public `https://…` address, the only source of links; required outside the demo; https turns on HSTS',
  },
  TRUST_PROXY: {
    group: 'Public address, proxy and slow clients',
    description:
      "who may say the client's address: `1` (proxy hops), or the proxies' addresses/networks (`10.0.0.1,fd00::/8`); never `true`",
  },
  HTTP_REQUEST_TIMEOUT_SECONDS: {
    group: 'Public address, proxy and slow clients',
    description: 'longest time to receive a whole request (headers and body); then 408',
  },
  HTTP_HEADERS_TIMEOUT_SECONDS: {
    group: 'Public address, proxy and slow clients',
    description: "longest time to receive a request's headers",
  },
  HTTP_IDLE_TIMEOUT_SECONDS: {
    group: 'Public address, proxy and slow clients',
    description: 'a connection silent this long is closed (live streams excepted)',
  },
  HTTP_KEEP_ALIVE_SECONDS: {
    group: 'Public address, proxy and slow clients',
    description: 'an idle keep-alive connection is closed after this',
  },
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: {
    group: 'Public address, proxy and slow clients',
    description:
      'open connections at once from one client address (an IPv6 /64 is one address); more are answered 503',
  },
  // Public forms and their limits
  REPORT_PROOF_OF_WORK: {
    group: 'Public forms and their limits',
    description: 'the public report form and subscribing ask the browser for a proof of work (ALTCHA v2)',
  },
  REPORT_PROOF_OF_WORK_MAX: {
    group: 'Public forms and their limits',
    description: 'how far it counts at most (about a second on a cheap phone)',
  },
  REPORT_RATE_LIMIT_PER_MINUTE: {
    group: 'Public forms and their limits',
    description: 'reports (and photos) per minute per client address on the public form',
  },
  REPORT_FORM_POSTS_PER_HOUR: {
    group: 'Public forms and their limits',
    description:
      'reports per hour per client address sent from the form with scripts off (no proof of work there; counted in the database)',
  },
  REPORT_FORM_POSTS_PER_HOUR_TOTAL: {
    group: 'Public forms and their limits',
    description:
      'such reports per hour from everyone together; past it the form gives the hotline and text numbers',
  },
  SUBSCRIBE_FORM_POSTS_PER_HOUR: {
    group: 'Public forms and their limits',
    description:
      'subscription requests per hour per client address from the subscribe form with scripts off (in the database)',
  },
  SUBSCRIBE_FORM_POSTS_PER_HOUR_TOTAL: {
    group: 'Public forms and their limits',
    description: 'such subscription requests per hour from everyone together',
  },
  LOOKUP_RATE_LIMIT_PER_MINUTE: {
    group: 'Public forms and their limits',
    description:
      'receipt lookups, challenges, subscription reads and the evidence key (`/.well-known/faro-evidence-key`) per minute per client address',
  },
  ALERT_READS_PER_MINUTE: {
    group: 'Public forms and their limits',
    description: 'public alert reads (list, feed, each CAP) per minute per client address; 304s count too',
  },
  PAGE_VIEWS_PER_MINUTE: {
    group: 'Public forms and their limits',
    description:
      "views of each page (home, report form, subscribe, status) per minute per client address; generous because a school's phones share one address. A page made from the same data in the last 5 s is sent again, not rendered again",
  },
  // Retention
  RETENTION_EXACT_LOCATION_DAYS: {
    group: 'Retention',
    description: 'after this, exact position, cross streets and free text of a report are deleted',
  },
  RETENTION_CALLBACK_HOURS: {
    group: 'Retention',
    description: "after this, a hotline caller's callback number is deleted",
  },
  RETENTION_EVIDENCE_DAYS: {
    group: 'Retention',
    description:
      "evidence originals (recordings) are deleted after this unless the legal team placed a hold; the item's facts and chain of custody stay",
  },
  RETENTION_CLOSED_CASE_DAYS: {
    group: 'Retention',
    description:
      'a closed case is deleted this long after it was closed unless on hold; the audit log keeps that it existed, not what it held',
  },
  // SMS and e-mail
  TWILIO_ACCOUNT_SID: {
    group: 'SMS and e-mail',
    description: 'SMS: the provider account (all three `TWILIO_*` or none)',
  },
  TWILIO_AUTH_TOKEN: {
    group: 'SMS and e-mail',
    description: 'SMS: verifies inbound webhook signatures and authenticates replies',
  },
  TWILIO_FROM: {
    group: 'SMS and e-mail',
    description: 'SMS: the number (E.164) or Messaging Service SID (`MG…`) replies come from',
  },
  TWILIO_API_URL: {
    group: 'SMS and e-mail',
    description: 'SMS: the Messages API base URL',
    shownDefault: "Twilio's",
  },
  SMS_MESSAGES_PER_SECOND: {
    group: 'SMS and e-mail',
    description: 'SMS segments per second the sending number may send (long code 1, toll-free 3)',
  },
  SMS_MEDIA_HOSTS: {
    group: 'SMS and e-mail',
    description: 'hosts MMS pictures, and redirects to them, may be fetched from (`*.name` allowed)',
    shownDefault: "the API's host",
  },
  SMTP_URL: {
    group: 'SMS and e-mail',
    description: '`smtp://…` for e-mail alerts, confirmations and invitations',
  },
  MAIL_FROM: { group: 'SMS and e-mail', description: 'the From of every e-mail Faro sends' },
  // Alerts and Web Push
  VAPID_SUBJECT: {
    group: 'Alerts and Web Push',
    description: 'Web Push sender contact (`mailto:` or `https://`) push services may use',
    shownDefault: 'PUBLIC_URL, if https',
  },
  ALERT_DELIVERY_LEASE_SECONDS: {
    group: 'Alerts and Web Push',
    description: 'how long a delivery worker holds what it claimed before another may retake it',
  },
  ALERT_DELIVERY_MAX_ATTEMPTS: {
    group: 'Alerts and Web Push',
    description: 'tries per message before it counts as failed',
  },
  ALERT_DELIVERY_BACKOFF_SECONDS: {
    group: 'Alerts and Web Push',
    description: 'first wait before a retry; doubles each time',
  },
  ALERT_SEND_JOB_SECONDS: {
    group: 'Alerts and Web Push',
    description: 'how long one alert sender job runs before a fresh job takes over',
  },
  ALERT_SENDERS_PER_PROCESS: {
    group: 'Alerts and Web Push',
    description: 'alert senders a worker process runs side by side',
  },
  PUSH_SERVICE_HOSTS: {
    group: 'Alerts and Web Push',
    description:
      'push services subscriptions may point at, comma-separated (`*.name`: any host under it); see below',
    shownDefault: 'FCM, Mozilla, WNS, Apple',
  },
  PUSH_TIMEOUT_SECONDS: {
    group: 'Alerts and Web Push',
    description:
      "longest wait for one push service's answer; a message that timed out is retried after the back-off",
  },
  PUSH_CONCURRENCY_PER_ORIGIN: {
    group: 'Alerts and Web Push',
    description: 'push messages in flight to one push service (a slow one never holds back the others)',
  },
  PUSH_ENCRYPTION_THREADS: {
    group: 'Alerts and Web Push',
    description: 'threads encrypting pushes in a worker process',
    shownDefault: 'cores + 1 (2 to 4)',
  },
  OUTBOUND_ALLOW_LOOPBACK: {
    group: 'Alerts and Web Push',
    description:
      'tests only: outbound requests may reach 127.0.0.1 / localhost, over http too; refused with `NODE_ENV=production`',
  },
  OUTBOUND_H2C: {
    group: 'Alerts and Web Push',
    description:
      'tests only: plain http to 127.0.0.1 / localhost (with `OUTBOUND_ALLOW_LOOPBACK`) speaks HTTP/2 with prior knowledge (h2c); https always asks for HTTP/2; refused with `NODE_ENV=production`',
  },
  // Subscriptions
  SUBSCRIPTION_MAX_ZONES: { group: 'Subscriptions', description: 'zones one subscription may cover' },
  SMS_SUBSCRIBE_COUNTRY_CODES: {
    group: 'Subscriptions',
    description:
      "country calling codes SMS subscriptions may have (digits, comma-separated): the coalition's country",
  },
  SMS_SUBSCRIBE_REFUSED_PREFIXES: {
    group: 'Subscriptions',
    description: 'number prefixes (digits after `+`, `x` any digit) refused for SMS subscriptions; see below',
    shownDefault: 'premium, Caribbean',
  },
  SUBSCRIBE_PER_ADDRESS_PER_HOUR: {
    group: 'Subscriptions',
    description: 'subscription requests per client address per hour (shared by all processes)',
  },
  SUBSCRIPTION_CONFIRMATIONS_PER_DAY: {
    group: 'Subscriptions',
    description: 'confirmations one destination (address, number, device) gets per day, however many ask',
  },
  SUBSCRIPTION_CONFIRMATION_GAP_MINUTES: {
    group: 'Subscriptions',
    description: 'shortest time between two confirmations to one destination',
  },
  // Dispatch and staff sessions
  DISPATCH_OFFER_MINUTES: {
    group: 'Dispatch and staff sessions',
    description: 'how long a responder has to accept an offer before it goes to the next one',
  },
  DISPATCH_CHECK_IN_MINUTES: {
    group: 'Dispatch and staff sessions',
    description: 'on scene: how often a responder must say they are safe',
  },
  DISPATCH_ESCALATE_MINUTES: {
    group: 'Dispatch and staff sessions',
    description:
      "a missed check-in still missing this long after dispatchers were alerted is texted to the responder's backup contact",
  },
  SESSION_IDLE_MINUTES: {
    group: 'Dispatch and staff sessions',
    description: 'a staff session unused this long ends',
  },
  SESSION_ABSOLUTE_HOURS: {
    group: 'Dispatch and staff sessions',
    description: 'a staff session ends this long after sign-in, however busy',
  },
  SESSION_RECHECK_SECONDS: {
    group: 'Dispatch and staff sessions',
    description:
      'how often each live stream (board, responder app) checks its session in the database; at most 30',
  },
  // Backups
  BACKUP_DIR: {
    group: 'Backups',
    description:
      'scheduled backups are written into this folder (needs `BACKUP_PUBLIC_KEY`); see [BACKUPS.md](BACKUPS.md)',
  },
  BACKUP_PUBLIC_KEY: {
    group: 'Backups',
    description:
      'the public key from `faro backup keygen`: scheduled backups (and `faro backup` by default) are encrypted to it; its private key stays off the server',
  },
  BACKUP_EVERY_HOURS: {
    group: 'Backups',
    description: 'a scheduled backup is written when the newest in `BACKUP_DIR` is this old (checked hourly)',
  },
  BACKUP_KEEP: {
    group: 'Backups',
    description: 'the newest this many scheduled backups are kept; older ones are deleted',
  },
  // Metrics
  METRICS_TOKEN: {
    group: 'Metrics',
    description:
      'a bearer token (32+ characters) that opens `/metrics` on the main port; unset, the route does not exist there. Send it as `Authorization: Bearer …`, never in the URL',
  },
  METRICS_PORT: {
    group: 'Metrics',
    description:
      'serve `/metrics` (and nothing else) on a listener of its own at this port; a worker process can use it too',
  },
  METRICS_HOST: {
    group: 'Metrics',
    description: 'the address that listener binds; change it only to a private network Prometheus is on',
  },
  METRICS_CACHE_SECONDS: {
    group: 'Metrics',
    description:
      'values read from the database for `/metrics` are reused this long, however often anyone scrapes',
  },
};

/** The schema's default of a variable as written in the environment, or undefined when it has none. */
export function schemaDefault(key: EnvKey): string | undefined {
  let schema = envSchema.shape[key] as z.ZodType;
  for (;;) {
    const def = schema._zod.def as { type: string; in?: z.ZodType; defaultValue?: unknown };
    if (def.type === 'default') {
      const value = def.defaultValue;
      return Array.isArray(value) ? value.join(',') : String(value);
    }
    if (def.type === 'pipe' && def.in) schema = def.in;
    else return undefined;
  }
}

/** The marks in docs/DEPLOY.md between which the reference is generated. */
export const ENV_TABLE_BEGIN =
  '<!-- env:begin (generated by `npm run docs:env` from src/server/config-catalogue.ts) -->';
export const ENV_TABLE_END = '<!-- env:end -->';

/** The reference as Markdown: one table per group, in the catalogue's order, columns padded. */
export function envReferenceMarkdown(): string {
  const byGroup = new Map<string, string[][]>();
  for (const [key, doc] of Object.entries(ENV_CATALOGUE) as [EnvKey, EnvDoc][]) {
    const fromSchema = schemaDefault(key);
    const shown = doc.shownDefault ?? (fromSchema === undefined ? '—' : `\`${fromSchema}\``);
    const rows = byGroup.get(doc.group) ?? [];
    rows.push([`\`${key}\``, shown, doc.description]);
    byGroup.set(doc.group, rows);
  }
  const sections: string[] = [];
  for (const [group, rows] of byGroup) {
    const all = [['variable', 'default', 'meaning'], ...rows];
    const widths = [0, 1, 2].map((column) => Math.max(3, ...all.map((row) => (row[column] ?? '').length)));
    const line = (row: string[]) =>
      `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
    const [head, ...body] = all as [string[], ...string[][]];
    sections.push(
      [
        `### ${group}`,
        '',
        line(head),
        `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
        ...body.map(line),
      ].join('\n'),
    );
  }
  return sections.join('\n\n');
}

/** The page with its reference replaced by the generated one; throws when the marks are missing. */
export function withEnvReference(page: string): string {
  const begin = page.indexOf(ENV_TABLE_BEGIN);
  const end = page.indexOf(ENV_TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`the page lacks ${ENV_TABLE_BEGIN} … ${ENV_TABLE_END}`);
  return `${page.slice(0, begin + ENV_TABLE_BEGIN.length)}\n\n${envReferenceMarkdown()}\n\n${page.slice(end)}`;
}
