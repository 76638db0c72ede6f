import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceDeliveries, startFanOut } from '../src/server/modules/alerts/delivery.repo.js';
import {
  claimDeliveries,
  markFailed,
  markRetry,
  markSent,
} from '../src/server/modules/alerts/delivery-claims.repo.js';
import { deleteSubscription } from '../src/server/modules/alerts/subscriptions.repo.js';
import { alertSteps, insertPushSubscriptions, publishAlert } from './support/alerts.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';

/**
 * Issue 19: an alert's delivery rows are made by its senders, a page of
 * recipients at a time, claimed for the sender that takes the page — so the
 * first pushes leave after the first page. What must hold as before: once per
 * recipient and channel, a replayed start adds nothing, and a cancel that
 * comes in the middle reaches exactly those the alert reached, while the
 * recipients not yet walked never get the alert. The job workers are off here:
 * the test takes the pages itself.
 */
let t: TestFaro;
let dispatcher: StaffSession;
let approver: StaffSession;
let zoneId: string;
let subscribers: string[];
const LEASE = { leaseSeconds: 30 };

beforeAll(async () => {
  t = await startTestFaro({ work: false });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
  const zones = (await t.faro.app.inject({ url: '/api/zones' })).json().zones as {
    id: string;
    name: string;
  }[];
  zoneId = zones.find((zone) => zone.name === 'Pico-Union')?.id ?? '';
  subscribers = await insertPushSubscriptions(
    t.faro,
    zoneId,
    Array.from({ length: 25 }, (_, i) => `https://push.example.org/pages/${i}`),
  );
});
afterAll(async () => {
  await t?.stop();
});

const rowsOf = async (alertId: string) =>
  (
    await t.faro.database.pool.query<{ subscription_id: string; state: string; attempts: number }>(
      'select subscription_id, state, attempts from deliveries where alert_id = $1 order by subscription_id',
      [alertId],
    )
  ).rows;

const queuedAt = async (alertId: string) =>
  (await t.faro.database.pool.query('select queued_at from alerts where id = $1', [alertId])).rows[0]
    ?.queued_at as Date | null;

async function published() {
  const alert = await publishAlert(t.faro.app, dispatcher, approver, zoneId);
  await t.faro.database.transaction((tx) => startFanOut(tx.client, alert.id));
  return alert.id;
}

async function cancel(alertId: string) {
  const cancelled = await t.faro.app.inject({
    method: 'POST',
    url: `/api/manage/alerts/${alertId}/cancel`,
    headers: approver.headers,
  });
  expect(cancelled.statusCode, cancelled.body).toBe(200);
  return (cancelled.json() as { id: string }).id;
}

/** The alert's walk is over: no one else will get it. */
async function expectWalkOver(alertId: string) {
  expect(
    await advanceDeliveries(t.faro.database, alertId, 'push', { scan: 10, batch: 10, ...LEASE }),
  ).toEqual({
    claimed: [],
    open: false,
    walked: 0,
  });
}

/**
 * The cancel reaches exactly these claimed rows of the alert, and has no one else to walk: its rows
 * are made for all of them, claimed at once for those whose alert message has left, and put off for
 * those whose alert message is still on its way (a push service would let the alert replace it).
 */
async function expectCancelReaches(cancelId: string, claimed: readonly { subscriptionId: string }[]) {
  const reached = await advanceDeliveries(t.faro.database, cancelId, 'push', {
    scan: 100,
    batch: 100,
    ...LEASE,
  });
  expect((await rowsOf(cancelId)).map((row) => row.subscription_id).sort()).toEqual(
    claimed.map((row) => row.subscriptionId).sort(),
  );
  expect(reached.open).toBe(false);
  return reached.claimed.map((row) => row.subscriptionId).sort();
}

/** Rows as their first claim holds them (attempt 1), for a mark. */
const firstClaim = (ids: readonly (string | undefined)[]) =>
  ids.map((id) => ({ subscriptionId: id ?? '', attempts: 1 }));

