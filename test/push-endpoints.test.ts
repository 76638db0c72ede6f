import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliveriesOf,
  drainAlertJobs,
  insertPushSubscriptions,
  publishAlert,
  zoneIdNamed,
} from './support/alerts.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { browserKeys } from './support/push-keys.js';
import { type StaffSession, staffSession } from './support/sessions.js';

/**
 * Push endpoints come from anonymous browsers. Without the test-only
 * loopback allowance (as in production), Faro must never POST to this
 * machine, a private network or a host that is not a push service — neither
 * when someone subscribes nor when an alert goes out, whatever a name
 * resolves to by then.
 */
let t: TestFaro;
let local: http.Server;
let localRequests = 0;
let raw: net.Server;
let rawConnections = 0;
let dispatcher: StaffSession;
let approver: StaffSession;
let zoneId: string;
/** What DNS answers for each name (the test changes it, as a rebinding attacker would). */
const dns = new Map<string, string>([
  ['push.private.example', '10.0.0.7'],
  ['push.attacker.example', '93.184.215.14'],
  ['push.rebound.example', '127.0.0.1'],
]);

beforeAll(async () => {
  local = http.createServer((request, response) => {
    localRequests += 1;
    request.resume();
    response.statusCode = 201;
    response.end();
  });
  raw = net.createServer((socket) => {
    rawConnections += 1;
    socket.destroy();
  });
  await Promise.all([
    new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve)),
    new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve)),
  ]);
  t = await startTestFaro({
    env: {
      OUTBOUND_ALLOW_LOOPBACK: 'false',
      PUSH_SERVICE_HOSTS: 'fcm.googleapis.com,push.private.example,push.rebound.example',
    },
    resolve: async (host) => {
      const address = dns.get(host);
      if (!address) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return [{ address, family: 4 }];
    },
  });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
  zoneId = await zoneIdNamed(t.faro.app, 'Highland Park');
});
afterAll(async () => {
  await t?.stop();
  await Promise.all([
    new Promise((resolve) => local?.close(resolve)),
    new Promise((resolve) => raw?.close(resolve)),
  ]);
});

const keys = browserKeys(1)[0];
const subscribe = (endpoint: string) =>
  t.faro.app.inject({
    method: 'POST',
    url: '/api/subscriptions',
    payload: { channel: 'push', subscription: { endpoint, keys }, zoneIds: [zoneId], language: 'en' },
  });

const drained = () => drainAlertJobs(t.faro, 2);

describe('push endpoints', () => {
  it('issue 12 item 7: refuses a subscription to this machine or to a name resolving to a private address', async () => {
    const localPort = (local.address() as AddressInfo).port;
    for (const endpoint of [
      `http://127.0.0.1:${localPort}/api/admin/people`,
      `https://127.0.0.1:${localPort}/push`,
      `http://[::1]:${localPort}/push`,
      'https://push.private.example/send/1',
      `https://push.rebound.example:${(raw.address() as AddressInfo).port}/send/1`,
      'https://169.254.169.254/latest/meta-data/',
    ]) {
      const answer = await subscribe(endpoint);
      expect(answer.statusCode, endpoint).toBe(400);
      expect(answer.json().error.details.fields[0].field).toBe('subscription.endpoint');
    }
    await drained();
    expect(localRequests).toBe(0);
    expect(rawConnections).toBe(0);
  });

  it('issue 12 item 4: accepts only https endpoints of known push services', async () => {
    for (const endpoint of [
      'https://push.attacker.example/send/1', // public, answers slowly on purpose: not a push service
      'http://fcm.googleapis.com/fcm/send/abc', // a push service, but not over https
      'https://fcm.googleapis.com.attacker.example/fcm/send/abc',
    ]) {
      const answer = await subscribe(endpoint);
      expect(answer.statusCode, endpoint).toBe(400);
      expect(answer.json().error.details.fields[0].field).toBe('subscription.endpoint');
    }
    const { rows } = await t.faro.database.pool.query<{ n: number }>(
      "select count(*)::int as n from subscriptions where channel = 'push'",
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('issue 12 item 7: never calls this machine or a private address when an alert goes out', async () => {
    const localPort = (local.address() as AddressInfo).port;
    // Subscriptions already stored (from before these checks, or a name that resolved elsewhere then).
    const ids = await insertPushSubscriptions(t.faro, zoneId, [
      `http://127.0.0.1:${localPort}/api/admin/people`,
      `https://push.rebound.example:${(raw.address() as AddressInfo).port}/send/2`,
      'https://push.private.example/send/3',
    ]);
    const alert = await publishAlert(t.faro.app, dispatcher, approver, zoneId);
    await drained();
    expect(localRequests).toBe(0);
    expect(rawConnections).toBe(0);
    const outcomes = await deliveriesOf(t.faro, alert.id, ids);
    expect(outcomes.map((o) => o.state)).toEqual(['failed', 'failed', 'failed']);
    expect(outcomes.map((o) => o.error).sort()).toEqual([
      'push_refused_address',
      'push_refused_address',
      'push_refused_scheme',
    ]);
  });
});
