import { sql } from 'drizzle-orm';
import type { Drizzle } from '../db/database.js';

/**
 * How much of the address's digest names its row: 20 bits, so that each row
 * stands for thousands of IPv4 addresses. Whoever holds the database and the
 * server's key cannot try every address and find the one that reported; two
 * people posting in the same hour share an allowance about once in a million.
 */
export const FORM_KEY_HEX_DIGITS = 5;

/** The start of the fixed window `at` is in (windows start on the clock: the hour, for an hour). */
export const formWindowStart = (at: Date, windowSeconds: number): Date =>
  new Date(Math.floor(at.getTime() / (windowSeconds * 1000)) * windowSeconds * 1000);

/**
 * Counts one form posted without scripts for `key` in its fixed window and
 * says whether it is within `max` — in one statement, as several processes
 * may take one at once. A refused post is not counted. Windows start on the
 * clock (the row keeps the hour, never the moment of a post, so it cannot be
 * matched to a report or a subscription by its time); those over are deleted on the way.
 * Several keys (the client, its wider networks, the whole network) are taken
 * in one transaction by the caller: one refusal undoes the others.
 */
export async function takeFormPost(
  db: Drizzle,
  key: string,
  at: Date,
  rule: { windowSeconds: number; max: number },
): Promise<boolean> {
  const start = formWindowStart(at, rule.windowSeconds).toISOString();
  await db.execute(sql`delete from form_throttle where window_start < ${start}::timestamptz`);
  const result = await db.execute<{ count: number }>(sql`
    insert into form_throttle as t (key, window_start, count)
    values (${key}, ${start}::timestamptz, 1)
    on conflict (key) do update set
      window_start = ${start}::timestamptz,
      count = case when t.window_start < ${start}::timestamptz then 1 else t.count + 1 end
    where t.window_start < ${start}::timestamptz or t.count < ${rule.max}
    returning t.count`);
  return result.rows.length > 0;
}
