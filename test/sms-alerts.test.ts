import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { message } from '../src/server/locales/messages.js';
import { smsCost } from '../src/server/modules/alerts/sms-segments.js';
import { twilioSignature } from '../src/server/modules/sms/twilio.js';
import type { AlertView } from '../src/shared/alert.js';
import { drainAlertJobs } from './support/alerts.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { inboundText, postInbound, smsProviderEnv, startSmsProvider } from './support/sms-provider.js';
import { jobsOf, reportsOfMessage } from './support/state.js';

/**
 * Issue 17, "a flip phone is enough": subscribing to alerts by text alone,
 * through the provider's signed webhook — ZONES, ALERTAS and a neighborhood
 * (typos forgiven), YES on the phone itself, the alert by SMS with its rights
 * line, MY ALERTS, STOP — each text answered once however often it arrives.
 */
const ACCOUNT = 'AC00000000000000000000000000000017';
const PUBLIC_URL = 'https://faro.network.example';
let t: TestFaro;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
let dispatcher: StaffSession;
let approver: StaffSession;
let zones: { id: string; name: string }[];
const logLines: string[] = [];
const env = () => smsProviderEnv(sms.url, ACCOUNT);

beforeAll(async () => {
  sms = await startSmsProvider();
  t = await startTestFaro({
    listen: true,
    logStream: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
    env: {
      PUBLIC_URL,
      LOG_LEVEL: 'info',
      ...env(),
      SMS_MESSAGES_PER_SECOND: '200',
      JOB_POLL_SECONDS: '0.5',
      // No gap between confirmations: the limit a flood meets is the day's count alone.
      SUBSCRIPTION_CONFIRMATION_GAP_MINUTES: '0',
      SUBSCRIPTION_CONFIRMATIONS_PER_DAY: '3',
    },
  });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
  zones = (await t.faro.app.inject({ url: '/api/zones' })).json().zones;
});
afterAll(async () => {
  await t?.stop();
  await sms?.close();
});

/** A text as the provider delivers it: signed for the public address. */
const deliver = (fields: Record<string, string>, signature?: string) =>
  postInbound(
    t.baseUrl,
    env().TWILIO_AUTH_TOKEN,
    fields,
    signature ?? twilioSignature(env().TWILIO_AUTH_TOKEN, `${PUBLIC_URL}/api/sms/inbound`, fields),
  );

const drained = () => drainAlertJobs(t.faro, 2);
const textsTo = (phone: string) =>
  sms.sent.filter((m) => m.fields.To === phone).map((m) => m.fields.Body ?? '');

/** Texts Faro from `phone` (delivered `times` times at once) and returns what came back. */
async function text(phone: string, body: string, times = 1): Promise<string[]> {
  const before = textsTo(phone).length;
  const fields = inboundText(env(), phone, body);
  const responses = await Promise.all(Array.from({ length: times }, () => deliver(fields)));
  expect(responses.map((r) => r.status)).toEqual(Array(times).fill(200));
  await drained();
  return textsTo(phone).slice(before);
}

