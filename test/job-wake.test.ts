import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPushSubscriptions, publishAlert } from './support/alerts.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';

/**
 * Issue 19: the first pushes leave within a second of the approval, so an
 * approved alert's fan-out (and then its senders) must not wait for the job
 * workers' next poll. Here the workers poll once a minute: the alert is
 * walked well before that only because the approval wakes them — in the same
 * process, and on PostgreSQL from a web process to a worker process sharing
 * the database (a NOTIFY per wake, never per report).
 */
const SLOW_POLL = { JOB_POLL_SECONDS: '60' };
const WITHIN_MS = 15_000;

async function walked(faro: TestFaro, alertId: string) {
  await expect
    .poll(
      async () =>
        (await faro.faro.database.pool.query('select queued_at from alerts where id = $1', [alertId])).rows[0]
          ?.queued_at,
      { timeout: WITHIN_MS, interval: 100 },
    )
    .toBeTruthy();
}

async function zoneOf(faro: TestFaro) {
  const zones = (await faro.faro.app.inject({ url: '/api/zones' })).json().zones as {
    id: string;
    name: string;
  }[];
  return zones.find((zone) => zone.name === 'Pico-Union')?.id ?? '';
}

describe('an approval wakes the job workers', () => {
  let t: TestFaro;
  let dispatcher: StaffSession;
  let approver: StaffSession;
  beforeAll(async () => {
    t = await startTestFaro({ env: SLOW_POLL });
    dispatcher = await staffSession(t.faro.database, 'dispatcher');
    approver = await staffSession(t.faro.database, 'approver');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('walks an approved alert at once in the process that approved it', async () => {
    const zoneId = await zoneOf(t);
    await insertPushSubscriptions(t.faro, zoneId, ['https://push.example.org/wake/1']);
    // Let the workers' first poll (at start) pass: from here on they would wait a minute.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const alert = await publishAlert(t.faro.app, dispatcher, approver, zoneId);
    await walked(t, alert.id);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('across processes', () => {
  let db: TestDatabase;
  let web: TestFaro;
  let worker: TestFaro;
  beforeAll(async () => {
    db = await createTestDatabase();
    web = await startTestFaro({ db, work: false, env: SLOW_POLL });
    worker = await startTestFaro({ db, env: SLOW_POLL });
  });
  afterAll(async () => {
    await web?.stop();
    await worker?.stop();
    await db?.database.close();
    await db?.drop();
  });

  it('walks an alert approved on a web process at once on a worker process', async () => {
    const zoneId = await zoneOf(web);
    await insertPushSubscriptions(web.faro, zoneId, ['https://push.example.org/wake/2']);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const dispatcher = await staffSession(web.faro.database, 'dispatcher');
    const approver = await staffSession(web.faro.database, 'approver');
    const alert = await publishAlert(web.faro.app, dispatcher, approver, zoneId);
    await walked(web, alert.id);
  });
});
