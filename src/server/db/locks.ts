import { type Database, withConnection } from './database.js';

/** Advisory lock ids; any constants do, as long as every Faro process uses the same. */
export const LOCKS = {
  migrations: 4_711_001,
  jobQueues: 4_711_002,
  grouping: 4_711_003,
  /** A coalition's basemap being replaced (an import, the demo's sketch). */
  basemap: 4_711_004,
} as const;

/**
 * Runs `work` while this process holds a session advisory lock, so that
 * processes starting together take turns (pg-boss deadlocks when two create the
 * same queue at once). The lock is held on a connection of its own while `work`
 * uses others. On PGlite — one process, one connection — there is nobody to
 * take turns with, and holding the only connection would block `work`: it runs
 * directly.
 */
export async function whileLocked<T>(database: Database, lockId: number, work: () => Promise<T>): Promise<T> {
  if (database.kind === 'pglite') return work();
  return withConnection(database.pool, async (client) => {
    await client.query('select pg_advisory_lock($1)', [lockId]);
    try {
      return await work();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [lockId]);
    }
  });
}
