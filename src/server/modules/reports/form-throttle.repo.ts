import { sql } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';

/**
 * Counts one report posted without scripts for `key` in its fixed window and
 * says whether it is within `max` — in one statement, as several processes
 * may take one at once. A refused post is not counted. Windows long over are
 * deleted on the way (such posts are rare, so this costs nothing).
 */
export async function takeFormPost(
  db: Drizzle,
  key: string,
  at: Date,
  rule: { windowSeconds: number; max: number },
): Promise<boolean> {
  const now = at.toISOString();
  const windowOpen = new Date(at.getTime() - rule.windowSeconds * 1000).toISOString();
  await db.execute(sql`delete from report_form_throttle where window_start <= ${windowOpen}::timestamptz`);
  const result = await db.execute<{ count: number }>(sql`
    insert into report_form_throttle as t (key, window_start, count)
    values (${key}, ${now}::timestamptz, 1)
    on conflict (key) do update set
      window_start = case when t.window_start <= ${windowOpen}::timestamptz then ${now}::timestamptz else t.window_start end,
      count = case when t.window_start <= ${windowOpen}::timestamptz then 1 else t.count + 1 end
    where t.window_start <= ${windowOpen}::timestamptz or t.count < ${rule.max}
    returning t.count`);
  return result.rows.length > 0;
}
