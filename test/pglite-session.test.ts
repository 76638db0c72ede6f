import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/db.js';

/**
 * A statement that fails while it runs leaves the database answering every later caller with its
 * own answers — on PGlite too, whose one in-process session every pool client shares.
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.database.close();
  await t?.drop();
});

describe('after a statement the database refused', () => {
  it('the next queries get their own answers', async () => {
    const key = `test:${randomUUID()}`;
    const insert = `with added as (
        insert into rate_limit_hits (key, expires_at, count) values ($1, now(), 1) returning key
      ) select key from added`;
    await t.database.pool.query(insert, [key]);
    await expect(t.database.pool.query(insert, [key])).rejects.toMatchObject({ code: '23505' });
    for (let i = 0; i < 3; i++) {
      const { rows } = await t.database.pool.query<{ n: number }>('select $1::int as n', [i]);
      expect(rows).toEqual([{ n: i }]);
    }
    await expect(t.database.pool.query('select 1 / $1::int as n', [0])).rejects.toMatchObject({
      code: '22012',
    });
    const { rows } = await t.database.pool.query<{ key: string }>(
      'select key from rate_limit_hits where key = $1',
      [key],
    );
    expect(rows).toEqual([{ key }]);
  });
});
