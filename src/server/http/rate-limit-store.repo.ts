import { sql } from 'drizzle-orm';
import { type Drizzle, prepared, type SqlExecutor } from '../db/database.js';

/** One request to count: the counter's key and the length of a window it would start. */
export interface Hit {
  key: string;
  windowMs: number;
}

/** What a request's count says: how many its window holds with it, and how long the window has left. */
export interface HitCount {
  count: number;
  ttlMs: number;
}

/**
 * The statement of `countHits`, written once and prepared (`prepared`): it runs before every public
 * request (or batch of them), so neither the query builder nor the database's parser should run for
 * each. Its parameters are arrays, one element per key, so its text is the same whatever the batch
 * holds (one prepared statement, not one per batch size). Each key comes once, with `n` its requests
 * in the batch: an upsert cannot update one row twice in a statement. The keys are taken in their
 * order (`order by`): two processes counting overlapping keys lock the rows in the same order, so
 * they wait for each other, never deadlock.
 */
const COUNT_HITS = `insert into rate_limit_hits as t (key, expires_at, count)
    select hit.key, now() + (hit.window_ms * interval '1 millisecond'), hit.n
    from unnest($1::text[], $2::int[], $3::int[]) as hit (key, window_ms, n),
      (select set_config('synchronous_commit', 'off', true)) as without_waiting_for_the_disk
    order by hit.key
    on conflict (key) do update set
      count = case when t.expires_at <= now() then excluded.count else t.count + excluded.count end,
      expires_at = case when t.expires_at <= now() then excluded.expires_at else t.expires_at end
    returning t.key, t.count, greatest(0, ceil(extract(epoch from t.expires_at - now()) * 1000))::int as ttl_ms`;

/**
 * Counts requests, each for its `key`, and says for each (in the order given) how many its window
 * holds with it and how long the window has left — in one statement on the database's clock, as
 * several Faro processes count at once. The window starts at the key's first request (not on the
 * clock: a burst straddling a clock-aligned boundary would get twice the limit) and a request after
 * its end starts a new one. Requests over the limit are counted too, as the plugin's own store does;
 * the window is not extended by them. Requests for one key in one call count as if they came one
 * after the other in the order given, at the same instant: the first after a window ended starts the
 * new one (its `windowMs` sets its length), and they get consecutive counts.
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
export async function countHits(executor: SqlExecutor, hits: readonly Hit[]): Promise<HitCount[]> {
  // Per key: its window (the first request's, the one that would start it) and its requests here.
  const keys = new Map<string, { windowMs: number; n: number }>();
  const arrivals = hits.map(({ key, windowMs }) => {
    const ofKey = keys.get(key) ?? { windowMs, n: 0 };
    keys.set(key, ofKey);
    ofKey.n += 1;
    return { key, ofKey, nth: ofKey.n };
  });
  const { rows } = await executor.query<{ key: string; count: number; ttl_ms: number }>(
    prepared(executor, 'faro_count_hits', COUNT_HITS, [
      [...keys.keys()],
      [...keys.values()].map((ofKey) => ofKey.windowMs),
      [...keys.values()].map((ofKey) => ofKey.n),
    ]),
  );
  const counted = new Map(
    rows.map((row) => [row.key, { count: Number(row.count), ttlMs: Number(row.ttl_ms) }]),
  );
  return arrivals.map(({ key, ofKey, nth }) => {
    const total = counted.get(key);
    if (!total) throw new Error('rate_limit_hits: the upsert returned no row for a key');
    // The key's requests of this call are the last `n` its window holds; this one is the nth of them.
    return { count: total.count - ofKey.n + nth, ttlMs: total.ttlMs };
  });
}

/**
 * Deletes up to `limit` rows whose window has ended (they only hold a count nobody needs). Rows a
 * count holds just now are skipped, not waited for: waiting, the sweep would delete the row that
 * count had just renewed (its new window's first requests forgotten), and, taking its rows in no
 * particular order while a count takes a batch's rows in key order, could deadlock with it.
 */
export async function sweepHits(db: Drizzle, limit: number): Promise<void> {
  await db.execute(sql`
    delete from rate_limit_hits where expires_at <= now() and key in (
      select key from rate_limit_hits where expires_at <= now() limit ${limit} for update skip locked)`);
}
