import { once } from 'node:events';
import net from 'node:net';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import Fastify from 'fastify';
import { latLngToCell } from 'h3-js';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { StartupError } from '../src/server/config.js';
import { openDatabase } from '../src/server/db/database.js';
import { registerErrorHandling } from '../src/server/http/errors.js';
import { loggerOptions } from '../src/server/http/logger.js';
import { createFaro } from '../src/server/runtime.js';
import { createTestDatabase, testConfig } from './support/db.js';
import { buildReportInput } from './support/factories.js';
import { startTestFaro } from './support/faro.js';
import { freePort } from './support/process.js';
import { staffSession } from './support/sessions.js';
import { openSse } from './support/sse.js';

/** Collects log lines, to search them for what must never be logged. */
function logCollector() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream, text: () => lines.join('') };
}

/** A reporter's position and its resolution-9 cell (~170 m): a query parameter that must stay out of logs. */
const POSITION = { lat: 34.04512, lng: -118.21011 };
const CELL = latLngToCell(POSITION.lat, POSITION.lng, 9);

describe('a database that cannot be reached', () => {
  it('issue 12 item 15: answers 503 with Retry-After, and logs no value of the failed query', async () => {
    const log = logCollector();
    const app = Fastify({ logger: loggerOptions('info', log.stream) });
    registerErrorHandling(app, { default: 1024 });
    // Nothing listens on this port: what a request meets while PostgreSQL restarts.
    const pool = new pg.Pool({ connectionString: `postgres://faro@127.0.0.1:${await freePort()}/faro` });
    const db = drizzle(pool);
    app.get('/cell', async () =>
      db.execute(sql`select ${CELL}::text as cell, ${POSITION.lat}::float8 as lat`),
    );
    try {
      const response = await app.inject({ url: '/cell' });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json().error).toMatchObject({ code: 'UNAVAILABLE', details: { retryAfterSeconds: 5 } });
      expect(log.text()).toContain('ECONNREFUSED');
      expect(log.text()).not.toContain(CELL);
      expect(log.text()).not.toContain(String(POSITION.lat));
    } finally {
      await app.close();
      await pool.end();
    }
  });
});

/**
 * PostgreSQL restarted mid-surge, seen from outside: Faro reaches the real
 * server through a TCP relay the test cuts (every connection dropped, new ones
 * refused) and then restores.
 */
