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

  it('issue 12 item 15: the requests caught in a restart get 503 with Retry-After; values stay out of the log', async () => {
    const db = await createTestDatabase();
    const target = new URL(db.url as string);
    const port = await freePort();
    await startRelay(port, target);
    const relayed = new URL(target);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(port);
    const database = await openDatabase({ kind: 'postgres', url: relayed.toString(), poolSize: 3 });
    const log = logCollector();
    const t = await startTestFaro({
      db: { database, url: relayed.toString(), drop: db.drop },
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
      expect((failure as Error).message).toBe(
        'The server key in FARO_SECRET_KEY does not match this database, whose data was sealed with another key: start Faro with the key this database was made with.',
      );
    } finally {
      await db.database.close();
      await db.drop();
    }
  });
});
