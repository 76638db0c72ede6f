import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportInput, OUTSIDE_ZONES } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';

let t: TestFaro;
beforeAll(async () => {
  t = await startTestFaro({ env: { RETENTION_EXACT_LOCATION_DAYS: '30' } });
});
afterAll(async () => t?.stop());

const create = async (location?: { lat: number; lng: number }) => {
  const response = await t.faro.app.inject({
    method: 'POST',
    url: '/api/reports',
    payload: buildReportInput(location ? { location } : {}),
  });
  expect(response.statusCode).toBe(201);
  return response.json().id as string;
};

const restricted = async (id: string) =>
  (
    await t.faro.database.pool.query(
      'select restricted, markings, has_exact_location, zone_id, h3_cell, restricted_purged_at from reports where id = $1',
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
    expect(purged.zone_id).not.toBeNull();
    expect(purged.h3_cell).not.toBeNull();
    expect(purged.restricted_purged_at).not.toBeNull();
    const kept = await restricted(recent);
    expect(kept.restricted).toMatch(/^v1\./);
    expect(kept.has_exact_location).toBe(true);

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
    const count = async () =>
      Number(
        (await t.faro.database.pool.query(`select count(*) as n from pgboss.job where name = $1`, [job.name]))
          .rows[0].n,
      );
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
    const { rows } = await t.faro.database.pool.query('select name, cron from pgboss.schedule');
    expect(rows).toContainEqual(
      expect.objectContaining({ name: 'retention.purge-restricted', cron: '17 * * * *' }),
    );
  });
});
