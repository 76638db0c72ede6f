import { type SQL, sql } from 'drizzle-orm';
import type { SealedColumn } from '../crypto/sealed-column.js';
import type { Drizzle } from './database.js';

/**
 * The SQL of re-sealing (crypto/rotation.ts): generic over the columns the modules declare
 * (crypto/sealed-column.ts), the way windowed-count.ts writes the tables its owners name. It
 * reads a value's key id without opening it: text `v1.…` or `v2.<kid>.…`, bytes 1 or 2 + kid.
 */

const id = (name: string) => sql.identifier(name);

/** The value: the column, or a text field of a JSON column. */
const sealedValue = (col: SealedColumn): SQL =>
  col.field ? sql`(${id(col.column)} ->> ${col.field})` : sql`${id(col.column)}`;

/** Whether the column holds a sealed value at all (empty bodies and nulls are left alone). */
function isSealed(col: SealedColumn): SQL {
  const c = sealedValue(col);
  return col.kind === 'text'
    ? sql`(${c} like 'v1.%' or ${c} like 'v2.%')`
    : sql`substring(${c} from 1 for 1) in ('\\x01'::bytea, '\\x02'::bytea)`;
}

/** The key id of the value: 'v1' for values sealed before key ids. */
function kidExpression(col: SealedColumn): SQL {
  const c = sealedValue(col);
  return col.kind === 'text'
    ? sql`case when ${c} like 'v1.%' then 'v1' else substring(${c} from 4 for 8) end`
    : sql`case when substring(${c} from 1 for 1) = '\\x01'::bytea then 'v1' else encode(substring(${c} from 2 for 4), 'hex') end`;
}

/** How many values of the column use each key id. */
export async function countSealedByKid(db: Drizzle, col: SealedColumn): Promise<Map<string, number>> {
  const result = await db.execute<{ kid: string; count: string | number }>(
    sql`select ${kidExpression(col)} as kid, count(*) as count from ${id(col.table)} where ${isSealed(col)} group by 1`,
  );
  return new Map(result.rows.map((row) => [row.kid, Number(row.count)]));
}

/** Values not sealed with `kid`, in key order after `after`: one batch to re-seal. */
export async function staleSealed(
  db: Drizzle,
  col: SealedColumn,
  kid: string,
  after: string | null,
  limit: number,
): Promise<{ key: string; value: string | Uint8Array; context: string }[]> {
  const k = id(col.key);
  const result = await db.execute<{ key: string; value: string | Uint8Array; context: string }>(sql`
    select ${k}::text as key, ${id(col.column)} as value, ${id(col.context.column)}::text as context
    from ${id(col.table)}
    where ${isSealed(col)} and ${kidExpression(col)} <> ${kid}
      ${after === null ? sql`` : sql`and ${k} > ${after}`}
    order by ${k}
    limit ${limit}`);
  return result.rows;
}

/**
 * Writes the re-sealed value only where the row still holds the value that was read: a write made
 * meanwhile (already sealed with the current key) is never overwritten. Whether it was written.
 */
export async function replaceSealed(
  db: Drizzle,
  col: SealedColumn,
  key: string,
  old: string | Uint8Array,
  fresh: string | Uint8Array,
): Promise<boolean> {
  const c = id(col.column);
  const result = await db.execute(
    sql`update ${id(col.table)} set ${c} = ${fresh} where ${id(col.key)} = ${key} and ${c} = ${old}`,
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * Sealed values in the job queue's payloads (pg-boss: jobs waiting, running or failed in `job`,
 * finished ones in `archive` until pg-boss deletes them): how many jobs use each key id, per queue.
 * These are not re-sealed (a job is short-lived); `faro keys status` counts them.
 */
export async function countQueuedByKid(
  db: Drizzle,
): Promise<{ table: string; kid: string; count: number }[]> {
  const present = await db.execute<{ table_name: string }>(sql`
    select table_name from information_schema.tables
    where table_schema = 'pgboss' and table_name in ('job', 'archive')`);
  const counts: { table: string; kid: string; count: number }[] = [];
  for (const { table_name: table } of present.rows) {
    const result = await db.execute<{ kid: string; count: string | number }>(sql`
      select case when m[1] = 'v1' then 'v1' else substring(m[1] from 4 for 8) end as kid,
        count(distinct j.id) as count
      from ${sql.identifier('pgboss')}.${sql.identifier(table)} j, regexp_matches(j.data::text, '"(v1|v2\\.[0-9a-f]{8})\\.', 'g') m
      group by 1`);
    for (const row of result.rows)
      counts.push({ table: `pgboss.${table}`, kid: row.kid, count: Number(row.count) });
  }
  return counts;
}
