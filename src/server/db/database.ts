import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { createTableRelationsHelpers, extractTablesRelationalConfig } from 'drizzle-orm';
import { drizzle, NodePgDatabase, NodePgSession } from 'drizzle-orm/node-postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Config } from '../config.js';
import { lockDataDir } from './data-dir-lock.js';
import { makeFolderPrivate, PrivateNodeFS } from './private-folder.js';
import * as schema from './schema.js';
import { localWakes, postgresWakes } from './wakes.js';

// Light on its own, so the CLI can tell an unreachable database without loading the drivers.
export { isDatabaseUnavailable } from './unavailable.js';

export type Drizzle = NodePgDatabase<typeof schema>;

/** Something that runs parameterized SQL: a pool or a client inside a transaction. */
export interface SqlExecutor {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
  /** A statement prepared by `name` on each connection the first time it runs there (a hot one, written once). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    statement: PreparedStatement,
  ): Promise<pg.QueryResult<R>>;
}

/** A statement as `prepared` gives it: named (prepared once per connection) or not. */
export interface PreparedStatement {
  name?: string;
  text: string;
  values: unknown[];
  /** node-postgres' own deadline for the answer (HOT_STATEMENT_DEADLINE_MS): past it the query fails. */
  query_timeout?: number;
}

/** Drizzle as this layer opens it, with the pool or the transaction's client under it (for a hot statement written once). */
export type OwnDrizzle = Drizzle & { $client: SqlExecutor };

/** A transaction: Drizzle for domain rows, the raw client for libraries (the job queue) that join it. */
export interface Tx {
  db: OwnDrizzle;
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
  db: OwnDrizzle;
  /**
   * Runs fn in one transaction; commits when it resolves, rolls back when it throws. A `hot` one (a
   * report's own, on the request path of a surge), on PostgreSQL, fails as unavailable if not
   * committed within HOT_STATEMENT_DEADLINE_MS, its connection closed (the server then rolls it back).
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: { hot?: boolean }): Promise<T>;
  /**
   * Subscribes to a channel's wakes (`wake`); `onPayload` gets their parts
   * ('' when it must look for itself); the returned function unsubscribes.
   * `onRestored` runs after a lost LISTEN connection is back: notifications
   * sent meanwhile are gone, and the caller must catch up from its own log.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onRestored?: () => void,
  ): Promise<() => Promise<void>>;
  /**
   * Tells every subscriber of the channel that something new is committed:
   * those of this process at once, those of other processes by a NOTIFY,
   * outside any caller's transaction. `parts` say what is new (job names,
   * committed events; no newlines in a part): subscribers get those of every
   * wake coalesced into theirs, joined by newlines — or '' when a wake came
   * without parts or they outgrew one NOTIFY (WAKE_PAYLOAD_BYTES), and the
   * subscriber must look for itself. Wakes are coalesced per channel (one
   * NOTIFY in flight, at most one per WAKE_SPACING_MS): a subscriber reads
   * what is new from its own log or the parts, never counts wakes.
   * Use `wakeAfterCommit` from code holding a transaction.
   */
  wake(channel: string, parts?: readonly string[]): void;
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
  if (config.kind === 'postgres')
    return openPostgres(config.url, config.poolSize, log, {
      hotStatementDeadlineMs: config.hotStatementDeadlineMs,
      connectDeadlineMs: config.connectDeadlineMs,
    });
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

/**
 * The pool over PGlite's emulated connection. node-postgres' pool drops a client whose query failed
 * and opens another — on PostgreSQL a new connection; here the same emulated connection, one
 * session for every client, which still delivers the dropped client's last messages (the end of
 * the failed statement) and then its end: the next client took them for the answers to its own
 * queries (a wrong answer to the next caller, then "Connection terminated unexpectedly"). Seen
 * with any statement that returns rows and fails while it runs (a unique violation in an
 * `insert … returning`). PGlite runs in this process: a failed statement leaves its session as it
 * was, so the client is kept. (pg-pool 3's `_release`, pinned with the package; the test
 * `ingest-statements.test.ts` fails if an upgrade changes it.)
 */
class OneSessionPool extends pg.Pool {
  constructor(config: pg.PoolConfig) {
    super(config);
    const pool = this as unknown as {
      _release(client: unknown, idleListener: unknown, error?: unknown): void;
    };
    const release = pool._release.bind(pool);
    pool._release = (client, idleListener) => release(client, idleListener, undefined);
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
  const pool = new OneSessionPool(pgConfig);
  // Closing PGlite ends its emulated session with a FATAL notice; an idle client must not crash the process.
  pool.on('error', () => undefined);
  // PGlite is one process's database: every subscriber is in this process, no NOTIFY is needed.
  const local = localWakes();
  const database: Database = {
    kind: 'pglite',
    pool,
    db: drizzle(pool, { schema }),
    transaction: (fn, options) => runTransaction(database, fn, options),
    async listen(channel, onPayload) {
      const unsubscribe = local.subscribe(channel, onPayload);
      return async () => unsubscribe();
    },
    wake: (channel, parts) => local.wake(channel, parts),
    snapshot: () => lite.dumpDataDir('gzip'),
    // In-process: nothing to lose.
    listening: () => true,
    async close() {
      await pool.end();
      await lite.close();
    },
  };
  return registered(database);
}

/**
 * A hot statement (`prepared`, run on the pool: a batch of reports, of rate-limit counts) not
 * answered within this fails, and its connection is closed and left out of the pool. A connection
 * that died without a word in the middle of a statement (a failover, a dropped NAT entry) would
 * otherwise hold it — and every report of its batch, and the batches queued behind — until TCP
 * gives up, a quarter of an hour later; keep-alive only watches idle connections. The statement
 * takes milliseconds when the database is well; a database this slow is failing anyway, and the
 * reporter's page keeps the report and sends it again.
 */
const HOT_STATEMENT_DEADLINE_MS = 15_000;
/** What a hot transaction not committed within its deadline fails with (unavailable.ts reads it as unavailable). */
const TRANSACTION_DEADLINE_PASSED = 'Transaction deadline passed';
/** How often the server looks whether the client of a running statement has gone (it then stops the statement). */
const CLIENT_CHECK_MS = 1000;
/**
 * A new connection (TCP, TLS, start-up and authentication) not made within this fails as "database
 * unavailable". Without it a database host that went silent (a failover, a dropped route) held each
 * request needing a new connection until the kernel gave up on its SYNs, about two minutes — in a
 * surge, every report behind it. A healthy database answers in milliseconds. It bounds the making
 * of a connection only, not a wait for a free one in the pool (that wait is the surge's own queue).
 */
const CONNECT_DEADLINE_MS = 10_000;

/** node-postgres' client with the connection deadline (the pool passes its options to each client it makes). */
function connectBounded(connectDeadlineMs: number): typeof pg.Client {
  return class extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      // Copied with every property, not spread: pg-pool makes a given `password` non-enumerable.
      const options: pg.ClientConfig =
        typeof config === 'string'
          ? { connectionString: config }
          : Object.defineProperties({}, Object.getOwnPropertyDescriptors(config ?? {}));
      options.connectionTimeoutMillis = connectDeadlineMs;
      super(options);
    }
  };
}

function openPostgres(
  url: string,
  poolSize: number,
  log?: (msg: string) => void,
  deadlines: { hotStatementDeadlineMs?: number | undefined; connectDeadlineMs?: number | undefined } = {},
): Database {
  const hotStatementDeadlineMs = deadlines.hotStatementDeadlineMs ?? HOT_STATEMENT_DEADLINE_MS;
  const connectDeadlineMs = deadlines.connectDeadlineMs ?? CONNECT_DEADLINE_MS;
  const Client = connectBounded(connectDeadlineMs);
  // TCP keep-alive from 10 s idle: a pooled connection that died without a word (a failover) is
  // found out and replaced rather than handed the next statement — with a batch of reports or
  // counts behind it — to wait until TCP gives up. One that dies under a statement: the
  // statement's deadline (HOT_STATEMENT_DEADLINE_MS).
  const pool = new pg.Pool({
    Client,
    connectionString: url,
    max: poolSize,
    application_name: 'faro',
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // A statement whose connection this process closed (its deadline passed: a lock held, the
    // database slow) is stopped by the server within a second rather than left to finish: it would
    // commit a report already answered 503 and sent again, and hold a connection of the server's
    // while the pool opens another. (PostgreSQL 14+.) Set before the pool hands the connection out
    // (pg-pool awaits `onConnect`), never beside its first query; not set, the connection still serves.
    // Not answered within the connection's deadline (the path went silent as it was made), it
    // fails, and the pool drops the connection.
    onConnect: async (client: pg.ClientBase) => {
      await client
        .query({
          text: `set client_connection_check_interval = ${CLIENT_CHECK_MS}`,
          query_timeout: connectDeadlineMs,
        } as pg.QueryConfig)
        .catch((error: Error & { code?: unknown }) => {
          if (typeof error.code !== 'string' || !/^[0-9A-Z]{5}$/.test(error.code)) throw error;
          log?.(`database: client_connection_check_interval not set: ${error.message}`);
        });
    },
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => log?.(`database pool error: ${error.message}`));
  const wakes = postgresWakes({ url, Client, connectDeadlineMs, pool, log });
  const database: Database = {
    kind: 'postgres',
    pool,
    db: drizzle(pool, { schema }),
    transaction: (fn, options) => runTransaction(database, fn, options),
    listen: wakes.listen,
    wake: wakes.wake,
    listening: wakes.listening,
    async close() {
      await wakes.close();
      await pool.end();
    },
  };
  return registered(database, hotStatementDeadlineMs);
}

/**
 * What a wake asked for through an executor (the pool, `database.db`, or a
 * transaction's `client` / `db`) belongs to: its database, and for a
 * transaction the channels to wake once it commits.
 */
interface CommitScope {
  database: Database;
  /** Set inside a transaction: channels to wake after its commit (none if it rolls back), with their parts. */
  pending?: Map<string, string[] | undefined>;
  /**
   * The pool's, on PostgreSQL: a hot statement not answered within this many ms fails, and
   * node-postgres' pool closes its connection (HOT_STATEMENT_DEADLINE_MS). Not inside a
   * transaction, whose rollback would wait behind the statement on the same connection.
   */
  hotStatementDeadlineMs?: number;
}
const scopes = new WeakMap<object, CommitScope>();

function registered(database: Database, hotStatementDeadlineMs?: number): Database {
  // The pool's own scope (not a transaction's): its hot statements have a deadline.
  const scope = { database, ...(hotStatementDeadlineMs ? { hotStatementDeadlineMs } : {}) };
  scopes.set(database.pool, scope);
  scopes.set(database.db, scope);
  return database;
}

/**
 * Wakes the channel's subscribers (`Database.wake`) once what was written
 * through `executor` is committed: at once for an autocommit executor (the
 * pool, `database.db`), after the commit of a transaction's `client` or `db`,
 * never for a transaction that rolls back; with `parts` (see `Database.wake`),
 * those of one transaction together. An executor this layer did not hand
 * out wakes no one: subscribers find the change at their next poll.
 */
export function wakeAfterCommit(executor: object, channel: string, parts?: readonly string[]): void {
  const scope = scopes.get(executor);
  if (!scope) return;
  if (!scope.pending) {
    scope.database.wake(channel, parts);
    return;
  }
  const earlier = scope.pending.get(channel);
  const known = scope.pending.has(channel);
  // A wake without parts makes the subscribers look for themselves: the parts of others no longer matter.
  if (!parts || parts.length === 0) scope.pending.set(channel, undefined);
  else if (!known) scope.pending.set(channel, [...parts]);
  else earlier?.push(...parts);
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
  deadlineMs?: number,
): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on('error', onError);
  try {
    if (!deadlineMs) return await work(client);
    // Past the deadline the connection is given back as lost: the pool closes it, which ends what
    // runs on it (a rollback sent on it would wait behind the statement that did not answer).
    const running = work(client);
    running.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        lost = new Error(TRANSACTION_DEADLINE_PASSED);
        reject(lost);
      }, deadlineMs);
    });
    try {
      return await Promise.race([running, late]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    client.off('error', onError);
    client.release(lost);
  }
}

