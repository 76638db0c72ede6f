import { createHmac } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../db/database.js';
import { groupCommit } from '../db/group-commit.js';
import { clientKeyOf } from './client-address.js';
import { AppError } from './errors.js';
import { loggableError } from './logger.js';
import { countHits, type Hit, sweepHits } from './rate-limit-store.repo.js';

/**
 * How much of the address's digest names a counter: 20 bits, so each stands for thousands of IPv4
 * addresses — enough to tell the clients of one minute apart, too little to test a guessed address
 * against (as the scriptless forms' counters, form-throttle.repo.ts).
 */
export const RATE_LIMIT_KEY_HEX_DIGITS = 5;

/**
 * Limits on the public endpoints, per client (`clientKey`: an address, or an IPv6 /64) — but the
 * address is never kept: the key is 20 bits of an HMAC of it with a salt that changes every day.
 * The salt is derived from the server key and the date, so every Faro process behind a load
 * balancer names a client alike (their counters are shared in the database).
 */
export function addressKeyer(box: SecretBox, now: () => Date = () => new Date()) {
  let day = '';
  let salt = '';
  return (request: FastifyRequest): string => {
    const today = now().toISOString().slice(0, 10);
    if (today !== day) {
      day = today;
      salt = box.digest(day, 'rate-limit-salt');
    }
    return createHmac('sha256', salt)
      .update(clientKeyOf(request))
      .digest('hex')
      .slice(0, RATE_LIMIT_KEY_HEX_DIGITS);
  };
}

/** What the limits need: the database that holds the counters, the key that salts the addresses. */
export interface RateLimitDeps {
  database: Database;
  box: SecretBox;
}

type Counted = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Counted) => void;

/** How often a process deletes ended windows, and how many rows at most each time. */
const SWEEP_EVERY_MS = 10_000;
const SWEEP_LIMIT = 1000;
/** How many keys the fallback (database unreachable) keeps in memory; and the refusals remembered. */
const FALLBACK_KEYS = 5000;
/**
 * Batches of counts on their way at once, and counts in one batch. Two: while one batch is on its
 * way the next gathers, so a lone request never waits for company, and in a surge the counts take
 * at most two of the pool's connections — the rest stay for the reports themselves and the board.
 * 64: the statement's parameters are arrays (its text does not grow), but a batch holds its rows'
 * locks until it commits, and another process counting one of those keys waits that long.
 */
const COUNT_BATCHES_IN_FLIGHT = 2;
const COUNTS_PER_BATCH = 64;
/**
 * How long a request waits for its count before it is counted in this process instead: a count is
 * a few milliseconds; one that takes seconds sits behind a connection that stopped answering (a
 * failover), and the report behind it must not wait for TCP to give up.
 */
const COUNT_DEADLINE_MS = 2_000;

/**
 * A store for @fastify/rate-limit whose counters are rows of `rate_limit_hits` (an upsert,
 * rate-limit-store.repo.ts), so N processes give the limit once, not N times. A lone request is
 * counted at once; in a surge the requests that arrive while earlier counts are on their way are
 * counted together, in one statement (`groupCommit`): the database spends a statement and a commit
 * per batch, not per request.
 *
 * When the database does not answer the count, the store falls back to counting in this process's
 * memory, as the plugin did before (windows from the first request): neither fail-open nor
 * fail-closed. Failing closed would refuse every public request with a 429 while the counter is
 * broken — a person's report turned away by a counter, when the report itself may still be
 * storable (only the counting failed) or the form's 503 page would have said "try again". Failing
 * open would let a flood through exactly while the database is struggling. With the fallback a
 * report is never refused for the counter's sake, and a flood still meets the limit in each
 * process (N processes: N times the limit, for the outage's length). The failure is logged (at
 * most once a minute), never silent.
 *
 * A client over its limit is remembered in this process until its window ends, and refused from
 * memory: a flood costs the database one write per process and window, not one per request (the
 * database is what every report and the board need during a raid).
 */
