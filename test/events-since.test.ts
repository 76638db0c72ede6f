import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsSince } from '../src/server/realtime/events.repo.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';

/**
 * What a hub's read returns: the events after its cursor and those of the ids it still misses,
 * oldest first, at most the limit, each once. The query is shaped for the planner (a surge grows
 * the log faster than ANALYZE follows); these cases hold its answer to the plain meaning,
 * `id > after or id in also, by id, limit`, worked out here from the rows the test wrote.
 */
let db: TestDatabase;
const coalitionId = randomUUID();
/** Twenty ids of the log's sequence, taken in a row: `at(1)` … `at(20)`. */
let base = 0;
const at = (n: number) => base + n;
/** The ids of the twenty that hold a row: 4, 7, 12 and 15 were taken and never committed. */
const written = Array.from({ length: 20 }, (_, i) => i + 1).filter((n) => ![4, 7, 12, 15].includes(n));
const subjects = new Map<number, string>();

beforeAll(async () => {
  db = await createTestDatabase();
  const { rows } = await db.database.pool.query<{ id: string }>(
    `select nextval(pg_get_serial_sequence('domain_events', 'id')) as id from generate_series(1, 20)`,
  );
  base = Number(rows[0]?.id) - 1;
  for (const n of written) {
    const subjectId = randomUUID();
    subjects.set(at(n), subjectId);
    await db.database.pool.query(
      `insert into domain_events (id, coalition_id, type, subject_id) values ($1, $2, 'incident.updated', $3)`,
      [at(n), coalitionId, subjectId],
    );
  }
});
afterAll(async () => {
  await db?.database.close();
  await db?.drop();
});

/** The events' ids, as offsets in the twenty, after checking each carries its own row. */
async function read(after: number, also: number[], limit: number): Promise<number[]> {
  const { events, xmin, xmax } = await eventsSince(db.database.pool, at(after), also.map(at), limit);
  expect(xmin).toBeLessThanOrEqual(xmax);
  for (const event of events) {
    expect(event).toEqual({
      id: event.id,
      coalitionId,
      type: 'incident.updated',
      subjectId: subjects.get(event.id),
    });
  }
  return events.map((event) => event.id - base);
}

/** The plain meaning, over the rows this test wrote (none of the log's other rows is asked for). */
const meant = (after: number, also: number[], limit: number) =>
  written.filter((n) => n > after || also.includes(n)).slice(0, limit);

describe('the events a hub reads on a wake', () => {
  it('are the new ones alone when no id is missed', async () => {
    expect(await read(10, [], 100)).toEqual([11, 13, 14, 16, 17, 18, 19, 20]);
    expect(await read(20, [], 100)).toEqual([]);
  });

  it('are the missed ids that came, and only those, when nothing is new', async () => {
    expect(await read(20, [2, 4, 9, 12], 100)).toEqual([2, 9]);
    expect(await read(20, [4, 7], 100)).toEqual([]);
  });

  it('are the missed ids and the new ones together, oldest first', async () => {
    expect(await read(10, [3, 4, 8], 100)).toEqual([3, 8, 11, 13, 14, 16, 17, 18, 19, 20]);
  });

  it('stop at the limit among the missed ids, the oldest first', async () => {
    expect(await read(20, [1, 2, 3, 5, 6, 8, 9], 3)).toEqual([1, 2, 3]);
  });

  it('stop at the limit across the missed ids and the new ones', async () => {
    expect(await read(10, [3, 5, 8], 4)).toEqual([3, 5, 8, 11]);
    expect(await read(10, [3, 5, 8], 2)).toEqual([3, 5]);
    expect(await read(10, [3, 5, 8], 1)).toEqual([3]);
    // The new ones that would come before a missed one cannot: missed ids are below the cursor.
    expect(await read(5, [1, 3], 3)).toEqual([1, 3, 6]);
  });

  it('hold each event once, even for an id asked for twice or one after the cursor', async () => {
    expect(await read(10, [3, 3, 13, 14], 100)).toEqual([3, 11, 13, 14, 16, 17, 18, 19, 20]);
    expect(await read(10, [13, 3], 3)).toEqual([3, 11, 13]);
  });

  it('are what the plain meaning says for every cursor, set of missed ids and limit tried', async () => {
    const sets = [[], [1], [4], [2, 4, 6, 8], [1, 3, 5, 9, 10, 11, 15], [19, 2], [20]];
    for (const after of [0, 1, 6, 10, 19, 20]) {
      for (const also of sets) {
        for (const limit of [1, 2, 3, 5, 8, 100]) {
          expect(await read(after, also, limit), `after ${after}, also ${also}, limit ${limit}`).toEqual(
            meant(after, also, limit),
          );
        }
      }
    }
  });
});
