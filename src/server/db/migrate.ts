import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { type Database, withConnection } from './database.js';
import { LOCKS } from './locks.js';

/** The generated migrations; the same folder serves src/ (tests) and dist/ (production). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/** Applies pending migrations; safe when several processes start at once on one PostgreSQL. */
export async function migrateDatabase(database: Database): Promise<void> {
  await withConnection(database.pool, async (client) => {
    await client.query('select pg_advisory_lock($1)', [LOCKS.migrations]);
    try {
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [LOCKS.migrations]);
    }
  });
}

interface Journal {
  entries: { when: number; tag: string }[];
}

/** Whether every migration shipped with this build has been applied. */
export async function migrationsCurrent(database: Database): Promise<{ current: boolean; pending: number }> {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as Journal;
  let applied: number[] = [];
  try {
    const result = await database.pool.query<{ created_at: string }>(
      'select created_at from drizzle.__drizzle_migrations',
    );
    applied = result.rows.map((row) => Number(row.created_at));
  } catch {
    // No migrations table yet: nothing is applied.
  }
  const appliedSet = new Set(applied);
  const pending = journal.entries.filter((entry) => !appliedSet.has(entry.when)).length;
  return { current: pending === 0, pending };
}