/** The cancel's rows put off behind the alert's messages on their way: due now. */
const dueNow = (alertId: string) =>
  t.faro.database.pool.query(
    `update deliveries set lease_until = now() - interval '1 second' where alert_id = $1 and state = 'queued'`,
    [alertId],
  );
const errorsOf = async (alertId: string) =>
  Object.fromEntries(
    (
      await t.faro.database.pool.query<{ subscription_id: string; state: string; error: string | null }>(
        'select subscription_id, state, error from deliveries where alert_id = $1',
        [alertId],
      )
    ).rows.map((row) => [row.subscription_id, `${row.state} ${row.error}`]),
  );

describe('delivery rows made page by page by the senders', () => {
  it('walks the recipients a page at a time, each page claimed by the sender that took it', async () => {
    const alertId = await published();
    // Started again (a replayed job): nothing more.
    await t.faro.database.transaction((tx) => startFanOut(tx.client, alertId));
    expect(await rowsOf(alertId)).toEqual([]);

    const first = await advanceDeliveries(t.faro.database, alertId, 'push', {
      scan: 10,
      batch: 10,
      ...LEASE,
    });
    expect(first).toMatchObject({ open: true, walked: 10 });
    expect(first.claimed).toHaveLength(10);
    // Each claimed row comes with its sealed contact and language, to be sent at once.
    expect(first.claimed.every((row) => row.contact.length > 0 && row.language === 'en')).toBe(true);
    expect((await rowsOf(alertId)).map((row) => [row.state, row.attempts])).toEqual(
      Array.from({ length: 10 }, () => ['sending', 1]),
    );

    // A smaller batch than the page: the rest wait as queued rows, claimed like retries.
    const second = await advanceDeliveries(t.faro.database, alertId, 'push', {
      scan: 10,
      batch: 4,
      ...LEASE,
    });
    expect(second.claimed).toHaveLength(4);
    const states = (await rowsOf(alertId)).map((row) => row.state);
    expect(states.filter((state) => state === 'sending')).toHaveLength(14);
    expect(states.filter((state) => state === 'queued')).toHaveLength(6);

    const last = await advanceDeliveries(t.faro.database, alertId, 'push', { scan: 10, batch: 10, ...LEASE });
    expect(last).toMatchObject({ open: false, walked: 5 });
    const after = await advanceDeliveries(t.faro.database, alertId, 'push', {
      scan: 10,
      batch: 10,
      ...LEASE,
    });
    expect(after).toEqual({ claimed: [], open: false, walked: 0 });

    // Once per recipient: every subscriber exactly one row.
    expect((await rowsOf(alertId)).map((row) => row.subscription_id).sort()).toEqual([...subscribers].sort());
    // Queued only when every channel has been walked (none of these subscribers reads texts or e-mail).
    for (const channel of ['sms', 'email'])
      expect(
        await advanceDeliveries(t.faro.database, alertId, channel, { scan: 100, batch: 20, ...LEASE }),
      ).toMatchObject({ claimed: [], open: false });
    expect(await queuedAt(alertId)).toBeInstanceOf(Date);
  });

  it('a cancel in the middle reaches exactly those the alert reached; the rest never get the alert', async () => {
    const alertId = await published();
    const page = await advanceDeliveries(t.faro.database, alertId, 'push', { scan: 10, batch: 10, ...LEASE });
    // Half of the page has left; the other half is on its way.
    const left = page.claimed.slice(0, 5).map((row) => row.subscriptionId);
    await markSent(t.faro.database.pool, alertId, firstClaim(left));

    const cancelId = await cancel(alertId);
    await t.faro.database.transaction((tx) => startFanOut(tx.client, cancelId));
    await expectWalkOver(alertId);
    // The cancel leaves at once for those the alert has reached; the others wait for theirs.
    expect(await expectCancelReaches(cancelId, page.claimed)).toEqual([...left].sort());
    expect(await claimDeliveries(t.faro.database.pool, cancelId, 'push', 10, 30, [alertId])).toEqual([]);
    // Three of the five on their way arrive: the cancel leaves for those three, and only those.
    const arrived = page.claimed.slice(5, 8).map((row) => row.subscriptionId);
    await markSent(t.faro.database.pool, alertId, firstClaim(arrived));
    await t.faro.database.pool.query(
      `update deliveries set lease_until = now() - interval '1 second' where alert_id = $1 and state = 'queued'`,
      [cancelId],
    );
    const then = await claimDeliveries(t.faro.database.pool, cancelId, 'push', 10, 30, [alertId]);
    expect(then.map((row) => row.subscriptionId).sort()).toEqual([...arrived].sort());
  });

  it('an alert whose own start comes after its cancel is never walked (a retried start)', async () => {
    const alert = await publishAlert(t.faro.app, dispatcher, approver, zoneId);
    const cancelId = await cancel(alert.id);
    await t.faro.database.transaction((tx) => startFanOut(tx.client, cancelId));
    expect(await t.faro.database.transaction((tx) => startFanOut(tx.client, alert.id))).toEqual([]);
    await expectWalkOver(alert.id);
    expect(await rowsOf(alert.id)).toEqual([]);
    await expectCancelReaches(cancelId, []);
  });

  it('what is due of an alert replaced by a follow-up is withdrawn, never sent after it', async () => {
    const alertId = await published();
    const page = await advanceDeliveries(t.faro.database, alertId, 'push', { scan: 4, batch: 4, ...LEASE });
    const [timedOut, held, ...rest] = page.claimed;
    await markSent(t.faro.database.pool, alertId, firstClaim(rest.map((row) => row.subscriptionId)));
    const cancelId = await cancel(alertId);
    // A push that timed out comes back for a retry after the cancel was published…
    await markRetry(
      t.faro.database.pool,
      alertId,
      firstClaim([timedOut?.subscriptionId]),
      'network_timeout',
      {
        maxAttempts: 5,
        backoffSeconds: 0,
      },
    );
    // …and another sender died holding one.
    await t.faro.database.pool.query(
      `update deliveries set lease_until = now() - interval '1 second' where alert_id = $1 and subscription_id = $2`,
      [alertId, held?.subscriptionId],
    );
    expect(await claimDeliveries(t.faro.database.pool, alertId, 'push', 10, 30)).toEqual([]);
    const states = Object.fromEntries((await rowsOf(alertId)).map((row) => [row.subscription_id, row.state]));
    expect(states[timedOut?.subscriptionId ?? '']).toBe('withdrawn');
    expect(states[held?.subscriptionId ?? '']).toBe('withdrawn');
    // The cancel goes to everyone the alert may have reached: sent, and tried (the time-out may have arrived).
    await t.faro.database.transaction((tx) => startFanOut(tx.client, cancelId));
    await expectCancelReaches(cancelId, page.claimed);
  });

  it('a cancel of an update also reaches those the original reached before the update got to them', async () => {
    const alertId = await published();
    const original = await advanceDeliveries(t.faro.database, alertId, 'push', {
      scan: 6,
      batch: 6,
      ...LEASE,
    });
    await markSent(
      t.faro.database.pool,
      alertId,
      firstClaim(original.claimed.map((row) => row.subscriptionId)),
    );
    // An update for the same zone: it reaches the original's recipients and the zone's.
    const steps = await alertSteps(t, { dispatcher, approver });
    const update = await steps.publish(
      await steps.draftFrom('update', { referencesId: alertId, zoneIds: [zoneId] }),
    );
    await t.faro.database.transaction((tx) => startFanOut(tx.client, update.id));
    // It gets to two people before it is cancelled (whom the original reached or not).
    const updated = await advanceDeliveries(t.faro.database, update.id, 'push', {
      scan: 2,
      batch: 2,
      ...LEASE,
    });
    expect(updated.claimed).toHaveLength(2);
    const cancelId = await cancel(update.id);
    await t.faro.database.transaction((tx) => startFanOut(tx.client, cancelId));
    // The cancel reaches everyone either alert may have reached, once each.
    const everyone = new Map(
      [...original.claimed, ...updated.claimed].map((row) => [row.subscriptionId, row]),
    );
    await expectCancelReaches(cancelId, [...everyone.values()]);
  });

  it("a cancel approved while the alert's messages were on their way goes only to those whose message then left", async () => {
    const alertId = await published();
    const page = await advanceDeliveries(t.faro.database, alertId, 'push', { scan: 5, batch: 5, ...LEASE });
    const [first, left, timedOut, heldBack, setAside] = page.claimed.map((row) => row.subscriptionId);
    await markSent(t.faro.database.pool, alertId, firstClaim([first]));
    const cancelId = await cancel(alertId);
    await t.faro.database.transaction((tx) => startFanOut(tx.client, cancelId));
    // At the cancel's walk four were still on their way: it counts them, and waits behind them.
    expect(await expectCancelReaches(cancelId, page.claimed)).toEqual([first]);
    // Then one leaves, one times out (it may have arrived), and two are held back unsent: the alert
    // was replaced while they waited (for a number's pace, a push service set aside).
    await markSent(t.faro.database.pool, alertId, firstClaim([left]));
    const retry = { maxAttempts: 5, backoffSeconds: 0 };
    await markRetry(t.faro.database.pool, alertId, firstClaim([timedOut]), 'network_timeout', retry);
    await markRetry(t.faro.database.pool, alertId, firstClaim([heldBack]), 'alert_ended', retry);
    await markRetry(t.faro.database.pool, alertId, firstClaim([setAside]), 'origin_unresponsive', retry);
    await dueNow(cancelId);
    const then = await claimDeliveries(t.faro.database.pool, cancelId, 'push', 10, 30, [alertId]);
    expect(then.map((row) => row.subscriptionId).sort()).toEqual([left, timedOut].sort());
    const errors = await errorsOf(cancelId);
    expect([errors[heldBack ?? ''], errors[setAside ?? '']]).toEqual([
      'withdrawn not_reached',
      'withdrawn not_reached',
    ]);
    expect(await claimDeliveries(t.faro.database.pool, cancelId, 'push', 10, 30, [alertId])).toEqual([]);
  });

  it("an update still goes to the zone's subscribers whose original message was held back", async () => {
    const alertId = await published();
    const original = await advanceDeliveries(t.faro.database, alertId, 'push', {
      scan: 2,
      batch: 2,
      ...LEASE,
    });
    const steps = await alertSteps(t, { dispatcher, approver });
    const update = await steps.publish(
      await steps.draftFrom('update', { referencesId: alertId, zoneIds: [zoneId] }),
    );
    await t.faro.database.transaction((tx) => startFanOut(tx.client, update.id));
    const walked = await advanceDeliveries(t.faro.database, update.id, 'push', {
      scan: 100,
      batch: 100,
      ...LEASE,
    });
    const onTheirWay = original.claimed.map((row) => row.subscriptionId);
    expect(walked.claimed.map((row) => row.subscriptionId)).not.toContain(onTheirWay[0]);
    await markRetry(t.faro.database.pool, alertId, firstClaim(onTheirWay), 'alert_ended', {
      maxAttempts: 5,
      backoffSeconds: 0,
    });
    await dueNow(update.id);
    const then = await claimDeliveries(t.faro.database.pool, update.id, 'push', 10, 30, [alertId]);
    expect(then.map((row) => row.subscriptionId).sort()).toEqual([...onTheirWay].sort());
  });

  it('a row taken from a sender whose lease ran out keeps that its message may have arrived', async () => {
    const alertId = await published();
    const page = await advanceDeliveries(t.faro.database, alertId, 'push', { scan: 2, batch: 2, ...LEASE });
    const [crashed, refused] = page.claimed.map((row) => row.subscriptionId);
    // The sender died in the middle of sending both: nothing written about either.
    await t.faro.database.pool.query(
      `update deliveries set lease_until = now() - interval '1 second' where alert_id = $1`,
      [alertId],
    );
    const again = await claimDeliveries(t.faro.database.pool, alertId, 'push', 10, 30);
    expect(again.map((row) => row.subscriptionId).sort()).toEqual([crashed, refused].sort());
    // The next attempt is refused for certain: the first may still be on the phone.
    await markFailed(
      t.faro.database.pool,
      alertId,
      again.filter((row) => row.subscriptionId === refused),
      'http_400',
      false,
    );
    expect((await errorsOf(alertId))[refused ?? '']).toBe('failed sender_lost');
    // Its sender dies too, and the alert is cancelled.
    await t.faro.database.pool.query(
      `update deliveries set lease_until = now() - interval '1 second' where alert_id = $1 and state = 'sending'`,
      [alertId],
    );
    const cancelId = await cancel(alertId);
    expect(await claimDeliveries(t.faro.database.pool, alertId, 'push', 10, 30)).toEqual([]);
    expect((await errorsOf(alertId))[crashed ?? '']).toBe('withdrawn sender_lost');
    await t.faro.database.transaction((tx) => startFanOut(tx.client, cancelId));
    expect(await expectCancelReaches(cancelId, page.claimed)).toEqual([crashed, refused].sort());
  });

  it('a sender whose lease ran out does not mark the attempt another sender took', async () => {
    const alertId = await published();
    const page = await advanceDeliveries(t.faro.database, alertId, 'push', { scan: 1, batch: 1, ...LEASE });
    // Its sender stalled; another took the row (attempt 2) and its push is on its way.
    await t.faro.database.pool.query(
      `update deliveries set lease_until = now() - interval '1 second' where alert_id = $1`,
      [alertId],
    );
    const [taken] = await claimDeliveries(t.faro.database.pool, alertId, 'push', 10, 30);
    expect(taken).toMatchObject({ subscriptionId: page.claimed[0]?.subscriptionId, attempts: 2 });
    // The first sender's push is answered late: its mark leaves the other's attempt as it is.
    await markSent(t.faro.database.pool, alertId, page.claimed);
    await markRetry(t.faro.database.pool, alertId, page.claimed, 'http_503', {
      maxAttempts: 5,
      backoffSeconds: 0,
    });
    expect((await rowsOf(alertId)).map((row) => [row.state, row.attempts])).toEqual([['sending', 2]]);
    await markSent(t.faro.database.pool, alertId, taken ? [taken] : []);
    expect((await rowsOf(alertId)).map((row) => [row.state, row.attempts])).toEqual([['sent', 2]]);
  });

  it('a subscription deleted takes its deliveries with it', async () => {
    const alertId = await published();
    const page = await advanceDeliveries(t.faro.database, alertId, 'push', { scan: 2, batch: 2, ...LEASE });
    const gone = page.claimed[0]?.subscriptionId ?? '';
    await deleteSubscription(t.faro.database.db, gone);
    expect((await rowsOf(alertId)).map((row) => row.subscription_id)).not.toContain(gone);
    subscribers = subscribers.filter((id) => id !== gone);
  });

  it('a subscription deleted while its delivery is claimed comes back without a contact, never stuck', async () => {
    const alertId = await published();
    const page = await advanceDeliveries(t.faro.database, alertId, 'push', { scan: 3, batch: 3, ...LEASE });
    const gone = page.claimed[0]?.subscriptionId ?? '';
    await t.faro.database.pool.query('delete from subscription_zones where subscription_id = $1', [gone]);
    await t.faro.database.pool.query('delete from subscriptions where id = $1', [gone]);
    // Its sender died: the lease runs out and another sender takes the rows again.
    await t.faro.database.pool.query(
      `update deliveries set lease_until = now() - interval '1 second' where alert_id = $1`,
      [alertId],
    );
    const again = await claimDeliveries(t.faro.database.pool, alertId, 'push', 10, 30);
    expect(again).toHaveLength(3);
    // The sender marks a delivery without a contact gone (delivery.ts), so nothing waits on it.
    expect(again.find((row) => row.subscriptionId === gone)).toMatchObject({ contact: '' });
    subscribers = subscribers.filter((id) => id !== gone);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'a cancel waits for a page being taken, and reaches that page too',
    async () => {
      const alertId = await published();
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let taken = false;
      // A sender in the middle of taking a page: its transaction holds the source's row.
      const slow = {
        transaction: <T>(fn: Parameters<typeof t.faro.database.transaction<T>>[0]) =>
          t.faro.database.transaction(async (tx) => {
            const result = await fn(tx);
            taken = true;
            await gate;
            return result;
          }),
      };
      const paging = advanceDeliveries(slow, alertId, 'push', { scan: 10, batch: 10, ...LEASE });
      await expect.poll(() => taken).toBe(true);
      // The cancel is published while the page is still being taken; its start is not yet run.
      const cancelId = await cancel(alertId);
      let started = false;
      const starting = t.faro.database
        .transaction((tx) => startFanOut(tx.client, cancelId))
        .then(() => {
          started = true;
        });
      // The cancel's start waits on the source row the sender holds.
      await expect
        .poll(
          async () =>
            (
              await t.faro.database.pool.query<{ n: number }>(
                `select count(*)::int as n from pg_stat_activity
                 where wait_event_type = 'Lock' and query like '%delivery_sources%'`,
              )
            ).rows[0]?.n,
        )
        .toBe(1);
      expect(started).toBe(false);
      release();
      const page = await paging;
      await starting;
      expect(page.claimed).toHaveLength(10);
      await expectCancelReaches(cancelId, page.claimed);
      await expectWalkOver(alertId);
    },
  );
});

// Last in this file: it runs a migration's statement again, over every delivery above too.
describe('deliveries tried before whom a follow-up reaches was read from their errors', () => {
  it('still get the cancel, as they did then (migration 0043)', async () => {
    const alertId = await published();
    const page = await advanceDeliveries(t.faro.database, alertId, 'push', { scan: 3, batch: 3, ...LEASE });
    const [backingOff, withdrawn, refused] = page.claimed.map((row) => row.subscriptionId);
    // As the version before left them: attempt 1's sender died unrecorded, another took the row
    // over (attempt 2) and met a 503, backing off; one withdrawn straight from an expired claim;
    // and one answered 400 for good (never counted: failed rows counted by their error then too).
    await t.faro.database.pool.query(
      `update deliveries set attempts = 2, state = case subscription_id when $2 then 'queued' when $3 then 'withdrawn' else 'failed' end,
         error = case subscription_id when $2 then 'http_503' when $3 then null else 'http_400' end, lease_until = null
       where alert_id = $1`,
      [alertId, backingOff, withdrawn],
    );
    const migration = await readFile(
      new URL('../drizzle/0043_unrecorded_attempts.sql', import.meta.url),
      'utf8',
    );
    await t.faro.database.pool.query(migration);
    const cancelId = await cancel(alertId);
    await t.faro.database.transaction((tx) => startFanOut(tx.client, cancelId));
    const reached = await advanceDeliveries(t.faro.database, cancelId, 'push', {
      scan: 100,
      batch: 100,
      ...LEASE,
    });
    expect(reached.claimed.map((row) => row.subscriptionId).sort()).toEqual([backingOff, withdrawn].sort());
    expect((await errorsOf(alertId))[refused ?? '']).toBe('failed http_400');
  });
});