const zone = (name: string) => zones.find((z) => z.name === name)?.id ?? '';
const call = (who: StaffSession, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.faro.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

async function publish(zoneName: string): Promise<AlertView> {
  const template = (
    await call(dispatcher, 'POST', '/api/manage/alerts/template', {
      kind: 'activity',
      zoneIds: [zone(zoneName)],
    })
  ).json();
  const draft = (
    await call(dispatcher, 'POST', '/api/manage/alerts', {
      kind: 'activity',
      capStatus: 'Actual',
      ...template,
    })
  ).json();
  const submitted = await call(dispatcher, 'POST', `/api/manage/alerts/${draft.id}/submit`);
  const approved = await call(approver, 'POST', `/api/manage/alerts/${draft.id}/approve`, {
    contentHash: submitted.json().contentHash,
  });
  expect(approved.statusCode, approved.body).toBe(200);
  await drained();
  return approved.json();
}

async function subscriptionsOf(status?: string) {
  const { rows } = await t.faro.database.pool.query<{ id: string; status: string; language: string }>(
    `select id, status, language from subscriptions where channel = 'sms'${status ? ' and status = $1' : ''}`,
    status ? [status] : [],
  );
  return rows;
}

const within3 = (reply: string | undefined) => {
  expect(smsCost(reply ?? '').segments).toBeLessThanOrEqual(3);
  return reply;
};

describe('a flip phone is enough', () => {
  it('lists zones, subscribes by ALERTAS with a typo and YES, gets the alert with its rights line, and STOP ends it', async () => {
    const phone = '+13235551701';
    const [list] = await text(phone, 'ZONES');
    expect(within3(list)).toMatch(/^Faro neighborhoods \(1\/1\): .*Boyle Heights/);
    for (const { name } of zones) expect(list).toContain(name);

    const [ask] = await text(phone, 'ALERTAS BOYLE HEIGTS');
    expect(within3(ask)).toBe(message('es', 'sms.alerts.ask', { zones: 'Boyle Heights' }));
    // Nothing is on before the YES: a request waits, no alert would reach the number.
    expect(await subscriptionsOf('active')).toHaveLength(0);

    const [confirmed] = await text(phone, 'YES');
    expect(within3(confirmed)).toBe(message('es', 'sms.alerts.confirmed', { zones: 'Boyle Heights' }));

    const alert = await publish('Boyle Heights');
    const [received] = (await textsTo(phone)).slice(-1);
    expect(received).toContain(alert.content.es.headline);
    expect(received).toContain(message('es', 'alerts.sms.rights'));

    const [mine] = await text(phone, 'MY ALERTS');
    // In the language the alerts come in.
    expect(mine).toBe(message('es', 'sms.alerts.mine', { zones: 'Boyle Heights' }));

    expect(await text(phone, 'STOP')).toEqual([]);
    const before = textsTo(phone).length;
    await publish('Boyle Heights');
    expect(textsTo(phone)).toHaveLength(before);
    expect(await text(phone, 'MIS ALERTAS')).toEqual([message('es', 'sms.alerts.none')]);
  });

  it('offers a numbered choice when the name fits several zones, and the number picks one', async () => {
    const phone = '+13235551702';
    const [choice] = await text(phone, 'alerts heights');
    expect(choice).toBe(
      message('en', 'sms.alerts.choose', { choices: '1 Boyle Heights, 2 Lincoln Heights' }),
    );
    // A number not offered gets the choice again.
    expect(await text(phone, '7')).toEqual([choice]);
    expect(await text(phone, '2')).toEqual([message('en', 'sms.alerts.ask', { zones: 'Lincoln Heights' })]);
    expect(await text(phone, 'si')).toEqual([
      message('en', 'sms.alerts.confirmed', { zones: 'Lincoln Heights' }),
    ]);
    // A second zone is added to the first.
    await text(phone, 'ALERTS Pico Union');
    expect(await text(phone, 'yes')).toEqual([
      message('en', 'sms.alerts.confirmed', { zones: 'Lincoln Heights, Pico-Union' }),
    ]);
    expect(await text(phone, 'my alerts')).toEqual([
      message('en', 'sms.alerts.mine', { zones: 'Lincoln Heights, Pico-Union' }),
    ]);
  });

  it('says how when ALERTS comes without a zone or with one that does not exist, and keeps a report a report', async () => {
    const phone = '+13235551703';
    expect(await text(phone, 'ALERTAS')).toEqual([
      message('es', 'sms.alerts.howTo', { example: zones[0]?.name.toUpperCase() ?? '' }),
    ]);
    expect(await text(phone, 'alerts downtown')).toEqual([message('en', 'sms.alerts.noZone')]);
    const report = inboundText(env(), phone, 'Alertas hay migra en la escuela de Boyle Heights');
    await deliver(report);
    expect(await reportsOfMessage(t, report.MessageSid)).toHaveLength(1);
  });

  it('answers YES for the most recent request: a report sent after the ALERTS text wins, and the other way round', async () => {
    const phone = '+13235551704';
    await text(phone, 'ALERTS El Sereno');
    await text(phone, 'ICE agents at the corner of Huntington and Eastern in El Sereno');
    const [yes] = await text(phone, 'YES');
    expect(yes).toMatch(/^Faro: we will text you when report/);
    expect(await text(phone, 'MY ALERTS')).toEqual([message('en', 'sms.alerts.none')]);

    const other = '+13235551705';
    await text(other, 'ICE agents at the corner of Huntington and Eastern in El Sereno');
    await text(other, 'ALERTAS El Sereno');
    expect(await text(other, 'SI')).toEqual([message('es', 'sms.alerts.confirmed', { zones: 'El Sereno' })]);
  });

  it('answers each text once when the provider delivers it many times', async () => {
    const phone = '+13235551706';
    expect(await text(phone, 'ZONAS', 8)).toHaveLength(1);
    expect(await text(phone, 'ALERTS HEIGHTS', 8)).toHaveLength(1);
    expect(await text(phone, '1', 8)).toEqual([message('en', 'sms.alerts.ask', { zones: 'Boyle Heights' })]);
    expect(await text(phone, 'YES', 8)).toHaveLength(1);
    expect(await text(phone, 'MY ALERTS', 8)).toHaveLength(1);
    expect(await text(phone, 'alerts nowhere', 8)).toHaveLength(1);
  });

  it('refuses an unsigned webhook, subscribes only the sender, and limits a flood of requests', async () => {
    const phone = '+13235551707';
    const before = await subscriptionsOf();
    const forged = inboundText(env(), phone, 'ALERTS BOYLE HEIGHTS');
    expect((await deliver(forged, '')).status).toBe(403);
    expect((await deliver(forged, 'bm90IHRoZSBzaWduYXR1cmU=')).status).toBe(403);
    expect(await subscriptionsOf()).toHaveLength(before.length);

    // A number in the text is not a number to subscribe: only the sender gets anything.
    const victim = '+13235551799';
    await text(phone, `ALERTS ${victim}`);
    await text(phone, 'YES');
    expect(textsTo(victim)).toEqual([]);

    // However many times a number asks, it gets the web form's count of confirmations a day.
    const flood = '+13235551708';
    for (let i = 0; i < 8; i++) await text(flood, 'ALERTS BOYLE HEIGHTS');
    const asks = textsTo(flood).filter((body) => body.startsWith('Faro: reply YES'));
    expect(asks).toHaveLength(3);
  });

  it('keeps the number sealed: not in the subscription rows, the reply jobs or the logs', async () => {
    const phone = '+13235551709';
    await text(phone, 'ALERTS PACOIMA');
    await text(phone, 'YES');
    const digits = phone.slice(2);
    const { rows } = await t.faro.database.pool.query('select * from subscriptions');
    expect(JSON.stringify(rows)).not.toContain(digits);
    expect(JSON.stringify(await jobsOf(t.faro.database, 'sms.reply'))).not.toContain(digits);
    expect(logLines.join('')).not.toContain(digits);
  });
});
