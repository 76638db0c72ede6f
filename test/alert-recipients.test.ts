import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactContext } from '../src/server/modules/alerts/subscriptions.service.js';
import type { AlertView, RecipientCounts } from '../src/shared/alert.js';
import { alertSteps } from './support/alerts.js';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';

/**
 * Issue 14, approval that informs: before approving, the approver sees how
 * many the alert would reach, per channel and per language — counts from the
 * subscriptions, never an address — and only those who approve may ask.
 */
let t: TestFaro;
let dispatcher: StaffSession;
let approver: StaffSession;
let steps: Awaited<ReturnType<typeof alertSteps>>;

beforeAll(async () => {
  t = await startTestFaro();
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
  steps = await alertSteps(t, { dispatcher, approver });
});
afterAll(async () => t?.stop());

type Channel = 'push' | 'sms' | 'email';
const CONTACTS: Record<Channel, () => string> = {
  email: () => `vecina-${randomUUID().slice(0, 8)}@example.org`,
  sms: () => `+1323555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`,
  push: () => JSON.stringify({ endpoint: `https://push.example.org/${randomUUID()}`, keys: {} }),
};
const written: string[] = [];

/** A subscription as one confirmed (or not) long ago would be stored: sealed contact, its zones. */
async function subscription(
  channel: Channel,
  language: 'en' | 'es',
  zoneNames: string[],
  options: { audience?: 'public' | 'staff'; status?: 'active' | 'pending' } = {},
) {
  const id = randomUUID();
  const contact = CONTACTS[channel]();
  written.push(contact);
  await t.faro.database.pool.query(
    `insert into subscriptions (id, coalition_id, channel, contact, contact_digest, language, status, audience, manage_token_hash)
     values ($1, (select coalition_id from zones where id = $2), $3, $4, $5, $6, $7, $8, $9)`,
    [
      id,
      steps.zone(zoneNames[0] ?? ''),
      channel,
      t.faro.box.seal(contact, contactContext(id)),
      randomBytes(16).toString('hex'),
      language,
      options.status ?? 'active',
      options.audience ?? 'public',
      randomBytes(16).toString('hex'),
    ],
  );
  for (const name of zoneNames)
    await t.faro.database.pool.query(
      'insert into subscription_zones (zone_id, subscription_id) values ($1, $2)',
      [steps.zone(name), id],
    );
}

/** A draft for the zones, submitted by the dispatcher: what the approver has in front of them. */
async function submitted(zoneNames: string[], capStatus: AlertView['capStatus'] = 'Actual') {
  const draft = await steps.draftFrom('activity', {
    zoneIds: zoneNames.map((name) => steps.zone(name)),
    capStatus,
  });
  expectStatus(await client(t, dispatcher).post(`/api/manage/alerts/${draft.id}/submit`), 200);
  return draft;
}

const countsOf = async (alertId: string): Promise<RecipientCounts> =>
  expectStatus(await client(t, approver).get(`/api/manage/alerts/${alertId}/recipients`), 200).body;

/** The deliveries the fan-out made for a published alert, per channel. */
async function deliveredPerChannel(alertId: string) {
  // The senders make a delivery row per recipient as they walk them: until every one is walked.
  await t.faro.jobs.drain(t.faro.jobDefinitions.alertFanOut, 20_000);
  await expect
    .poll(
      async () =>
        (await t.faro.database.pool.query('select queued_at from alerts where id = $1', [alertId])).rows[0]
          ?.queued_at,
      { timeout: 20_000, interval: 100 },
    )
    .toBeTruthy();
  const { rows } = await t.faro.database.pool.query<{ channel: Channel; n: number }>(
    'select channel, count(*)::int as n from deliveries where alert_id = $1 group by channel',
    [alertId],
  );
  return Object.fromEntries(rows.map((row) => [row.channel, Number(row.n)]));
}