describe.skipIf(!process.env.DATABASE_URL)('PostgreSQL going away and coming back', () => {
  const sockets = new Set<net.Socket>();
  let relay: net.Server | undefined;
  afterAll(() => relay?.close());

  async function startRelay(port: number, target: URL) {
    relay = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    relay.listen(port, '127.0.0.1');
    await once(relay, 'listening');
  }
  async function cut() {
    const closed = new Promise((resolve) => relay?.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  }
  /** A fresh test database reached through the relay: its handle, the relay's port and the real server's address. */
  async function relayedDatabase(poolSize: number) {
    const db = await createTestDatabase();
    const target = new URL(db.url as string);
    const port = await freePort();
    await startRelay(port, target);
    const relayed = new URL(target);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(port);
    const database = await openDatabase({ kind: 'postgres', url: relayed.toString(), poolSize });
    return { db, target, port, database, handle: { database, url: relayed.toString(), drop: db.drop } };
  }

  it('issue 12 item 15: the requests caught in a restart get 503 with Retry-After; values stay out of the log', async () => {
    const { db, target, port, database, handle } = await relayedDatabase(3);
    const log = logCollector();
    const t = await startTestFaro({
      db: handle,
      env: { LOG_LEVEL: 'info' },
      logStream: log.stream,
    });
    const post = () =>
      t.faro.app.inject({
        method: 'POST',
        url: '/api/reports',
        payload: buildReportInput({ location: { ...POSITION, place: 'Behind the laundromat' } }),
      });
    try {
      expect((await post()).statusCode).toBe(201);

      await cut();
      const caught = await post();
      expect(caught.statusCode, caught.body).toBe(503);
      expect(caught.headers['retry-after']).toBe('5');
      expect(caught.json().error.code).toBe('UNAVAILABLE');
      expect(log.text()).not.toContain(CELL);
      expect(log.text()).not.toContain(String(POSITION.lat));
      expect(log.text()).not.toContain('laundromat');

      await startRelay(port, target);
      let after = await post();
      for (let i = 0; i < 20 && after.statusCode === 503; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        after = await post();
      }
      expect(after.statusCode, after.body).toBe(201);
    } finally {
      await t.stop();
      await database.close().catch(() => undefined);
      await db.drop();
    }
  }, 60_000);

  it('failure drill: a surge through a restart loses no acknowledged report; /readyz says the outage and the recovery', async () => {
    const { db, target, port, database, handle } = await relayedDatabase(5);
    const t = await startTestFaro({
      db: handle,
      listen: true,
      env: { REPORT_RATE_LIMIT_PER_MINUTE: '100000' },
      logStream: logCollector().stream,
    });
    const dispatcher = await staffSession(database, 'dispatcher');
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    const readiness: number[] = [];
    let surging = true;
    const poster = async () => {
      while (surging) {
        const response = await fetch(`${t.baseUrl}/api/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(buildReportInput({ activity: 'checkpoint' })),
        }).catch(() => null);
        const status = response?.status ?? 0;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (response && status === 201) acknowledged.push(((await response.json()) as { id: string }).id);
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const watcher = async () => {
      while (surging) {
        const response = await fetch(`${t.baseUrl}/readyz`).catch(() => null);
        readiness.push(response?.status ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const check = new pg.Client({ connectionString: db.url });
    try {
      const running = [...Array.from({ length: 6 }, poster), watcher()];
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const beforeCut = acknowledged.length;
      await cut();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await startRelay(port, target);
      // Serves again by itself: reports are taken and /readyz is ready, with nobody restarting Faro.
      const until = Date.now() + 20_000;
      while (readiness.at(-1) !== 200 || acknowledged.length < beforeCut + 20) {
        if (Date.now() > until) throw new Error(`no recovery: ${JSON.stringify([...statuses])}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      surging = false;
      await Promise.all(running);

      expect(beforeCut).toBeGreaterThan(0);
      // Every request got an answer a phone can act on: taken, or 503 with "try again".
      expect([...statuses.keys()].sort()).toEqual([201, 503]);
      const firstDown = readiness.indexOf(503);
      expect(firstDown, readiness.join(',')).toBeGreaterThan(-1);
      expect(readiness.slice(firstDown).includes(200), readiness.join(',')).toBe(true);

      await check.connect();
      const { rows } = await check.query<{ n: number }>(
        'select count(*)::int as n from reports where id = any($1::uuid[])',
        [acknowledged],
      );
      expect(rows[0]?.n).toBe(acknowledged.length);

      // Live events flow again: the realtime listener reconnected too (a board opened now sees a new report).
      const stream = await openSse(`${t.baseUrl}/api/events`, dispatcher.headers);
      try {
        await stream.waitFor((m) => m.event === 'ready');
        const after = await fetch(`${t.baseUrl}/api/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          // Far from the surge's corner (Pacoima), so it opens an incident of its own.
          body: JSON.stringify(
            buildReportInput({
              activity: 'raid',
              location: { lat: 34.2664, lng: -118.4251, place: 'Van Nuys Blvd' },
            }),
          ),
        });
        expect(after.status).toBe(201);
        await stream.waitFor(
          (m) => m.event === 'incident.updated' && m.data.includes('"activity":"raid"'),
          15_000,
        );
      } finally {
        await stream.close();
      }
    } finally {
      surging = false;
      await check.end().catch(() => undefined);
      await t.stop();
      await database.close().catch(() => undefined);
      await db.drop();
    }
  }, 90_000);
});

describe.skipIf(!process.env.DATABASE_URL)('a connection lost while a transaction holds it', () => {
  it('fails that transaction, not the process, and the pool serves on', async () => {
    const db = await createTestDatabase();
    try {
      const failure = await db.database
        .transaction(async (tx) => {
          const { rows } = await tx.client.query<{ pid: number }>('select pg_backend_pid() as pid');
          // The server ends this session between two statements, as a restart would.
          // (Not events.once: it would listen for 'error' itself and hide what is tested.)
          const ended = new Promise((resolve) => (tx.client as pg.PoolClient).once('end', resolve));
          await db.database.pool.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
          await ended;
          await tx.client.query('select 1');
        })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      const { rows } = await db.database.pool.query<{ one: number }>('select 1 as one');
      expect(rows[0]?.one).toBe(1);
    } finally {
      await db.database.close();
      await db.drop();
    }
  });
});

describe('a server key that does not match the database', () => {
  it('issue 12 item 15: stops Faro with one clear sentence', async () => {
    const db = await createTestDatabase();
    try {
      // The database's first start seals its keys with the test key.
      const first = await createFaro(testConfig(), { database: db.database, work: false });
      await first.stop();
      const otherKey = Buffer.alloc(32, 3).toString('base64');
      const failure = await createFaro(testConfig({ FARO_SECRET_KEY: otherKey }), {
        database: db.database,
        work: false,
      }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StartupError);
      // One sentence: which key the data needs (by its id, never the key), which this process has, what to do.
      expect((failure as Error).message).toMatch(
        /^The server key in FARO_SECRET_KEY does not match this database: its data was sealed with the key [0-9a-f]{8}, which this process was not given \(it has [0-9a-f]{8}\)\. After a rotation, start with the new key as FARO_SECRET_KEY \(or first in the key file\) and the older ones in FARO_OLD_SECRET_KEYS until they are retired\.$/,
      );
      expect((failure as Error).message).not.toContain(otherKey);
    } finally {
      await db.database.close();
      await db.drop();
    }
  });
});
