import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/server/db/database.js';
import { sweepHits } from '../src/server/http/rate-limit-store.repo.js';
import { databaseRateLimitStore } from '../src/server/http/rate-limits.js';
import { createSmsChannel } from '../src/server/modules/alerts/channels/sms.js';
import { smsCost } from '../src/server/modules/alerts/sms-segments.js';
import { pacedSender } from '../src/server/modules/sms/paced-sender.js';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { mostInAnySecond } from './support/pace.js';
import { solvePow } from './support/pow.js';

/**
 * Issue 18: Faro runs as several processes behind a load balancer, on one database. What used to
 * live in each process's memory — spent proof-of-work challenges, the public routes' per-address
 * counters, the SMS number's pace — is in the database, so the limits hold once, not once per
 * process. Here two whole Faros share one database handle (test/processes.test.ts does it with
 * real processes on PostgreSQL).
 */
const LIMIT = 6;
let a: TestFaro;
let b: TestFaro;

beforeAll(async () => {
  const env = {
    REPORT_PROOF_OF_WORK: 'true',
    REPORT_PROOF_OF_WORK_MAX: '2000',
    REPORT_RATE_LIMIT_PER_MINUTE: String(LIMIT),
  };
  a = await startTestFaro({ env });
  b = await startTestFaro({ env, db: a.db });
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

const solved = async (on: TestFaro) =>
  solvePow((await on.faro.app.inject({ url: '/api/reports/challenge' })).json());
const postTo = (on: TestFaro, headers: Record<string, string>, remoteAddress: string) =>
  on.faro.app.inject({
    method: 'POST',
    url: '/api/reports',
    headers,
    remoteAddress,
    payload: buildReportInput(),
  });

/** The database, its pool counting the statements sent to it. */
function counting(real: Database) {
  let statements = 0;
  const database = {
    ...real,
    pool: new Proxy(real.pool, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'query' || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          statements += 1;
          return value.apply(target, args);
        };
      },
    }),
  } as Database;
  return { database, statements: () => statements };
}

const quiet = { error: () => undefined } as unknown as FastifyBaseLogger;

/** A rate-limit store on `database` for one route, as the plugin uses it: `count` is its `incr`. */
function storeOn(database: Database, url: string, log = quiet) {
  const Store = databaseRateLimitStore({ database, box: a.faro.box }, log);
  const routeStore = (store: InstanceType<typeof Store>) => ({
    count: (key: string, max: number, windowMs = 60_000) =>
      new Promise<{ current: number; ttl: number }>((resolve, reject) =>
        store.incr(
          key,
          (error, result) => (error || !result ? reject(error) : resolve(result)),
          windowMs,
          max,
        ),
      ),
  });
  const root = new Store({});
  const onRoute = (path: string) => root.child({ routeInfo: { method: 'POST', url: path } });
  return { ...routeStore(onRoute(url)), child: (path: string) => routeStore(onRoute(path)) };
}

