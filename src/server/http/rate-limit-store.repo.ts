import { sql } from 'drizzle-orm';
import { type Drizzle, prepared, type SqlExecutor } from '../db/database.js';

/**
 * The statement of `countHit`, written once and prepared (`prepared`): it runs before every public
 * request, so neither the query builder nor the database's parser should run for each.
 */
const COUNT_HIT = `insert into rate_limit_hits as t (key, expires_at, count)
    select $1, now() + ($2::int * interval '1 millisecond'), 1
    from (select set_config('synchronous_commit', 'off', true)) as without_waiting_for_the_disk
    on conflict (key) do update set
      count = case when t.expires_at <= now() then 1 else t.count + 1 end,
      expires_at = case when t.expires_at <= now() then now() + ($2::int * interval '1 millisecond')
                   else t.expires_at end
    returning t.count, greatest(0, ceil(extract(epoch from t.expires_at - now()) * 1000))::int as ttl_ms`;

/**
 * Counts one request for `key` and says how many its window holds and how long the window has
 * left — in one statement on the database's clock, as several Faro processes count at once. The
 * window starts at the key's first request (not on the clock: a burst straddling a clock-aligned
 * boundary would get twice the limit) and a request after its end starts a new one. Requests over
 * the limit are counted too, as the plugin's own store does; the window is not extended by them.
 *
 * Its commit does not wait for the disk (`synchronous_commit` off for this statement's own
 * transaction only): one client's requests all count on one row, and a count waiting for its flush
 * holds that row's lock meanwhile — that client's requests would go one disk flush at a time (about
 * 1,000 a second on a plain disk, whatever the CPU). Losing the last fraction of a second of counts
 * in a crash of the database is harmless; the reports themselves still wait for the disk.
 * Run it on the pool (its own implicit transaction), never inside a transaction that writes
 * anything else: that transaction's commit would not wait for the disk either (a report lost in a
 * crash). The tests that watch it in one transaction write nothing they need to keep.
 */
export async function countHit(
  executor: SqlExecutor,
  key: string,
  windowMs: number,
): Promise<{ count: number; ttlMs: number }> {
  const { rows } = await executor.query<{ count: number; ttl_ms: number }>(
    prepared(executor, 'faro_count_hit', COUNT_HIT, [key, windowMs]),
  );
  const row = rows[0];
  if (!row) throw new Error('rate_limit_hits: the upsert returned no row');
  return { count: Number(row.count), ttlMs: Number(row.ttl_ms) };
}

/** Deletes up to `limit` rows whose window has ended (they only hold a count nobody needs). */
export async function sweepHits(db: Drizzle, limit: number): Promise<void> {
  await db.execute(sql`
    delete from rate_limit_hits where key in (
      select key from rate_limit_hits where expires_at <= now() limit ${limit})`);
}
