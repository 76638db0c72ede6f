import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renewLease } from '../src/server/modules/alerts/delivery-claims.repo.js';
import { insertSmsSubscriptions, publishAlert } from './support/alerts.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { smsProviderEnv, startSmsProvider } from './support/sms-provider.js';

/**
 * Texts wait their turn for the sending number's pace, shared by every worker:
 * a row claimed with a batch waits far longer than its lease. It must not be
 * claimed again by another sender meanwhile, and leave twice: a live sender
 * renews the leases of the rows it holds, and renews a row's lease once more at
 * the last moment, after the wait, dropping the text if the row is no longer its
 * own. Here two processes run three senders of one alert's texts (a big alert
 * has up to four) at a pace of 4 a second with a 2-second lease: the last of 16
 * texts waits about four seconds. (Without either renewal, nearly every phone
 * got the alert twice.)
 */
const PHONES = Array.from({ length: 16 }, (_, i) => `+1213555${String(3000 + i).padStart(4, '0')}`);

describe('a text that waited past its lease', () => {
  let t: TestFaro;
  let other: TestFaro;
  let sms: Awaited<ReturnType<typeof startSmsProvider>>;
  let dispatcher: StaffSession;
  let approver: StaffSession;
  let zoneId: string;

  beforeAll(async () => {
    sms = await startSmsProvider();
    t = await startTestFaro({
      env: {
        ...smsProviderEnv(sms.url),
        SMS_MESSAGES_PER_SECOND: '4',
        ALERT_DELIVERY_LEASE_SECONDS: '2',
        JOB_POLL_SECONDS: '0.5',
      },
    });
    other = await startTestFaro({
      env: {
        ...smsProviderEnv(sms.url),
        SMS_MESSAGES_PER_SECOND: '4',
        ALERT_DELIVERY_LEASE_SECONDS: '2',
        JOB_POLL_SECONDS: '0.5',
      },
      db: t.db,
    });
    dispatcher = await staffSession(t.faro.database, 'dispatcher');
    approver = await staffSession(t.faro.database, 'approver');
    const { rows } = await t.faro.database.pool.query<{ id: string }>(
      `select id from zones where name = 'Boyle Heights'`,
    );
    const zone = rows[0];
    if (!zone) throw new Error('no Boyle Heights');
    zoneId = zone.id;
    await insertSmsSubscriptions(t.faro, zone.id, PHONES);
  });
  afterAll(async () => {
    await other?.stop();
    await t?.stop();
    await sms?.close();
  });

  let alertId = '';

  it('leaves once per phone, and every delivery is recorded sent once', async () => {
    const alert = await publishAlert(t.faro.app, dispatcher, approver, zoneId);
    alertId = alert.id;
    for (const faro of [t.faro, other.faro])
      await faro.jobs.send(faro.jobDefinitions.alertSend, { alertId: alert.id, channel: 'sms' });
    const until = Date.now() + 60_000;
    for (;;) {
      const { rows } = await t.faro.database.pool.query<{ n: number }>(
        `select count(*)::int as n from deliveries where alert_id = $1 and state = 'sent'`,
        [alert.id],
      );
      if (rows[0]?.n === PHONES.length) break;
      if (Date.now() > until) throw new Error(`only ${rows[0]?.n} sent`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Anything sent twice would be out by now (a sender's last wait is a few slots).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const counts = PHONES.map((phone) => sms.sent.filter((m) => m.fields.To === phone).length);
    expect(counts).toEqual(PHONES.map(() => 1));
  }, 90_000);

  it("says a row another sender took is taken, not that the alert ended — the other sender's text may be on its way", async () => {
    // A text whose lease ran out while it waited for the pace: another sender took the row (attempt 2)
    // and its text is leaving. A cancel is published meanwhile. The first sender must drop its text
    // without marking the row: marked withdrawn, the cancel would no longer wait behind the text on its way.
    const { rows } = await t.faro.database.pool.query<{ subscription_id: string }>(
      `update deliveries set state = 'sending', attempts = 2, lease_until = now() + interval '1 minute'
       where alert_id = $1 and subscription_id = (select min(subscription_id::text)::uuid from deliveries where alert_id = $1)
       returning subscription_id`,
      [alertId],
    );
    const subscriptionId = rows[0]?.subscription_id ?? '';
    await t.faro.database.pool.query('update alerts set ended_at = now() where id = $1', [alertId]);
    expect(await renewLease(t.faro.database.pool, alertId, { subscriptionId, attempts: 1 }, 2)).toBe('taken');
    // The sender that holds it hears that the alert ended.
    expect(await renewLease(t.faro.database.pool, alertId, { subscriptionId, attempts: 2 }, 2)).toBe('ended');
  });
});