describe('state shared by every Faro process through the database', () => {
  it('a proof of work accepted by one process is refused by the other', async () => {
    const header = await solved(a);
    expect((await postTo(a, header, '192.0.2.10')).statusCode).toBe(201);
    const again = await postTo(b, header, '192.0.2.11');
    expect(again.statusCode).toBe(403);
    expect(again.json().error.details.proofOfWork).toBe('reused');
  });

  it('one solution sent to both processes at once is taken exactly once', async () => {
    for (let round = 0; round < 5; round++) {
      const header = await solved(b);
      const answers = await Promise.all([postTo(a, header, '192.0.2.20'), postTo(b, header, '192.0.2.21')]);
      expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 403]);
      expect(answers.find((r) => r.statusCode === 403)?.json().error.details.proofOfWork).toBe('reused');
    }
  });

  it('a per-address limit holds across processes: requests alternated between them get it once', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 2 * LIMIT + 2; i++) {
      const on = i % 2 === 0 ? a : b;
      statuses.push((await postTo(on, await solved(on), '203.0.113.40')).statusCode);
    }
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(201));
    expect(statuses.slice(LIMIT)).toEqual(Array(LIMIT + 2).fill(429));
    // Another address, through either process, is not held back.
    expect((await postTo(b, await solved(b), '198.51.100.41')).statusCode).toBe(201);
  });

  it('the counters name no address, only 20 bits of its daily digest and the route', async () => {
    const { rows } = await a.faro.database.pool.query<{ key: string }>('select key from rate_limit_hits');
    expect(rows.length).toBeGreaterThan(0);
    for (const { key } of rows) {
      expect(key).toMatch(/^[A-Z]+ \/\S*:[0-9a-f]{5}$/);
      expect(key).not.toMatch(/203\.0\.113|192\.0\.2|198\.51/);
    }
  });

  it('two SMS channels on one database book slots that never put more than the rate in one second', async () => {
    const RATE = 10;
    const sent: string[] = [];
    const segmentMoments: number[] = [];
    const channelOn = (t: TestFaro) =>
      createSmsChannel({
        sender: pacedSender(
          {
            async send(to) {
              sent.push(to);
              return { providerId: `SM${sent.length}` };
            },
          },
          {
            database: t.faro.database,
            from: '+13235550199',
            segmentsPerSecond: RATE,
            // The booking is what is judged here; the processes test waits for real.
            sleep: async () => undefined,
            onBooked: ({ startsAtMs, segments }) => {
              for (let i = 0; i < segments; i++) segmentMoments.push(startsAtMs + (i * 1000) / RATE);
            },
          },
        ),
      });
    const [first, second] = [channelOn(a), channelOn(b)];
    // One-segment English texts and longer Spanish ones (accents: UCS-2, several segments).
    const short = 'Faro: alert in your zone. Details: https://faro.example/a/1';
    const long = `Faro: alerta en su zona — ${'información importante, '.repeat(5)}`;
    expect(smsCost(long).segments).toBeGreaterThan(1);
    const texts = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? long : short));
    const outcomes = await Promise.all(
      texts.map((text, i) => (i % 2 === 0 ? first : second).send(`+1213555${String(1000 + i)}`, text)),
    );
    expect(outcomes.every((o) => o.kind === 'sent')).toBe(true);
    expect(sent).toHaveLength(texts.length);
    const segments = texts.reduce((sum, text) => sum + smsCost(text).segments, 0);
    expect(segmentMoments).toHaveLength(segments);
    // Two processes, each pacing alone, would put twice the rate in a second.
    expect(mostInAnySecond(segmentMoments)).toBe(RATE);
    // And no two segments share a slot.
    const sorted = [...segmentMoments].sort((x, y) => x - y);
    for (let i = 1; i < sorted.length; i++)
      expect((sorted[i] ?? 0) - (sorted[i - 1] ?? 0)).toBeGreaterThan(1000 / RATE - 0.01);
  });

  it('a client over its limit is refused from memory until its window ends: a flood costs no write per request', async () => {
    const { database, statements } = counting(a.faro.database);
    const store = storeOn(database, '/api/flood-test');
    const counts: number[] = [];
    for (let i = 0; i < 6; i++) counts.push((await store.count('f100d', 2)).current);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
    // Two let through, the first refusal counted in the database; the other three refused from memory.
    expect(statements()).toBe(3);
  });

  it('requests counted at once go to the database as one statement, each with its own count', async () => {
    const { database, statements } = counting(a.faro.database);
    const store = storeOn(database, '/api/batch-test');
    // One client's requests, as a surge brings them: all in one batch, counted 1..n in arrival
    // order — the plugin refuses those over 4, so the fifth is refused.
    const counts = await Promise.all(Array.from({ length: 5 }, () => store.count('b0001', 4)));
    expect(counts.map((c) => c.current)).toEqual([1, 2, 3, 4, 5]);
    expect(statements()).toBe(1);
    // Other clients and another route in one batch, interleaved: each key counts apart (the first
    // client, over its limit, is answered from memory: its sixth request is not in the statement).
    const other = store.child('/api/batch-test-2');
    const mixed = await Promise.all([
      store.count('b0002', 4),
      store.count('b0003', 4),
      store.count('b0002', 4),
      other.count('b0002', 4),
      store.count('b0001', 4),
      store.count('b0002', 4),
      store.count('b0003', 4),
    ]);
    expect(mixed.map((c) => c.current)).toEqual([1, 1, 2, 1, 6, 3, 2]);
    expect(statements()).toBe(2);
  });

  it('a window that ended starts again with the batch that finds it ended; one still running is not extended', async () => {
    const store = storeOn(a.faro.database, '/api/window-test');
    await Promise.all([store.count('e0001', 9), store.count('e0001', 9), store.count('e0002', 9)]);
    const ends = async (key: string) => {
      const { rows } = await a.faro.database.pool.query<{ ends: string }>(
        'select expires_at::text as ends from rate_limit_hits where key = $1',
        [`POST /api/window-test:${key}`],
      );
      return rows[0]?.ends;
    };
    // The first key's window ends (as a minute would pass); the second's still runs.
    await a.faro.database.pool.query(
      `update rate_limit_hits set expires_at = now() - interval '1 second' where key = $1`,
      ['POST /api/window-test:e0001'],
    );
    const running = await ends('e0002');
    const counts = await Promise.all([
      store.count('e0001', 9, 120_000),
      store.count('e0002', 9, 120_000),
      store.count('e0001', 9, 120_000),
    ]);
    expect(counts.map((c) => c.current)).toEqual([1, 2, 2]);
    // A new window, of the length the requests that started it asked for.
    expect(counts[0]?.ttl).toBeGreaterThan(60_000);
    expect(counts[2]?.ttl).toBe(counts[0]?.ttl);
    // The running window keeps its end: the requests after its first do not move it.
    expect(await ends('e0002')).toBe(running);
    expect(counts[1]?.ttl).toBeLessThanOrEqual(60_000);
  });

  it.each([
    ['a lost connection', new Error('connect ECONNREFUSED 127.0.0.1:5432'), 1],
    // Not tried again one request at a time: a count's batch has no one request to blame, and a
    // database refusing everything would only make every request wait in turn.
    ['a refusal', Object.assign(new Error('terminating connection'), { code: '57P01' }), 1],
  ])(
    'a counter the database cannot keep (%s) falls back to this process for each request of the batch, said in the log, never refusing everyone',
    async (_, failure, tries) => {
      const logged: string[] = [];
      const log = {
        error: (_: unknown, message: string) => logged.push(message),
      } as unknown as FastifyBaseLogger;
      let statements = 0;
      const broken = {
        pool: {
          query: async () => {
            statements += 1;
            throw failure;
          },
        },
      } as unknown as Database;
      const store = storeOn(broken, '/api/reports', log);
      // Four requests at once (one batch), then one alone.
      const counts = await Promise.all(Array.from({ length: 4 }, () => store.count('abcde', 2)));
      counts.push(await store.count('abcde', 2));
      // Counted (the plugin lets the first two through and refuses the rest), not failed.
      expect(counts.map((c) => c.current)).toEqual([1, 2, 3, 4, 5]);
      expect(statements).toBe(tries + 1);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/rate limits: the database did not count/);
    },
  );

  it('the sweep of ended windows passes over a window a count is renewing, without waiting for it', async (context) => {
    // One session on PGlite: nothing else can hold a row while the sweep runs.
    if (a.faro.database.kind !== 'postgres') context.skip();
    const { pool } = a.faro.database;
    const key = `POST /api/sweep-test:${Date.now()}`;
    await pool.query(
      `insert into rate_limit_hits (key, expires_at, count) values ($1, now() - interval '1 second', 3)`,
      [key],
    );
    const renewing = await pool.connect();
    try {
      await renewing.query('begin');
      // A count renewing the ended window holds its row until it commits.
      await renewing.query(
        `update rate_limit_hits set count = 1, expires_at = now() + interval '1 minute' where key = $1`,
        [key],
      );
      // Waiting for that row, the sweep would hang here (the count commits only after it).
      await sweepHits(a.faro.database.db, 1000);
      await renewing.query('commit');
    } finally {
      renewing.release();
    }
    const { rows } = await pool.query<{ count: number }>('select count from rate_limit_hits where key = $1', [
      key,
    ]);
    expect(rows).toEqual([{ count: 1 }]);
  });

  it('a count the database never answers (a connection that stopped answering) is made in this process in time', async () => {
    const logged: string[] = [];
    const log = {
      error: (_: unknown, message: string) => logged.push(message),
    } as unknown as FastifyBaseLogger;
    const silent = {
      pool: { query: () => new Promise(() => undefined) },
    } as unknown as Database;
    const store = storeOn(silent, '/api/reports', log);
    const counts = await Promise.all(Array.from({ length: 3 }, () => store.count('51e17', 2)));
    expect(counts.map((c) => c.current)).toEqual([1, 2, 3]);
    expect(logged).toHaveLength(1);
  });
});
