import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelAlert, deliveriesOf, insertSmsSubscriptions, publishAlert } from './support/alerts.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { smsProviderEnv, startSmsProvider } from './support/sms-provider.js';

/**
 * A text waits for its slot of the sending number's pace, claimed and leased, for as long as the
 * number is busy. If a cancel replaces its alert meanwhile, the false alert must not leave when
 * the slot comes — and as it never reached the phone, neither does the cancel (a correction of an
 * alert nobody there saw). Here the number is busy for the next eight seconds when the alert is
 * approved, so both its texts are waiting when it is cancelled: the cancel, approved while they
 * were on their way, first counts both phones, waits behind their texts, then finds that neither
 * left.
 */
const PHONES = ['+12135554001', '+12135554002'];
/** The sending number whose pace every text waits for. */
const FROM = smsProviderEnv('').TWILIO_FROM;

describe('a text waiting for the pace when its alert is cancelled', () => {
  let t: TestFaro;
  let sms: Awaited<ReturnType<typeof startSmsProvider>>;
  let dispatcher: StaffSession;
  let approver: StaffSession;
  let zoneId: string;
  let ids: string[];

  beforeAll(async () => {
    sms = await startSmsProvider();
    t = await startTestFaro({ env: { ...smsProviderEnv(sms.url), SMS_MESSAGES_PER_SECOND: '2' } });
    dispatcher = await staffSession(t.faro.database, 'dispatcher');
    approver = await staffSession(t.faro.database, 'approver');
    const { rows } = await t.faro.database.pool.query<{ id: string }>(
      `select id from zones where name = 'Boyle Heights'`,
    );
    const zone = rows[0];
    if (!zone) throw new Error('no Boyle Heights');
    zoneId = zone.id;
    ids = await insertSmsSubscriptions(t.faro, zone.id, PHONES);
  });
  afterAll(async () => {
    await t?.stop();
    await sms?.close();
  });

  it('is never sent, and so the phone gets no cancel either', async () => {
    // The number is taken for the next eight seconds (other texts booked before the alert's).
    const { rows } = await t.faro.database.pool.query<{ busy_until: Date }>(
      `insert into sms_pacing (sender, next_slot) values ($1, clock_timestamp() + interval '8 seconds')
       on conflict (sender) do update set next_slot = clock_timestamp() + interval '8 seconds'
       returning next_slot as busy_until`,
      [FROM],
    );
    const busyUntil = rows[0]?.busy_until;
    const alert = await publishAlert(t.faro.app, dispatcher, approver, zoneId);
    // Both texts are claimed and have booked their slots (a segment each at least) after it.
    await expect
      .poll(
        async () =>
          (
            await t.faro.database.pool.query<{ booked: boolean }>(
              `select next_slot >= $2::timestamptz + interval '1 second' as booked from sms_pacing where sender = $1`,
              [FROM, busyUntil],
            )
          ).rows[0]?.booked,
        { timeout: 20_000, interval: 100 },
      )
      .toBe(true);
    expect(sms.sent).toHaveLength(0);

    const cancel = { id: await cancelAlert(t.faro.app, approver, alert.id) };
    // The cancel's texts wait behind the alert's on their way; when those are withdrawn unsent, so are they.
    await expect
      .poll(async () => (await deliveriesOf(t.faro, cancel.id, ids)).map((d) => `${d.state} ${d.error}`), {
        timeout: 60_000,
        interval: 200,
      })
      .toEqual(['withdrawn not_reached', 'withdrawn not_reached']);
    expect((await deliveriesOf(t.faro, alert.id, ids)).map((d) => `${d.state} ${d.error}`)).toEqual([
      'withdrawn alert_ended',
      'withdrawn alert_ended',
    ]);
    await t.faro.jobs.drain(t.faro.jobDefinitions.alertSend, 30_000);
    expect(sms.sent).toHaveLength(0);
  }, 90_000);
});
