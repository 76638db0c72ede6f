import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { FARO_NODE_OPTIONS, spawnServer } from '../test/support/process.js';
import { databaseUrlFor } from '../test/support/urls.js';

export type Engine = { kind: 'pglite' } | { kind: 'postgres'; url: string };

/** Where the benchmarked data lives once `faro start` is gone: a PGlite folder or a PostgreSQL database. */
export type EngineTarget = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

/**
 * A real `faro start` (the built CLI) on a fresh database of the engine with
 * demo data: `api` runs against it; once the server is gone, `after` gets a
 * pg pool on the same data (PGlite is one process's database, so it must wait).
 * `between`, if given, runs after the server is gone and before that pool
 * opens, with where the data is (for another process of its own to use).
 * `nodeArgs` go to the server's node before its script.
 */
export async function onEngine<A, R>(
  engine: Engine,
  poolSize: number,
  api: (baseUrl: string, pid: number | undefined) => Promise<A>,
  after: (pool: pg.Pool, measured: A) => Promise<R>,
  between?: (target: EngineTarget, measured: A) => Promise<A>,
  /** Node options for the server process (`--cpu-prof`, say). */
  nodeArgs: readonly string[] = [],
): Promise<R> {
  // Every benchmark client connects from this machine: the per-address connection cap would be the bottleneck.
  const env = {
    FARO_DEMO: 'true',
    LOG_LEVEL: 'warn',
    REPORT_RATE_LIMIT_PER_MINUTE: '1000000',
    HTTP_MAX_CONNECTIONS_PER_ADDRESS: '100000',
  };
  const serve = async (more: Record<string, string>) => {
    const server = await spawnServer(
      { ...env, ...more },
      { args: [...FARO_NODE_OPTIONS, ...nodeArgs, 'bin/faro.js', 'start'] },
    );
    const measured = await api(server.baseUrl, server.child.pid);
    server.child.kill('SIGTERM');
    await server.exited;
    return measured;
  };
  if (engine.kind === 'pglite') {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'faro-bench-'));
    try {
      let measured = await serve({ FARO_DATA_DIR: dataDir });
      if (between) measured = await between({ kind: 'pglite', dataDir }, measured);
      const lite = new PGlite(dataDir);
      const pool = new pg.Pool(createPgConfig(lite));
      pool.on('error', () => undefined); // closing PGlite ends its emulated session with a FATAL notice
      try {
        return await after(pool, measured);
      } finally {
        await pool.end();
        await lite.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  const name = `faro_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: engine.url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const dbUrl = databaseUrlFor(engine.url, name);
  try {
    let measured = await serve({ DATABASE_URL: dbUrl });
    if (between) measured = await between({ kind: 'postgres', url: dbUrl }, measured);
    const pool = new pg.Pool({ connectionString: dbUrl, max: poolSize });
    // Dropping the database afterwards ends any connection still open: not an error here.
    pool.on('error', () => undefined);
    try {
      return await after(pool, measured);
    } finally {
      await pool.end();
    }
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

export { onSeededPostgres, type SeededDatabase } from '../test/support/seeded-postgres.js';
