import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPushSubscriptions, publishAlert, zoneIdNamed } from './support/alerts.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';

/**
 * Adversary review: a push sender cut off from the database (its lease renewals failing, and with
 * them its checks for a follow-up) kept sending the alert from what it had claimed, after its
 * rows' leases ran out — when a cancel no longer waits for them, and the alert, arriving after
 * the cancel with the same Topic, replaces it on the phone. Here the sender's rows are taken from
 * it in the database (as another sender would after the lease) while it sends one push at a time
 * to a slow push service: it must stop within a lease, not send all it had claimed.
 */
const N = 60;
let t: TestFaro;
let service: http.Server;
let requests = 0;
let dispatcher: StaffSession;
let approver: StaffSession;

beforeAll(async () => {
  service = http.createServer((request, response) => {
    requests += 1;
    request.resume();
    setTimeout(() => response.writeHead(201).end(), 200);
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  t = await startTestFaro({
    env: { ALERT_DELIVERY_LEASE_SECONDS: '3', PUSH_CONCURRENCY_PER_ORIGIN: '1' },
  });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
});
afterAll(async () => {
  await t?.stop();
  service?.closeAllConnections();
  await new Promise((resolve) => service?.close(resolve));
});

describe('a push sender whose rows are no longer surely its own', () => {
  it('sends none of them once its hold has run out', async () => {
    const zone = await zoneIdNamed(t.faro.app, 'Pacoima');
    const port = (service.address() as AddressInfo).port;
    await insertPushSubscriptions(
      t.faro,
      zone,
      Array.from({ length: N }, (_, i) => `http://127.0.0.1:${port}/held/${i}`),
    );
    const alert = await publishAlert(t.faro.app, dispatcher, approver, zone);
    // The sender has claimed every row (one page) and is sending them one at a time, 0.2 s each.
    await expect.poll(() => requests, { timeout: 20_000, interval: 50 }).toBeGreaterThan(0);
    const { rowCount } = await t.faro.database.pool.query(
      `update deliveries set attempts = attempts + 1, lease_until = now() + interval '1 hour'
       where alert_id = $1 and state = 'sending'`,
      [alert.id],
    );
    expect(rowCount).toBeGreaterThan(N / 2);
    // Its renewals no longer hold them: within a lease (3 s, some 15 pushes) it stops sending them.
    let seen = -1;
    await expect
      .poll(
        () => {
          const still = requests !== seen;
          seen = requests;
          return still;
        },
        { timeout: 20_000, interval: 1500 },
      )
      .toBe(false);
    expect(requests).toBeLessThan(N * 0.6);
  }, 40_000);
});
