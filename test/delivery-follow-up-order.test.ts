import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelAlert,
  deliveriesOf,
  insertPushSubscriptions,
  publishAlert,
  zoneIdNamed,
} from './support/alerts.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';

/**
 * Issue 19 review (the Topic race): an alert and its follow-ups share one
 * push Topic, and a push service replaces a waiting message by a later one of
 * the same Topic. A cancel that reached the push service before its alert's
 * message still on the way would be replaced by the false alert. So a
 * follow-up's message to a recipient leaves only once the earlier message to
 * that recipient is no longer on its way.
 */
let t: TestFaro;
let service: http.Server;
/** Requests as they arrived: path, and when it arrived and was answered. */
const arrivals: { path: string; at: number; answeredAt?: number }[] = [];
let holding = true;
const held: (() => void)[] = [];
let dispatcher: StaffSession;
let approver: StaffSession;

beforeAll(async () => {
  service = http.createServer((request, response) => {
    const arrival: (typeof arrivals)[number] = { path: request.url ?? '', at: Date.now() };
    arrivals.push(arrival);
    request.resume();
    const answer = () => {
      arrival.answeredAt = Date.now();
      response.writeHead(201).end();
    };
    if (holding) held.push(answer);
    else answer();
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  // The held messages stay on their way for as long as the test holds them (not cut by a time-out).
  t = await startTestFaro({ env: { PUSH_TIMEOUT_SECONDS: '30' } });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
});
afterAll(async () => {
  await t?.stop();
  service?.closeAllConnections();
  await new Promise((resolve) => service?.close(resolve));
});

describe('a follow-up and its alert on the way to the same phone', () => {
  it("a cancel's push leaves only after the alert's push to that phone has been answered", async () => {
    const zone = await zoneIdNamed(t.faro.app, 'Pacoima');
    const port = (service.address() as AddressInfo).port;
    const phones = await insertPushSubscriptions(
      t.faro,
      zone,
      Array.from({ length: 3 }, (_, i) => `http://127.0.0.1:${port}/push/${i}`),
    );
    const alert = await publishAlert(t.faro.app, dispatcher, approver, zone);
    // The alert's three pushes are at the push service, not answered yet.
    await expect.poll(() => arrivals.length, { timeout: 20_000, interval: 50 }).toBe(3);

    const cancel = { id: await cancelAlert(t.faro.app, approver, alert.id) };
    // The cancel goes to all three (its rows are made), and none of its pushes leaves meanwhile.
    await expect
      .poll(async () => (await deliveriesOf(t.faro, cancel.id, phones)).length, {
        timeout: 20_000,
        interval: 100,
      })
      .toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(arrivals.length).toBe(3);

    holding = false;
    for (const answer of held.splice(0)) answer();
    await expect.poll(() => arrivals.length, { timeout: 20_000, interval: 100 }).toBe(6);
    for (const path of new Set(arrivals.map((a) => a.path))) {
      const [first, second] = arrivals.filter((a) => a.path === path);
      expect(second?.at).toBeGreaterThanOrEqual(first?.answeredAt ?? Number.POSITIVE_INFINITY);
    }
    await expect
      .poll(async () => (await deliveriesOf(t.faro, cancel.id, phones)).map((d) => d.state), {
        timeout: 20_000,
        interval: 100,
      })
      .toEqual(['sent', 'sent', 'sent']);
    expect((await deliveriesOf(t.faro, alert.id, phones)).map((d) => d.state)).toEqual([
      'sent',
      'sent',
      'sent',
    ]);
  }, 120_000);
});