/** The schema's relations (the `db.query` API), worked out once: `drizzle(client, { schema })` does it on every call. */
let relational: ConstructorParameters<typeof NodePgSession>[2];
const dialect = new PgDialect();

/**
 * Drizzle over one transaction's connection, as `drizzle(client, { schema })` makes it but without
 * walking every table of the schema again (about a millisecond of CPU, for each transaction).
 */
function drizzleOn(client: pg.PoolClient): OwnDrizzle {
  relational ??= (() => {
    const config = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
    return { fullSchema: schema, schema: config.tables, tableNamesMap: config.tableNamesMap };
  })();
  const session = new NodePgSession(client, dialect, relational, {});
  const db = new NodePgDatabase(dialect, session, relational as never) as unknown as OwnDrizzle;
  db.$client = client;
  return db;
}

async function runTransaction<T>(
  database: Database,
  fn: (tx: Tx) => Promise<T>,
  options?: { hot?: boolean },
): Promise<T> {
  const pending = new Map<string, string[] | undefined>();
  // The pool's scope has the deadline on PostgreSQL only (PGlite is in this process: no path to lose).
  const deadlineMs = options?.hot ? scopes.get(database.pool)?.hotStatementDeadlineMs : undefined;
  const committed = await withConnection(
    database.pool,
    async (client) => {
      const db = drizzleOn(client);
      const scope = { database, pending };
      scopes.set(client, scope);
      scopes.set(db, scope);
      try {
        // A hot one ends on the server too within its deadline, whatever becomes of this side: cut
        // off without a word (a NAT entry dropped, the close never arriving), it would otherwise sit
        // idle in transaction — its report's row and the photos' locks held, a resend of the same SMS
        // blocked behind them — until the server's TCP keep-alive gives up, hours later.
        await client.query(
          deadlineMs
            ? `begin; set local statement_timeout = ${deadlineMs}; set local idle_in_transaction_session_timeout = ${deadlineMs}`
            : 'begin',
        );
        try {
          const result = await fn({ db, client });
          await client.query('commit');
          return result;
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          throw error;
        }
      } finally {
        // The connection goes back to the pool: what it runs next is no longer this transaction.
        scopes.delete(client);
      }
    },
    deadlineMs,
  );
  for (const [channel, parts] of pending) database.wake(channel, parts);
  return committed;
}

/**
 * A hot statement, written once, for `executor`: on PostgreSQL it is prepared by `name` (each
 * connection parses and plans it the first time, then only binds it: no parse or plan per run);
 * one name is one text for the whole process. On PGlite, whose pool connections share one
 * session (a replaced connection would prepare a name its session already has), and on an
 * executor this layer did not hand out, it runs unnamed. Run on the PostgreSQL pool (not in a
 * transaction), it fails if not answered within HOT_STATEMENT_DEADLINE_MS.
 */
export function prepared(executor: object, name: string, text: string, values: unknown[]): PreparedStatement {
  const scope = scopes.get(executor);
  if (scope?.database.kind !== 'postgres') return { text, values };
  const deadline = scope.hotStatementDeadlineMs;
  return deadline ? { name, text, values, query_timeout: deadline } : { name, text, values };
}
