import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSignature } from '../src/server/modules/sms/twilio.js';
import type { AlertView } from '../src/shared/alert.js';
import { drainAlertJobs } from './support/alerts.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { startPushService } from './support/push-service.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { postInbound, smsProviderEnv, startSmsProvider } from './support/sms-provider.js';
import { startSmtpServer } from './support/smtp.js';

/**
 * Alerts delivered through real peers: a Web Push service that checks VAPID
 * and decrypts (web-push-testing), an SMTP server, and the SMS provider's
 * API format. Double opt-in on each channel, exactly one delivery per
 * recipient however often jobs run, tests only to staff, a cancel to exactly
 * the alert's recipients, dead push subscriptions removed, STOP and the
 * unsubscribe link.
 */
let t: TestFaro;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
let push: Awaited<ReturnType<typeof startPushService>>;
let dispatcher: StaffSession;
let approver: StaffSession;
let zones: { id: string; name: string }[];
let pushKey: string;

const smsEnv = () => smsProviderEnv(sms.url, 'AC00000000000000000000000000000007');

beforeAll(async () => {
  [smtp, sms, push] = await Promise.all([startSmtpServer(), startSmsProvider(), startPushService()]);
  t = await startTestFaro({
    listen: true,
    env: {
      SMTP_URL: smtp.url,
      PUBLIC_URL: 'https://faro.network.example',
      ...smsEnv(),
      SMS_MESSAGES_PER_SECOND: '200',
      ALERT_DELIVERY_BACKOFF_SECONDS: '0.2',
      JOB_POLL_SECONDS: '0.5',
    },
  });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
  zones = (await t.faro.app.inject({ url: '/api/zones' })).json().zones;
  const channels = (await t.faro.app.inject({ url: '/api/subscriptions/channels' })).json();
  expect(channels.channels.sort()).toEqual(['email', 'push', 'sms']);
  pushKey = channels.pushKey;
});
afterAll(async () => {
  await t?.stop();
  await Promise.all([smtp?.close(), sms?.close(), push?.close()]);
});

const zone = (name: string) => zones.find((z) => z.name === name)?.id ?? '';
const call = (who: StaffSession | null, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.faro.app.inject({ method, url, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });

const drained = () => drainAlertJobs(t.faro, 3);

const tokenIn = (text: string) => text.match(/confirm\?token=([A-Za-z0-9_-]+)/)?.[1] ?? '';

async function confirm(token: string) {
  const confirmed = await call(null, 'POST', '/api/subscriptions/confirm', { token });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
}

async function subscribeEmail(
  address: string,
  zoneName: string,
  language: 'en' | 'es',
  staff?: StaffSession,
) {
  const url = staff ? '/api/manage/test-subscriptions' : '/api/subscriptions';
  const asked = await call(staff ?? null, 'POST', url, {
    channel: 'email',
    address,
    zoneIds: [zone(zoneName)],
    language,
  });
  expect(asked.statusCode, asked.body).toBe(202);
  await drained();
  const mail = smtp.received.filter((m) => m.to.includes(address)).at(-1);
  await confirm(tokenIn(smtp.text(mail ?? { raw: '', from: '', to: [] }).text));
}

async function subscribeSms(phone: string, zoneName: string, language: 'en' | 'es') {
  const asked = await call(null, 'POST', '/api/subscriptions', {
    channel: 'sms',
    phone,
    zoneIds: [zone(zoneName)],
    language,
  });
  expect(asked.statusCode, asked.body).toBe(202);
  await drained();
  const text = sms.sent.filter((m) => m.fields.To === '+13235557001').at(-1)?.fields.Body ?? '';
  expect(text).toMatch(language === 'es' ? /para recibir alertas de/ : /to get alerts for/);
  await confirm(tokenIn(text));
}

async function subscribePush(zoneName: string, language: 'en' | 'es') {
  const browser = await push.subscribe(pushKey);
  const asked = await call(null, 'POST', '/api/subscriptions', {
    channel: 'push',
    subscription: { endpoint: browser.endpoint, keys: browser.keys },
    zoneIds: [zone(zoneName)],
    language,
  });
  expect(asked.statusCode, asked.body).toBe(202);
  await drained();
  // What the service worker gets: the decrypted confirmation, whose token it sends back.
  const confirmation = JSON.parse(push.received(browser.clientHash).at(-1) ?? '{}');
  expect(confirmation.type).toBe('confirm');
  await confirm(confirmation.token);
  return browser;
}

async function publish(zoneName: string, capStatus: 'Actual' | 'Test' = 'Actual'): Promise<AlertView> {
  const template = (
    await call(dispatcher, 'POST', '/api/manage/alerts/template', {
      kind: 'activity',
      zoneIds: [zone(zoneName)],
    })
  ).json();
  const draft = (
    await call(dispatcher, 'POST', '/api/manage/alerts', { kind: 'activity', capStatus, ...template })
  ).json();
  const submitted = await call(dispatcher, 'POST', `/api/manage/alerts/${draft.id}/submit`);
  const approved = await call(approver, 'POST', `/api/manage/alerts/${draft.id}/approve`, {
    contentHash: submitted.json().contentHash,
  });
  expect(approved.statusCode, approved.body).toBe(200);
  await drained();
  return approved.json();
}

const mailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address));
const textsTo = (phone: string) => sms.sent.filter((m) => m.fields.To === phone);
const alertPushes = (clientHash: string) =>
  push
    .received(clientHash)
    .map((raw) => JSON.parse(raw))
    .filter((m) => m.type !== 'confirm');

