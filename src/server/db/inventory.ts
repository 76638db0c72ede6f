import type { SqlExecutor } from './database.js';

/** The schemas Faro's data lives in: its tables, the migrations' record, the job queue's. */
export const FARO_SCHEMAS = ['public', 'drizzle', 'pgboss'] as const;

/** The database's size on disk (an estimate of a dump's size, for progress). */
export async function databaseSize(executor: SqlExecutor): Promise<number> {
  const result = await executor.query<{ size: string }>(
    'select pg_database_size(current_database())::text as size',
  );
  return Number(result.rows[0]?.size ?? 0);
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Every table of Faro's schemas with its exact row count ("schema.table" → rows), sorted by name. */
export async function tableRowCounts(executor: SqlExecutor): Promise<Map<string, number>> {
  const tables = await executor.query<{ schema: string; name: string }>(
    `select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema = any($1) order by 1, 2`,
    [[...FARO_SCHEMAS]],
  );
  const counts = new Map<string, number>();
  for (const { schema, name } of tables.rows) {
    const result = await executor.query<{ n: string }>(
      `select count(*)::text as n from ${quote(schema)}.${quote(name)}`,
    );
    counts.set(`${schema}.${name}`, Number(result.rows[0]?.n ?? 0));
  }
  return counts;
}

/** The first table of Faro's own (schema public) that has a row, if any: a database to restore into has none. */
export async function firstTableWithRows(executor: SqlExecutor): Promise<string | undefined> {
  for (const [table, rows] of await tableRowCounts(executor))
    if (table.startsWith('public.') && rows > 0) return table.slice('public.'.length);
  return undefined;
}

/** Drops Faro's schemas (an empty database's tables, before a restore puts back the backup's). */
export async function dropFaroSchemas(executor: SqlExecutor): Promise<void> {
  await executor.query(
    'drop schema if exists public cascade; drop schema if exists drizzle cascade; drop schema if exists pgboss cascade; create schema public;',
  );
}
