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
import { freePort } from './support/process.js';
import { type StaffSession, staffSession } from './support/sessions.js';

/**
 * A cancel goes to everyone the false alert may have reached — also those whose push failed for
 * good after an attempt whose outcome is unknown: the push service took the request and never
 * answered (a time-out), so the phone may show the alert. Those the push service refused for
 * certain (410 gone, 400, 503, a refused connection) never got it, and get no cancel. Here every
 * push has two attempts: one push service never answers, one never answers and then answers 503
 * (the first attempt may have arrived), the others refuse every time.
 */
let t: TestFaro;
let service: http.Server;
const arrivals: string[] = [];
let dispatcher: StaffSession;
let approver: StaffSession;

beforeAll(async () => {
  service = http.createServer((request, response) => {
    const path = request.url ?? '';
    arrivals.push(path);
    request.resume();
    if (path.startsWith('/silent')) return; // takes the push, never answers
    if (path.startsWith('/flaky') && arrivals.filter((p) => p === path).length === 1) return;
    const status = path.startsWith('/gone') ? 410 : path.startsWith('/bad') ? 400 : 503;
    response.writeHead(status).end();
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  t = await startTestFaro({
    env: {
      PUSH_TIMEOUT_SECONDS: '1',
      ALERT_DELIVERY_MAX_ATTEMPTS: '2',
      ALERT_DELIVERY_BACKOFF_SECONDS: '0.1',
    },
  });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
});
afterAll(async () => {
  await t?.stop();
  service?.closeAllConnections();
  await new Promise((resolve) => service?.close(resolve));
});

describe('a cancel of an alert whose pushes failed', () => {
  it('goes to those whose push may have arrived (timed out), not to those refused for certain', async () => {
    const zone = await zoneIdNamed(t.faro.app, 'Pacoima');
    const base = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const [silent = '', flaky = '', gone = '', bad = '', busy = '', refused = ''] =
      await insertPushSubscriptions(t.faro, zone, [
        `${base}/silent/1`,
        `${base}/flaky/1`,
        `${base}/gone/1`,
        `${base}/bad/1`,
        `${base}/busy/1`,
        `${nobody}/refused/1`,
      ]);
    const all = [silent, flaky, gone, bad, busy, refused];
    const alert = await publishAlert(t.faro.app, dispatcher, approver, zone);
    await t.faro.jobs.drain(t.faro.jobDefinitions.alertFanOut, 20_000);
    await t.faro.jobs.drain(t.faro.jobDefinitions.alertSend, 60_000);
    const sent = new Map((await deliveriesOf(t.faro, alert.id, all)).map((d) => [d.subscription_id, d]));
    expect(all.map((id) => sent.get(id)?.state)).toEqual(all.map(() => 'failed'));
    expect(arrivals.filter((p) => p === '/flaky/1')).toHaveLength(2);

    const cancel = { id: await cancelAlert(t.faro.app, approver, alert.id) };
    await t.faro.jobs.drain(t.faro.jobDefinitions.alertFanOut, 20_000);
    await t.faro.jobs.drain(t.faro.jobDefinitions.alertSend, 60_000);
    const followed = (await deliveriesOf(t.faro, cancel.id, all)).map((d) => d.subscription_id);
    expect(followed.sort()).toEqual([silent, flaky].sort());
  }, 120_000);
});