describe('issue 14: recipients an approver sees before approving', () => {
  beforeAll(async () => {
    // Pico-Union: push in English ×2 and Spanish ×1, an e-mail in English, texts in Spanish ×2,
    // a staff member's test subscription (push, English), and one never confirmed.
    await subscription('push', 'en', ['Pico-Union']);
    await subscription('push', 'en', ['Pico-Union', 'Pacoima']);
    await subscription('push', 'es', ['Pico-Union']);
    await subscription('email', 'en', ['Pico-Union']);
    await subscription('sms', 'es', ['Pico-Union']);
    await subscription('sms', 'es', ['Pacoima', 'Pico-Union']);
    await subscription('push', 'en', ['Pico-Union'], { audience: 'staff' });
    await subscription('email', 'es', ['Pico-Union'], { status: 'pending' });
    // Elsewhere: another neighborhood only.
    await subscription('email', 'es', ['Pacoima']);
    await subscription('sms', 'en', ['Van Nuys']);
  });

  it('counts the active subscriptions of its zones per channel and language, once each', async () => {
    const alert = await submitted(['Pico-Union']);
    // Every language a subscriber may choose is counted; nobody here chose one beyond English and Spanish.
    const none = { zh: 0, vi: 0, ko: 0, tl: 0, ar: 0, ht: 0, pt: 0, fr: 0 };
    expect(await countsOf(alert.id)).toEqual({
      audience: 'public',
      total: 7,
      channels: {
        push: { total: 4, languages: { en: 3, es: 1, ...none } },
        sms: { total: 2, languages: { en: 0, es: 2, ...none } },
        email: { total: 1, languages: { en: 1, es: 0, ...none } },
      },
      languages: { en: 4, es: 3, ...none },
    });
    // Two zones: a subscriber of both is counted once.
    const both = await submitted(['Pico-Union', 'Pacoima']);
    expect(await countsOf(both.id)).toMatchObject({
      total: 8,
      channels: { email: { total: 2, languages: { en: 1, es: 1 } } },
    });
  });

  it('counts only staff test subscriptions for a test or an exercise', async () => {
    for (const capStatus of ['Test', 'Exercise'] as const) {
      const alert = await submitted(['Pico-Union'], capStatus);
      expect(await countsOf(alert.id)).toMatchObject({
        audience: 'staff',
        total: 1,
        channels: { push: { total: 1, languages: { en: 1, es: 0 } }, sms: { total: 0 }, email: { total: 0 } },
      });
    }
  });

  it('gives numbers only: no address, number or push endpoint', async () => {
    const alert = await submitted(['Pico-Union']);
    const reply = expectStatus(
      await client(t, approver).get(`/api/manage/alerts/${alert.id}/recipients`),
      200,
    );
    for (const contact of written) expect(reply.text).not.toContain(contact);
    expect(reply.text).not.toMatch(/@|https?:|\+1\d/);
  });

  it('matches what the fan-out then delivers, for the alert and for its update', async () => {
    const alert = await submitted(['Pico-Union']);
    const counts = await countsOf(alert.id);
    expect((await steps.approve(alert.id)).statusCode).toBe(200);
    expect(await deliveredPerChannel(alert.id)).toEqual({ push: 4, sms: 2, email: 1 });
    expect(counts.channels).toMatchObject({ push: { total: 4 }, sms: { total: 2 }, email: { total: 1 } });

    // An update for Pacoima also reaches everyone the first alert was sent to.
    await t.faro.database.pool.query(
      `update deliveries set state = 'sent' where alert_id = $1`, // as if every one had left
      [alert.id],
    );
    const update = await steps.draftFrom('update', {
      zoneIds: [steps.zone('Pacoima')],
      referencesId: alert.id,
    });
    expectStatus(await client(t, dispatcher).post(`/api/manage/alerts/${update.id}/submit`), 200);
    const updateCounts = await countsOf(update.id);
    expect(updateCounts.total).toBe(8);
    expect((await steps.approve(update.id)).statusCode).toBe(200);
    const delivered = await deliveredPerChannel(update.id);
    expect(delivered).toEqual({
      push: updateCounts.channels.push.total,
      sms: updateCounts.channels.sms.total,
      email: updateCounts.channels.email.total,
    });
  });

  it('answers approvers only: a dispatcher, a responder and an anonymous caller are refused', async () => {
    const alert = await submitted(['Pico-Union']);
    const url = `/api/manage/alerts/${alert.id}/recipients`;
    // The dispatcher reads alerts and writes them, but does not approve them.
    expect((await client(t, dispatcher).get(url)).status).toBe(403);
    const responder = await sessionFor(
      t.faro.database,
      (await createPerson(t.faro.database, t.faro.box, { role: 'responder' })).id,
    );
    expect((await client(t, responder).get(url)).status).toBe(403);
    const anonymous = await client(t).get(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).not.toMatch(/"total"/);
    // Another coalition's alert, or none: not found, nothing counted.
    expect((await client(t, approver).get(`/api/manage/alerts/${randomUUID()}/recipients`)).status).toBe(404);
  });
});
