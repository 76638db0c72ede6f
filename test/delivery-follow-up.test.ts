import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayHaveArrived } from '../src/server/modules/alerts/channels/outcome.js';
import {
  cancelAlert,
  deliveriesOf,
  insertPushSubscriptions,
  publishAlert,
  subscribePushBrowser,
  zoneIdNamed,
} from './support/alerts.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { startPushService } from './support/push-service.js';
import { type StaffSession, staffSession } from './support/sessions.js';

/**
 * Issue 19 review: a cancel must not wait behind the senders of the alert it
 * cancels. Here every sender slot of the process (one) is busy sending a big
 * alert to a slow push service, one answer at a time, with far more left than
 * its job budget allows; the cancel's first push must still leave within a
 * few seconds, not when the alert's sender reaches the end of its budget.
 */
let t: TestFaro;
let push: Awaited<ReturnType<typeof startPushService>>;
let slow: http.Server;
let slowRequests = 0;
/** Requests the slow push service got, per path (one per recipient: `/push/<i>`). */
const requestsTo = new Map<string, number>();
let answerAfterMs = 300;
let dispatcher: StaffSession;
let approver: StaffSession;
const BUDGET_SECONDS = 30;

beforeAll(async () => {
  push = await startPushService();
  slow = http.createServer((request, response) => {
    slowRequests += 1;
    requestsTo.set(request.url ?? '', (requestsTo.get(request.url ?? '') ?? 0) + 1);
    request.resume();
    setTimeout(() => response.writeHead(201).end(), answerAfterMs);
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  t = await startTestFaro({
    env: {
      PUSH_CONCURRENCY_PER_ORIGIN: '2',
      ALERT_SENDERS_PER_PROCESS: '1',
      ALERT_SEND_JOB_SECONDS: String(BUDGET_SECONDS),
    },
  });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
});
afterAll(async () => {
  await t?.stop();
  slow?.closeAllConnections();
  await Promise.all([push?.close(), new Promise((resolve) => slow?.close(resolve))]);
});

describe('a follow-up beside a busy alert', () => {
  it("a cancel's first push leaves within seconds while the alert's sender holds every slot", async () => {
    const zone = await zoneIdNamed(t.faro.app, 'Pacoima');
    const browser = await subscribePushBrowser(t.faro, push, [zone]);

    // 400 recipients at a push service that answers two at a time after 0.3 s: a minute of sending.
    const port = (slow.address() as AddressInfo).port;
    const fakes = await insertPushSubscriptions(
      t.faro,
      zone,
      Array.from({ length: 400 }, (_, i) => `http://127.0.0.1:${port}/push/${i}`),
    );
    const alert = await publishAlert(t.faro.app, dispatcher, approver, zone);
    await expect
      .poll(() => push.received(browser.clientHash).length, { timeout: 20_000, interval: 100 })
      .toBe(2);
    // The alert's sender is busy with the slow service, far from done.
    await expect.poll(() => slowRequests, { timeout: 10_000, interval: 100 }).toBeGreaterThan(4);

    const cancel = { id: await cancelAlert(t.faro.app, approver, alert.id) };
    const started = Date.now();
    await expect
      .poll(() => push.received(browser.clientHash).length, {
        timeout: (BUDGET_SECONDS - 10) * 1000,
        interval: 100,
      })
      .toBe(3);
    expect(Date.now() - started).toBeLessThan(8000);
    answerAfterMs = 0;

    // Nothing of the alert left after its cancel, and whoever it may have reached gets the cancel —
    // nobody else: the pushes the alert's sender held back unsent when the cancel came (claimed, on
    // their way when the cancel was approved) are withdrawn, and so are the cancel's to them.
    await t.faro.jobs.drain(t.faro.jobDefinitions.alertSend, 60_000);
    const original = await deliveriesOf(t.faro, alert.id, fakes);
    expect(original.filter((o) => o.state === 'queued' || o.state === 'sending')).toEqual([]);
    const reached = new Set(
      original
        .filter((o) => o.state === 'sent' || (o.error !== null && mayHaveArrived(o.error)))
        .map((o) => o.subscription_id),
    );
    const heldBack = original.filter((o) => o.state === 'withdrawn' && o.error === 'alert_ended');
    expect(heldBack.length).toBeGreaterThan(0);
    const followed = await deliveriesOf(t.faro, cancel.id, fakes);
    expect(
      followed
        .filter((o) => o.state === 'sent')
        .map((o) => o.subscription_id)
        .sort(),
    ).toEqual([...reached].sort());
    expect(new Set(followed.filter((o) => o.state !== 'sent').map((o) => `${o.state} ${o.error}`))).toEqual(
      new Set(followed.length > reached.size ? ['withdrawn not_reached'] : []),
    );
    // At the push service: no request at all for a recipient the alert never reached.
    fakes.forEach((id, i) => {
      if (!reached.has(id)) expect([id, requestsTo.get(`/push/${i}`) ?? 0]).toEqual([id, 0]);
    });
  }, 180_000);
});
