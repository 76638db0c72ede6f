import { sql } from 'drizzle-orm';
import type { Drizzle } from '../db/database.js';

/**
 * Counts one request for `key` and says how many its window holds and how long the window has
 * left — in one statement on the database's clock, as several Faro processes count at once. The
 * window starts at the key's first request (not on the clock: a burst straddling a clock-aligned
 * boundary would get twice the limit) and a request after its end starts a new one. Requests over
 * the limit are counted too, as the plugin's own store does; the window is not extended by them.
 */
export async function countHit(
  db: Drizzle,
  key: string,
  windowMs: number,
): Promise<{ count: number; ttlMs: number }> {
  const window = sql`(${windowMs}::int * interval '1 millisecond')`;
  const result = await db.execute<{ count: number; ttl_ms: number }>(sql`
    insert into rate_limit_hits as t (key, expires_at, count)
    values (${key}, now() + ${window}, 1)
    on conflict (key) do update set
      count = case when t.expires_at <= now() then 1 else t.count + 1 end,
      expires_at = case when t.expires_at <= now() then now() + ${window} else t.expires_at end
    returning t.count, greatest(0, ceil(extract(epoch from t.expires_at - now()) * 1000))::int as ttl_ms`);
  const row = result.rows[0];
  if (!row) throw new Error('rate_limit_hits: the upsert returned no row');
  return { count: Number(row.count), ttlMs: Number(row.ttl_ms) };
}

/** Deletes up to `limit` rows whose window has ended (they only hold a count nobody needs). */
export async function sweepHits(db: Drizzle, limit: number): Promise<void> {
  await db.execute(sql`
    delete from rate_limit_hits where key in (
      select key from rate_limit_hits where expires_at <= now() limit ${limit})`);
}