describe('delivering an alert', () => {
  let browser: Awaited<ReturnType<typeof subscribePush>>;
  let first: AlertView;

  beforeAll(async () => {
    await subscribeEmail('vecina@example.org', 'Lincoln Heights', 'es');
    await subscribeSms('(323) 555-7001', 'Lincoln Heights', 'en');
    browser = await subscribePush('Lincoln Heights', 'es');
    await subscribeEmail('staff.tester@example.org', 'Lincoln Heights', 'en', dispatcher);
    await subscribeEmail('other-zone@example.org', 'Van Nuys', 'en');
  });

  it('reaches each subscriber of the zone once, on their channel, in their language', async () => {
    first = await publish('Lincoln Heights');
    const mails = mailsTo('vecina@example.org').filter((m) => m.raw.includes('<alert-'));
    expect(mails).toHaveLength(1);
    const mail = smtp.text(mails[0] ?? { raw: '', from: '', to: [] });
    expect(mail.subject).toBe(first.content.es.headline);
    expect(mail.text).toContain('https://faro.network.example/unsubscribe?s=');
    expect(mails[0]?.raw).toMatch(/List-Unsubscribe:\s+<https:\/\/faro\.network\.example\/unsubscribe\?s=/);

    const texts = textsTo('+13235557001').filter((m) => m.fields.Body?.startsWith('Confirmed'));
    expect(texts).toHaveLength(1);
    expect(texts[0]?.fields).toMatchObject({ From: '+13235550100' });
    expect(texts[0]?.authorization).toBe(
      `Basic ${Buffer.from(`${smsEnv().TWILIO_ACCOUNT_SID}:${smsEnv().TWILIO_AUTH_TOKEN}`).toString('base64')}`,
    );
    expect(texts[0]?.fields.Body).toContain('Reply STOP to end.');

    const pushes = alertPushes(browser.clientHash);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({ id: first.id, title: first.content.es.headline, status: 'Actual' });

    // Other zones hear nothing; the staff test subscription gets actual alerts too.
    expect(mailsTo('other-zone@example.org').filter((m) => m.raw.includes('<alert-'))).toHaveLength(0);
    expect(mailsTo('staff.tester@example.org').filter((m) => m.raw.includes('<alert-'))).toHaveLength(1);

    const view = (await call(dispatcher, 'GET', `/api/manage/alerts/${first.id}`)).json() as AlertView;
    expect(view.deliveries).toMatchObject({
      push: { sent: 1, queued: 0, failed: 0 },
      sms: { sent: 1, queued: 0, failed: 0 },
      email: { sent: 2, queued: 0, failed: 0 },
    });
    expect(view.queuedAt).not.toBeNull();
  });

  it('never sends twice when the fan-out and sender jobs run again', async () => {
    const before = {
      mails: smtp.received.length,
      texts: sms.sent.length,
      pushes: alertPushes(browser.clientHash).length,
    };
    const { jobs, jobDefinitions } = t.faro;
    for (let i = 0; i < 3; i++) {
      await jobs.send(jobDefinitions.alertFanOut, { alertId: first.id });
      for (const channel of ['push', 'sms', 'email'] as const)
        await jobs.send(jobDefinitions.alertSend, { alertId: first.id, channel });
    }
    await drained();
    expect({
      mails: smtp.received.length,
      texts: sms.sent.length,
      pushes: alertPushes(browser.clientHash).length,
    }).toEqual(before);
  });

  it('delivers a test alert only to staff test subscriptions, marked as a test', async () => {
    const before = {
      mails: mailsTo('vecina@example.org').length,
      texts: sms.sent.length,
      pushes: alertPushes(browser.clientHash).length,
    };
    const test = await publish('Lincoln Heights', 'Test');
    expect({
      mails: mailsTo('vecina@example.org').length,
      texts: sms.sent.length,
      pushes: alertPushes(browser.clientHash).length,
    }).toEqual(before);
    const staffMail = mailsTo('staff.tester@example.org').at(-1);
    expect(smtp.text(staffMail ?? { raw: '', from: '', to: [] }).subject).toMatch(/^TEST, NOT A REAL ALERT/);
    const view = (await call(dispatcher, 'GET', `/api/manage/alerts/${test.id}`)).json() as AlertView;
    expect(view.deliveries.email.sent).toBe(1);
    expect(view.deliveries.push.sent + view.deliveries.sms.sent).toBe(0);
  });

  it('sends a cancel to exactly the recipients of the alert', async () => {
    // Someone who subscribes after the alert went out never got it, so gets no cancel either.
    await subscribeEmail('late@example.org', 'Lincoln Heights', 'en');
    const cancelled = await call(approver, 'POST', `/api/manage/alerts/${first.id}/cancel`);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    await drained();
    const cancel = cancelled.json() as AlertView;
    const cancelMails = smtp.received.filter((m) => m.raw.includes(`<alert-${cancel.id}.`));
    expect(cancelMails.flatMap((m) => m.to).sort()).toEqual([
      'staff.tester@example.org',
      'vecina@example.org',
    ]);
    expect(textsTo('+13235557001').filter((m) => m.fields.Body?.startsWith('Cancelled'))).toHaveLength(1);
    const pushed = alertPushes(browser.clientHash).at(-1);
    expect(pushed).toMatchObject({ id: cancel.id, title: cancel.content.es.headline });
    // It replaces the original on the screen.
    expect(pushed.tag).toBe(`faro-alert-${first.id}`);
  });

  it('retries what a provider refused for a while, with back-off, and sends it once', async () => {
    const before = textsTo('+13235557001').length;
    sms.failNext(2);
    const alert = await publish('Lincoln Heights');
    await expect
      .poll(
        async () =>
          ((await call(dispatcher, 'GET', `/api/manage/alerts/${alert.id}`)).json() as AlertView).deliveries
            .sms,
        {
          timeout: 15_000,
        },
      )
      .toMatchObject({ sent: 1, queued: 0, failed: 0 });
    await drained();
    expect(sms.refused()).toBeGreaterThanOrEqual(2);
    expect(textsTo('+13235557001').length).toBe(before + 1);
    const { rows } = await t.faro.database.pool.query<{ attempts: number }>(
      `select attempts from deliveries where alert_id = $1 and channel = 'sms'`,
      [alert.id],
    );
    expect(rows).toEqual([{ attempts: 3 }]);
  });

  it('removes a push subscription the browser dropped (410) and keeps nothing of it', async () => {
    push.expire(browser.clientHash);
    const alert = await publish('Lincoln Heights');
    const view = (await call(dispatcher, 'GET', `/api/manage/alerts/${alert.id}`)).json() as AlertView;
    expect(view.deliveries.push).toMatchObject({ sent: 0, failed: 1 });
    const { rows } = await t.faro.database.pool.query<{ status: string; contact: string }>(
      `select status, contact from subscriptions where channel = 'push'`,
    );
    expect(rows).toEqual([{ status: 'expired', contact: '' }]);
    const report = (await call(dispatcher, 'GET', `/api/manage/alerts/${alert.id}/deliveries`)).json();
    expect(report.rows).toContainEqual({ channel: 'push', state: 'failed', error: 'http_410', count: 1 });
  });

  it('answers a dropped push subscription’s manage link as gone, and still deletes it', async () => {
    const { rows } = await t.faro.database.pool.query<{ id: string }>(
      `select id from subscriptions where channel = 'push' and status = 'expired'`,
    );
    const id = rows[0]?.id ?? '';
    // The manage link's token, as the server makes it (a keyed digest of the subscription's id).
    const token = Buffer.from(t.faro.box.digest(id, 'subscription-manage'), 'hex').toString('base64url');
    const seen = await call(null, 'POST', '/api/subscriptions/manage', { token });
    expect(seen.statusCode, seen.body).toBe(404);
    expect(seen.json().error.code).toBe('NOT_FOUND');
    const deleted = await call(null, 'POST', '/api/subscriptions/delete', { token });
    expect(deleted.statusCode, deleted.body).toBe(204);
  });

  it('stops by the link in every e-mail, and by STOP from the phone', async () => {
    const mail = smtp.text(mailsTo('vecina@example.org').at(-1) ?? { raw: '', from: '', to: [] });
    const link = new URL(mail.text.match(/https:\/\/faro\.network\.example\/unsubscribe\?\S+/)?.[0] ?? '');
    const stopped = await call(null, 'POST', '/api/subscriptions/unsubscribe', {
      id: link.searchParams.get('s'),
      token: link.searchParams.get('t'),
    });
    expect(stopped.statusCode, stopped.body).toBe(204);
    const forged = await call(null, 'POST', '/api/subscriptions/unsubscribe', {
      id: link.searchParams.get('s'),
      token: 'x'.repeat(43),
    });
    expect(forged.statusCode).toBe(404);

    const fields = {
      MessageSid: `SM${Date.now().toString(16)}stop`,
      AccountSid: smsEnv().TWILIO_ACCOUNT_SID,
      From: '+13235557001',
      To: '+13235550100',
      Body: 'STOP',
      NumMedia: '0',
    };
    const token = smsEnv().TWILIO_AUTH_TOKEN;
    // The provider signs the public address it was given.
    const signature = twilioSignature(token, 'https://faro.network.example/api/sms/inbound', fields);
    const inbound = await postInbound(t.baseUrl, token, fields, signature);
    expect(inbound.status).toBe(200);
    const { rows } = await t.faro.database.pool.query<{ channel: string }>(
      `select channel from subscriptions where status = 'active' and audience = 'public' order by channel`,
    );
    // Left: the other zone's e-mail and the late subscriber.
    expect(rows.map((r) => r.channel)).toEqual(['email', 'email']);
  });
});