export function databaseRateLimitStore(deps: RateLimitDeps, log: FastifyBaseLogger) {
  let lastSweep = Date.now();
  let lastWarning = 0;
  const countRequest = groupCommit((hits: readonly Hit[]) => countHits(deps.database.pool, hits), {
    inFlight: COUNT_BATCHES_IN_FLIGHT,
    maxBatch: COUNTS_PER_BATCH,
  });
  const fallback = new Map<string, { count: number; endsAt: number }>();
  const refused = new Map<string, { count: number; endsAt: number }>();
  const remember = (map: typeof refused, key: string, entry: { count: number; endsAt: number }) => {
    map.set(key, entry);
    // The oldest key goes first (a Map keeps insertion order).
    if (map.size > FALLBACK_KEYS) map.delete(map.keys().next().value ?? '');
  };

  /** Says, at most once a minute, that the database did not count. */
  const warn = (error: unknown) => {
    if (Date.now() - lastWarning <= 60_000) return;
    lastWarning = Date.now();
    log.error(
      { error: loggableError(error) },
      'rate limits: the database did not count a request; counting in this process until it does',
    );
  };

  const countInMemory = (key: string, windowMs: number): Counted => {
    const now = Date.now();
    let entry = fallback.get(key);
    if (!entry || entry.endsAt <= now) {
      fallback.delete(key);
      entry = { count: 0, endsAt: now + windowMs };
      remember(fallback, key, entry);
    }
    entry.count += 1;
    return { current: entry.count, ttl: entry.endsAt - now };
  };

  const sweep = () => {
    if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = Date.now();
    sweepHits(deps.database.db, SWEEP_LIMIT).catch(() => undefined);
  };

  return class DatabaseRateLimitStore {
    /** The route's part of every key: its method and path pattern (each route counts apart). */
    readonly route: string;

    /** `options` are the route's merged settings; `routeInfo` names the route (the plugin adds it). */
    constructor(options: object = {}) {
      const info = (options as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo ?? {};
      this.route = `${String(info.method ?? '')} ${String(info.url ?? '')}`;
    }

    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      const rowKey = `${this.route}:${key}`;
      const over = refused.get(rowKey);
      if (over && over.endsAt > Date.now()) {
        over.count += 1;
        callback(null, { current: over.count, ttl: over.endsAt - Date.now() });
        return;
      }
      if (over) refused.delete(rowKey);
      // A batch the database did not count fails each of its requests: each falls back here. So
      // does a count not answered in time (a connection that stopped answering holds its batch):
      // the request goes on, counted here; the database's late answer is dropped.
      let answered = false;
      const late = setTimeout(() => {
        if (answered) return;
        answered = true;
        warn(new Error(`no count from the database within ${COUNT_DEADLINE_MS} ms`));
        callback(null, countInMemory(rowKey, timeWindow));
      }, COUNT_DEADLINE_MS);
      countRequest({ key: rowKey, windowMs: timeWindow }).then(
        ({ count, ttlMs }) => {
          clearTimeout(late);
          if (answered) return;
          answered = true;
          sweep();
          if (count > max) remember(refused, rowKey, { count, endsAt: Date.now() + ttlMs });
          callback(null, { current: count, ttl: ttlMs });
        },
        (error: unknown) => {
          clearTimeout(late);
          if (answered) return;
          answered = true;
          warn(error);
          callback(null, countInMemory(rowKey, timeWindow));
        },
      );
    }

    child(routeOptions: object) {
      return new DatabaseRateLimitStore(routeOptions);
    }
  };
}

/** Registers the plugin; routes opt in with `config.rateLimit`. */
export async function registerRateLimits(
  app: FastifyInstance,
  deps: RateLimitDeps,
  log: FastifyBaseLogger,
): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    keyGenerator: addressKeyer(deps.box),
    store: databaseRateLimitStore(deps, log),
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'RATE_LIMITED',
        `Too many requests from your connection. Try again in ${Math.ceil(context.ttl / 1000)} seconds.`,
        {
          retryAfterSeconds: Math.ceil(context.ttl / 1000),
        },
      ),
  });
}
