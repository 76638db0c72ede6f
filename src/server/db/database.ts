import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Config } from '../config.js';
import { lockDataDir } from './data-dir-lock.js';
import { makeFolderPrivate, PrivateNodeFS } from './private-folder.js';
import * as schema from './schema.js';

// Light on its own, so the CLI can tell an unreachable database without loading the drivers.
export { isDatabaseUnavailable } from './unavailable.js';

export type Drizzle = NodePgDatabase<typeof schema>;

/** Something that runs parameterized SQL: a pool or a client inside a transaction. */
export interface SqlExecutor {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** A transaction: Drizzle for domain rows, the raw client for libraries (the job queue) that join it. */
export interface Tx {
  db: Drizzle;
  client: SqlExecutor;
}

/**
 * One code path over two engines: PGlite (embedded, a data folder) and
 * PostgreSQL. Both are reached through a node-postgres pool, so every
 * repository, the migrator and the job queue see the same interface.
 */
export interface Database {
  kind: 'pglite' | 'postgres';
  pool: pg.Pool;
  db: Drizzle;
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Subscribes to a NOTIFY channel; the returned function unsubscribes.
   * `onRestored` runs after a lost LISTEN connection is back: notifications
   * sent meanwhile are gone, and the caller must catch up from its own log.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onRestored?: () => void,
  ): Promise<() => Promise<void>>;
  /** Whether every subscription's LISTEN connection is up now (readiness). */
  listening(): boolean;
  close(): Promise<void>;
  /** The embedded database's data folder as one tar, taken between statements (PGlite only; backups). */
  snapshot?(): Promise<Blob>;
}

/** Whether the database answers a trivial query now (readiness). */
export async function databaseAnswers(database: Database): Promise<boolean> {
  try {
    await database.pool.query('select 1');
    return true;
  } catch {
    return false;
  }
}

/** Opens the database the config names. */
export async function openDatabase(
  config: Config['database'],
  log?: (msg: string) => void,
): Promise<Database> {
  if (config.kind === 'postgres') return openPostgres(config.url, config.poolSize, log);
  // The folder holds every report: no other user of the machine may read or change it.
  const loosened = await makeFolderPrivate(config.dataDir);
  if (loosened > 0) {
    log?.(
      `${loosened} files and folders in ${config.dataDir} were readable by other users; they are now private.`,
    );
  }
  const unlock = await lockDataDir(config.dataDir);
  try {
    const database = await openPglite(new PGlite({ fs: new PrivateNodeFS(config.dataDir) }));
    const close = database.close;
    return {
      ...database,
      async close() {
        await close();
        await unlock();
      },
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}

/** Wraps an already opened PGlite instance (tests load one from a migrated dump). */
export async function openPglite(lite: PGlite): Promise<Database> {
  await lite.waitReady;
  const pgConfig = createPgConfig(lite);
  // Drizzle passes `types` as a type-parser object (node-postgres reads it for
  // results and ignores it in Parse); PGlite's emulated connection expects an
  // array of parameter type ids there and throws, which leaves the session
  // stuck. Parameter types are inferred by the server either way.
  const connection = pgConfig.connection as unknown as { parse(query: { types?: unknown }): void };
  const parse = connection.parse.bind(connection);
  connection.parse = (query) => parse(Array.isArray(query.types) ? query : { ...query, types: [] });
  const pool = new pg.Pool(pgConfig);
  // Closing PGlite ends its emulated session with a FATAL notice; an idle client must not crash the process.
  pool.on('error', () => undefined);
  return {
    kind: 'pglite',
    pool,
    db: drizzle(pool, { schema }),
    transaction: (fn) => runTransaction(pool, fn),
    async listen(channel, onPayload) {
      return lite.listen(channel, onPayload);
    },
    snapshot: () => lite.dumpDataDir('gzip'),
    // In-process: nothing to lose.
    listening: () => true,
    async close() {
      await pool.end();
      await lite.close();
    },
  };
}

function openPostgres(url: string, poolSize: number, log?: (msg: string) => void): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'faro' });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => log?.(`database pool error: ${error.message}`));
  const listeners = new Set<pg.Client>();
  let subscriptions = 0;
  return {
    kind: 'postgres',
    pool,
    db: drizzle(pool, { schema }),
    transaction: (fn) => runTransaction(pool, fn),
    async listen(channel, onPayload, onRestored) {
      const unlisten = await listenWithReconnect(url, channel, { onPayload, onRestored }, listeners, log);
      subscriptions += 1;
      return async () => {
        subscriptions -= 1;
        await unlisten();
      };
    },
    listening: () => listeners.size >= subscriptions,
    async close() {
      await Promise.all([...listeners].map((client) => client.end().catch(() => undefined)));
      listeners.clear();
      await pool.end();
    },
  };
}

/**
 * Runs `work` on a connection of its own, taken from the pool and given back.
 * While it is held, the pool no longer listens for its errors: a connection
 * lost between two statements (a database restart) would raise an error
 * nobody hears, which ends the process. It is heard here; the next statement
 * fails as it should, and the broken connection is thrown away, not reused.
 */
export async function withConnection<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on('error', onError);
  try {
    return await work(client);
  } finally {
    client.off('error', onError);
    client.release(lost);
  }
}

async function runTransaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withConnection(pool, async (client) => {
    await client.query('begin');
    try {
      const result = await fn({ db: drizzle(client, { schema }), client });
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  });
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * LISTEN needs a session of its own. If the connection drops (a database
 * restart), it reconnects with back-off; events sent meanwhile are replayed
 * by clients from the event log, not from NOTIFY.
 */
async function listenWithReconnect(
  url: string,
  channel: string,
  handlers: { onPayload: (payload: string) => void; onRestored?: (() => void) | undefined },
  listeners: Set<pg.Client>,
  log?: (msg: string) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let current: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = async (attempt: number): Promise<void> => {
    const client = new pg.Client({ connectionString: url, application_name: 'faro-listen' });
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) handlers.onPayload(message.payload);
    });
    client.on('error', (error) => {
      log?.(`listen connection lost: ${error.message}`);
      listeners.delete(client);
      client.end().catch(() => undefined);
      if (!stopped) retryTimer = setTimeout(() => void reconnect(1), 250);
    });
    await client.connect();
    await client.query(`listen ${quoteIdent(channel)}`);
    current = client;
    listeners.add(client);
    if (attempt > 0) {
      log?.('listen connection restored');
      handlers.onRestored?.();
    }
  };
  const reconnect = async (attempt: number): Promise<void> => {
    if (stopped) return;
    try {
      await connect(attempt);
    } catch {
      retryTimer = setTimeout(() => void reconnect(attempt + 1), Math.min(10_000, 250 * 2 ** attempt));
    }
  };

  await connect(0);
  return async () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    if (current) {
      listeners.delete(current);
      await current.end().catch(() => undefined);
    }
  };
}
