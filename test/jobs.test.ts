import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob, startJobQueue } from '../src/server/jobs/queue.js';
import { newSendKey } from '../src/shared/report.js';
import { createTestDatabase } from './support/db.js';
import { buildReportInput, OUTSIDE_ZONES } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { jobState, jobsOf, schedules } from './support/state.js';

let t: TestFaro;
beforeAll(async () => {
  t = await startTestFaro({ env: { RETENTION_EXACT_LOCATION_DAYS: '30' } });
});
afterAll(async () => t?.stop());

const create = async (location?: { lat: number; lng: number }) => {
  const response = await t.faro.app.inject({
    method: 'POST',
    url: '/api/reports',
    payload: buildReportInput({ ...(location ? { location } : {}), sendKey: newSendKey() }),
  });
  expect(response.statusCode).toBe(201);
  return response.json().id as string;
};

const restricted = async (id: string) =>
  (
    await t.faro.database.pool.query(
      'select restricted, markings, has_exact_location, zone_id, h3_cell, restricted_purged_at, source_ref from reports where id = $1',
      [id],
    )
  ).rows[0];

describe('retention job on the Postgres-backed queue', () => {
  it('deletes exact location and free text after the retention period, keeps coarse data, and is idempotent', async () => {
    const old = await create();
    // Far from the first, so it is an incident of its own.
    const recent = await create(OUTSIDE_ZONES);
    await t.faro.database.pool.query(
      `update reports set received_at = now() - interval '31 days', markings = 'vest 9d2e' where id = $1`,
      [old],
    );
    await t.faro.grouper?.settle();
    await t.faro.database.pool.query(
      `update incidents set last_activity_at = now() - interval '31 days'
         where id = (select incident_id from reports where id = $1)`,
      [old],
    );

    const job = t.faro.jobDefinitions.retention;
    expect(await t.faro.jobs.send(job, {})).toBeTruthy();
    await t.faro.jobs.drain(job);

    const purged = await restricted(old);
    expect(purged).toMatchObject({ restricted: null, has_exact_location: false });
    // What found it again if sent again (the digest of the phone's send key) goes too: kept, it
    // would tie the report to that phone for ever.
    expect(purged.source_ref).toBeNull();
    expect(purged.zone_id).not.toBeNull();
    expect(purged.h3_cell).not.toBeNull();
    expect(purged.restricted_purged_at).not.toBeNull();
    const kept = await restricted(recent);
    expect(kept.restricted).toMatch(/^v2\.[0-9a-f]{8}\./);
    expect(kept.has_exact_location).toBe(true);
    expect(kept.source_ref).toMatch(/^key:/);

    // Issue 12 item 14: markings kept in the clear by an older version go with the rest.
    expect(purged.markings).toBeNull();
    // The old report's incident, quiet as long, forgets its mean and recent positions;
    // the recent one's keeps them. Zone and public cell stay.
    const positions = async (report: string) =>
      (
        await t.faro.database.pool.query(
          `select i.center_lat, i.recent_lat, i.zone_id, i.h3_cell from incidents i
             join reports r on r.incident_id = i.id where r.id = $1`,
          [report],
        )
      ).rows[0];
    expect(await positions(old)).toMatchObject({ center_lat: null, recent_lat: null });
    expect((await positions(old)).h3_cell).not.toBeNull();
    expect((await positions(recent)).center_lat).not.toBeNull();

    const firstPurge = purged.restricted_purged_at;
    await t.faro.jobs.send(job, {});
    await t.faro.jobs.drain(job);
    expect((await restricted(old)).restricted_purged_at).toEqual(firstPurge);
  });

  it('commits a job with the caller’s transaction, or not at all', async () => {
    const job = t.faro.jobDefinitions.retention;
    const count = async () => (await jobsOf(t.faro.database, job.name)).length;
    const before = await count();
    await expect(
      t.faro.database.transaction(async (tx) => {
        await t.faro.jobs.send(job, {}, tx.client);
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(await count()).toBe(before);
    await t.faro.database.transaction(async (tx) => {
      await t.faro.jobs.send(job, {}, tx.client);
    });
    expect(await count()).toBe(before + 1);
    await t.faro.jobs.drain(job);
  });

  it('schedules the purge to run every hour', async () => {
    expect(await schedules(t.faro.database)).toContainEqual(
      expect.objectContaining({ name: 'retention.purge-restricted', cron: '17 * * * *' }),
    );
  });
});

/** The database's pool, with pg-boss's statement that marks jobs done replaced by `completion`. */
function withCompletion(
  pool: pg.Pool,
  completion: (run: () => Promise<unknown>) => Promise<unknown>,
): pg.Pool {
  const isCompletion = (text: unknown) => typeof text === 'string' && text.includes('completed_on = now()');
  return new Proxy(pool, {
    get(target, property) {
      if (property === 'query')
        return (text: string, values?: unknown[]) =>
          isCompletion(text) ? completion(() => target.query(text, values)) : target.query(text, values);
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as pg.Pool;
}

async function runOneJob(pool: (real: pg.Pool) => pg.Pool) {
  const db = await createTestDatabase();
  let ran = false;
  const job = defineJob({
    name: 'test.one',
    payload: z.object({}),
    retryLimit: 0,
    retryDelaySeconds: 1,
    handler: async () => {
      ran = true;
    },
  });
  const errors: Error[] = [];
  const queue = await startJobQueue({ ...db.database, pool: pool(db.database.pool) }, [job], {
    pollSeconds: 0.5,
    onError: (error) => errors.push(error),
  });
  const id = await queue.send(job, {});
  while (!ran) await new Promise((resolve) => setTimeout(resolve, 20));
  return {
    errors,
    queue,
    state: () => jobState(db.database, id ?? ''),
    async close() {
      await db.database.close();
      await db.drop();
    },
  };
}

describe('the queue and the database under it', () => {
  it('waits, when stopping, until a finished job is marked done, so the database can close under it', async () => {
    // pg-boss marks a job done without waiting for the statement; here that statement takes a second.
    const run = await runOneJob((real) =>
      withCompletion(real, async (query) => {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        return query();
      }),
    );
    await run.queue.stop(5_000);
    expect(await run.state()).toBe('completed');
    expect(run.errors).toEqual([]);
    await run.close();
  }, 20_000);

  it('reports a job it could not mark done (the database went away) instead of ending the process', async () => {
    const run = await runOneJob((real) =>
      withCompletion(real, async () => {
        throw new Error('Connection terminated unexpectedly');
      }),
    );
    await run.queue.stop(5_000);
    // Still active: it runs again when it expires, as after a crash.
    expect(await run.state()).toBe('active');
    expect(run.errors.map((error) => error.message)).toEqual([
      "a job's outcome was not recorded; it will run again when it expires (Connection terminated unexpectedly)",
    ]);
    await run.close();
  }, 20_000);
});
