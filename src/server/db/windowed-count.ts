import { sql } from 'drizzle-orm';
import type { Drizzle } from './database.js';

/** The tables that count in fixed windows (each written only by its owner's repository). */
export type WindowedCountTable = 'form_throttle' | 'sms_info_quota';

/** The start of the fixed window `at` is in (windows start on the clock: the hour, for an hour). */
export const windowStart = (at: Date, windowSeconds: number): Date =>
  new Date(Math.floor(at.getTime() / (windowSeconds * 1000)) * windowSeconds * 1000);

/**
 * Counts one more for `key` in its fixed window and says whether it is within `max` — in one
 * statement, as several Faro processes may take one at once; a refusal is not counted. A row
 * keeps the window's start, never the moment (it cannot be matched to a message or a post by its
 * time); rows of windows past are deleted on the way. The table has (key text primary key,
 * window_start timestamptz, count integer).
 */
export async function takeInWindow(
  db: Drizzle,
  table: WindowedCountTable,
  key: string,
  at: Date,
  rule: { windowSeconds: number; max: number },
): Promise<boolean> {
  const start = windowStart(at, rule.windowSeconds).toISOString();
  const name = sql.identifier(table);
  await db.execute(sql`delete from ${name} where window_start < ${start}::timestamptz`);
  const result = await db.execute<{ count: number }>(sql`
    insert into ${name} as t (key, window_start, count)
    values (${key}, ${start}::timestamptz, 1)
    on conflict (key) do update set
      window_start = ${start}::timestamptz,
      count = case when t.window_start < ${start}::timestamptz then 1 else t.count + 1 end
    where t.window_start < ${start}::timestamptz or t.count < ${rule.max}
    returning t.count`);
  return result.rows.length > 0;
}
