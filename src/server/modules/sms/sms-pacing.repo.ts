import { sql } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';

/**
 * Books `segments` consecutive slots of `sender`'s pace for one text, on the database's clock, in
 * one statement: the row's lock puts every Faro process's bookings in one line. The text's slot is
 * the later of the next free one and the present; the next free one moves past its segments.
 * Answers when the slot starts (milliseconds since the epoch, to the microsecond) and how long to wait for it (clock_timestamp(), not now(): a
 * statement that waited for the row's lock must not book in the past).
 */
export async function bookSmsSlot(
  db: Drizzle,
  sender: string,
  segments: number,
  segmentMs: number,
): Promise<{ startsAtMs: number; waitMs: number }> {
  const length = sql`(${segments * segmentMs}::float8 * interval '1 millisecond')`;
  const result = await db.execute<{ starts_ms: number; wait_ms: number }>(sql`
    insert into sms_pacing as p (sender, next_slot)
    values (${sender}, clock_timestamp() + ${length})
    on conflict (sender) do update set next_slot = greatest(p.next_slot, clock_timestamp()) + ${length}
    returning (extract(epoch from p.next_slot - ${length}) * 1000)::float8 as starts_ms,
      greatest(0, extract(epoch from (p.next_slot - ${length}) - clock_timestamp()) * 1000)::float8 as wait_ms`);
  const row = result.rows[0];
  if (!row) throw new Error('sms_pacing: the booking returned no row');
  return { startsAtMs: Number(row.starts_ms), waitMs: Number(row.wait_ms) };
}
