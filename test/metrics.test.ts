import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REPORT_INTAKES, SEND_OUTCOMES, SMS_PROVIDER_OUTCOMES } from '../src/server/metrics/metrics.js';
import { DELIVERY_CHANNELS, DELIVERY_STATES } from '../src/shared/alert.js';
import { ASSIGNMENT_STATES } from '../src/shared/dispatch.js';
import { INCIDENT_STATUSES } from '../src/shared/report-fields.js';
import { publishAlert, subscribePushBrowser } from './support/alerts.js';
import { client, expectStatus } from './support/client.js';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { readScrape } from './support/prometheus.js';
import { startPushService } from './support/push-service.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { smsProviderEnv, startSmsProvider, textFaro } from './support/sms-provider.js';
import { openSse } from './support/sse.js';
import { responderOutOnIncident } from './support/state.js';

/**
 * Issue 18: /metrics in Prometheus's text format, read with a Prometheus
 * parser. Traffic moves each counter and gauge by what it was; nobody without
 * the token learns the route exists; nothing personal is ever in a label or
 * a value; the dashboard and alert rules name only metrics that exist.
 */
const TOKEN = 'metrics-token-0123456789abcdef0123456789abcdef';
const SMS_FROM = '+13235559182';
const CALLBACK = '+13235554471';
const DESCRIPTION = 'Two unmarked vans by the laundromat on Soto';

let t: TestFaro;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
let push: Awaited<ReturnType<typeof startPushService>>;
let metricsPort: number | null;
let dispatcher: StaffSession;
let approver: StaffSession;
const smsEnv = () => smsProviderEnv(sms.url, 'AC00000000000000000000000000000018');

beforeAll(async () => {
  [sms, push] = await Promise.all([startSmsProvider(), startPushService()]);
  t = await startTestFaro({
    listen: true,
    env: {
      ...smsEnv(),
      WEB_DIST_DIR: path.resolve('dist/web'),
      METRICS_TOKEN: TOKEN,
      METRICS_PORT: '0',
      METRICS_CACHE_SECONDS: '0',
      SMS_MESSAGES_PER_SECOND: '200',
      ALERT_DELIVERY_BACKOFF_SECONDS: '0.2',
    },
  });
  metricsPort = await t.faro.serveMetrics();
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
});
afterAll(async () => {
  await t?.stop();
  await Promise.all([sms?.close(), push?.close()]);
});

const scrapeMain = async () => {
  const response = await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return readScrape(await response.text());
};
const scrapeListener = async () => {
  const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(response.status).toBe(200);
  return readScrape(await response.text());
};

async function drained() {
  const { jobs, jobDefinitions } = t.faro;
  for (let i = 0; i < 3; i++) {
    await jobs.drain(jobDefinitions.subscriptionConfirm, 20_000);
    await jobs.drain(jobDefinitions.alertFanOut, 20_000);
    await jobs.drain(jobDefinitions.alertSend, 20_000);
    if (jobDefinitions.smsReply) await jobs.drain(jobDefinitions.smsReply, 20_000);
  }
}

const zoneId = async (name: string) =>
  ((await t.faro.app.inject({ url: '/api/zones' })).json().zones as { id: string; name: string }[]).find(
    (zone) => zone.name === name,
  )?.id ?? '';

async function confirmSubscription(token: string) {
  const confirmed = await t.faro.app.inject({
    method: 'POST',
    url: '/api/subscriptions/confirm',
    payload: { token },
  });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
}

async function subscribeSms(phone: string, zone: string) {
  const asked = await t.faro.app.inject({
    method: 'POST',
    url: '/api/subscriptions',
    payload: { channel: 'sms', phone, zoneIds: [zone], language: 'en' },
  });
  expect(asked.statusCode, asked.body).toBe(202);
  await drained();
  const text = sms.sent.filter((m) => m.fields.To === phone).at(-1)?.fields.Body ?? '';
  await confirmSubscription(text.match(/confirm\?token=([A-Za-z0-9_-]+)/)?.[1] ?? '');
}

describe('/metrics', () => {
  it('serves the same families on the main port (with the token) and on its own listener', async () => {
    expect(metricsPort).toEqual(expect.any(Number));
    // One request timed first, so both scrapes show the latency histogram (the listener's own are not timed).
    await t.faro.app.inject({ url: '/healthz' });
    const main = await scrapeMain();
    const own = await scrapeListener();
    expect(own.families.sort()).toEqual(main.families.sort());
    for (const name of [
      'faro_reports_received_total',
      'faro_grouping_backlog_reports',
      'faro_grouping_lag_seconds',
      'faro_incidents',
      'faro_dispatch_assignments',
      'faro_dispatch_missed_check_ins',
      'faro_alert_deliveries',
      'faro_alert_sends_total',
      'faro_sms_provider_requests_total',
      'faro_job_queue_jobs',
      'faro_live_streams',
      'faro_http_request_duration_seconds',
      'faro_ready',
    ])
      expect(main.families, name).toContain(name);
    // Every fixed label value is there from the first scrape, at 0 if nothing happened yet.
    for (const channel of REPORT_INTAKES)
      expect(main.value('faro_reports_received_total', { channel }), channel).toBe(0);
    for (const status of INCIDENT_STATUSES)
      expect(main.value('faro_incidents', { status }), status).toEqual(expect.any(Number));
    for (const state of ASSIGNMENT_STATES)
      expect(main.value('faro_dispatch_assignments', { state }), state).toEqual(expect.any(Number));
    for (const channel of DELIVERY_CHANNELS)
      for (const state of DELIVERY_STATES)
        expect(main.value('faro_alert_deliveries', { channel, state })).toBe(0);
    expect(main.value('faro_job_queue_jobs', { queue: 'alerts.send', state: 'created' })).toBe(0);
    expect(main.value('faro_ready')).toBe(1);
  });

  it('counts reports by how they came in, and the incidents they are grouped into', async () => {
    const before = await scrapeMain();
    const operator = await staffSession(t.faro.database, 'operator');
    expectStatus(await client(t).post('/api/reports', buildReportInput({ description: DESCRIPTION })), 201);
    expectStatus(await client(t).post('/api/reports', buildReportInput()), 201);
    expectStatus(
      await client(t, operator).post('/api/intake/hotline', { ...buildReportInput(), callback: CALLBACK }),
      201,
    );
    const zone = await zoneId('Boyle Heights');
    const form = await t.faro.app.inject({
      method: 'POST',
      url: '/report',
      remoteAddress: '198.51.100.18',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      payload: new URLSearchParams({
        language: 'en',
        activity: 'checkpoint',
        zone,
        when: '15',
        firsthand: 'yes',
        description: DESCRIPTION,
      }).toString(),
    });
    expect(form.statusCode, form.body).toBe(200);
    expect(
      (await textFaro(t.baseUrl, smsEnv(), SMS_FROM, `ICE at the car wash. ${DESCRIPTION}`)).status,
    ).toBe(200);
    await t.faro.grouper?.settle();
    await drained();

    const after = await scrapeMain();
    const moved = (channel: string) =>
      (after.value('faro_reports_received_total', { channel }) ?? 0) -
      (before.value('faro_reports_received_total', { channel }) ?? 0);
    expect(Object.fromEntries(REPORT_INTAKES.map((channel) => [channel, moved(channel)]))).toEqual({
      web: 2,
      web_scriptless: 1,
      sms: 1,
      hotline: 1,
      field: 0,
    });
    // Grouped: nothing waits, and the incidents shown are the stored ones, status by status.
    expect(after.value('faro_grouping_backlog_reports')).toBe(0);
    expect(after.value('faro_grouping_lag_seconds')).toBe(0);
    const { rows } = await t.faro.database.pool.query<{ status: string; n: number }>(
      'select status, count(*)::int as n from incidents group by status',
    );
    for (const status of INCIDENT_STATUSES)
      expect(after.value('faro_incidents', { status }), status).toBe(
        rows.find((row) => row.status === status)?.n ?? 0,
      );
    expect(after.sum('faro_incidents')).toBeGreaterThan(before.sum('faro_incidents'));
    // The SMS reporter's receipt went to the provider.
    expect(after.value('faro_sms_provider_requests_total', { outcome: 'sent' })).toBeGreaterThan(
      before.value('faro_sms_provider_requests_total', { outcome: 'sent' }) ?? 0,
    );
  });

  it('times requests under their route pattern, method and status class', async () => {
    const before = await scrapeMain();
    const series = { route: '/api/reports/receipt', method: 'POST', status_class: '4xx' };
    for (const code of ['AAAA-AAAA', 'BBBB-BBBB', 'CCCC-CCCC'])
      await client(t).post('/api/reports/receipt', { code });
    await t.faro.app.inject({ url: `/no/such/page?phone=${encodeURIComponent(CALLBACK)}` });
    const after = await scrapeMain();
    expect(
      (after.value('faro_http_request_duration_seconds_count', series) ?? 0) -
        (before.value('faro_http_request_duration_seconds_count', series) ?? 0),
    ).toBe(3);
    expect(
      after.value('faro_http_request_duration_seconds_bucket', { ...series, le: '+Inf' }) ?? 0,
    ).toBeGreaterThanOrEqual(3);
    expect(after.sum('faro_http_request_duration_seconds_count', { route: 'unmatched' })).toBeGreaterThan(0);
  });

  it('counts the live streams open now', async () => {
    const series = { route: '/api/events' };
    const before = (await scrapeMain()).value('faro_live_streams', series) ?? 0;
    const stream = await openSse(`${t.baseUrl}/api/events`, dispatcher.headers);
    await stream.waitFor((message) => message.event === 'ready');
    expect((await scrapeMain()).value('faro_live_streams', series)).toBe(before + 1);
    await stream.close();
    await vi.waitFor(
      async () => expect((await scrapeMain()).value('faro_live_streams', series)).toBe(before),
      {
        timeout: 5_000,
      },
    );
  });

  it('counts an alert’s deliveries by channel and state, and each attempt by outcome (a failing SMS provider shows)', async () => {
    const zone = await zoneId('Lincoln Heights');
    await subscribeSms('+13235557018', zone);
    await subscribePushBrowser(t.faro, push, [zone]);
    const before = await scrapeMain();
    // The provider is down for the first attempt: the text is retried, then sent.
    sms.failNext(1);
    await publishAlert(t.faro.app, dispatcher, approver, zone);
    await drained();
    await vi.waitFor(
      async () =>
        expect((await scrapeMain()).value('faro_alert_deliveries', { channel: 'sms', state: 'sent' })).toBe(
          1,
        ),
      { timeout: 10_000 },
    );
    const after = await scrapeMain();
    const moved = (name: string, labels: Record<string, string>) =>
      (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
    expect(moved('faro_alert_deliveries', { channel: 'push', state: 'sent' })).toBe(1);
    expect(moved('faro_alert_deliveries', { channel: 'sms', state: 'sent' })).toBe(1);
    expect(after.sum('faro_alert_deliveries', { state: 'queued' })).toBe(0);
    expect(after.value('faro_alert_delivery_oldest_pending_seconds')).toBe(0);
    expect(moved('faro_alert_sends_total', { channel: 'push', outcome: 'sent' })).toBe(1);
    expect(moved('faro_alert_sends_total', { channel: 'sms', outcome: 'retry' })).toBe(1);
    expect(moved('faro_alert_sends_total', { channel: 'sms', outcome: 'sent' })).toBe(1);
    expect(moved('faro_sms_provider_requests_total', { outcome: 'refused' })).toBe(1);
    expect(moved('faro_sms_provider_requests_total', { outcome: 'sent' })).toBe(1);
    for (const state of ['created', 'retry', 'active'])
      expect(after.value('faro_job_queue_jobs', { queue: 'alerts.send', state })).toBe(0);
  });

  it('counts responders’ assignments by state', async () => {
    const before = await scrapeMain();
    await responderOutOnIncident(t, ['en_route', 'on_scene']);
    const after = await scrapeMain();
    const moved = (state: string) =>
      (after.value('faro_dispatch_assignments', { state }) ?? 0) -
      (before.value('faro_dispatch_assignments', { state }) ?? 0);
    expect(moved('on_scene')).toBe(1);
    expect(moved('offered')).toBe(0);
    expect(after.value('faro_dispatch_missed_check_ins')).toBe(0);
  });

  it('hostile: reveals nothing to a caller without the token — not even that the route exists', async () => {
    // What a path that does not exist answers (its not-found message names the path asked for).
    const missing = async (url: string) => {
      const response = await fetch(`${t.baseUrl}${url.replace('/metrics', '/zz-missing')}`);
      return { status: response.status, body: (await response.text()).replace('/zz-missing', '/metrics') };
    };
    const attempts: Record<string, RequestInit & { url?: string }> = {
      'no token': {},
      'wrong token': { headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` } },
      'a longer token': { headers: { authorization: `Bearer ${TOKEN}0` } },
      'the token without Bearer': { headers: { authorization: TOKEN } },
      'the token as a password': {
        headers: { authorization: `Basic ${Buffer.from(`metrics:${TOKEN}`).toString('base64')}` },
      },
      'the token in the query string': { url: `/metrics?token=${TOKEN}&access_token=${TOKEN}` },
      'the token as a cookie': { headers: { cookie: `token=${TOKEN}` } },
    };
    for (const [what, { url, ...init }] of Object.entries(attempts)) {
      const response = await fetch(`${t.baseUrl}${url ?? '/metrics'}`, init);
      const body = await response.text();
      const nothing = await missing(url ?? '/metrics');
      expect(response.status, what).toBe(404);
      expect({ status: response.status, body }, what).toEqual(nothing);
      expect(body, what).not.toContain('faro_');
    }
    // The listener of its own asks the same of everyone when a token is set.
    const own = await fetch(`http://127.0.0.1:${metricsPort}/metrics?token=${TOKEN}`);
    expect(own.status).toBe(404);
    expect(await own.text()).not.toContain('faro_');
    // It serves nothing but /metrics.
    expect((await fetch(`http://127.0.0.1:${metricsPort}/api/zones`)).status).toBe(404);
  });

  it('hostile: nothing personal in any label or value — label values only from fixed lists and route patterns', async () => {
    const scraped = await scrapeMain();
    const text = await (
      await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    for (const secret of [
      SMS_FROM,
      SMS_FROM.slice(2),
      CALLBACK.slice(2),
      '3235557018',
      DESCRIPTION,
      'laundromat',
      TOKEN,
      dispatcher.userId,
      approver.userId,
      dispatcher.token,
      'Lincoln Heights',
      'phone=',
    ])
      expect(text, secret).not.toContain(secret);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
    const allowed: Record<string, (value: string) => boolean> = {
      channel: (v) => [...REPORT_INTAKES, ...DELIVERY_CHANNELS].includes(v as never),
      outcome: (v) => [...SEND_OUTCOMES, ...SMS_PROVIDER_OUTCOMES].includes(v as never),
      status: (v) => INCIDENT_STATUSES.includes(v as never),
      state: (v) =>
        [...ASSIGNMENT_STATES, ...DELIVERY_STATES, 'created', 'retry', 'active'].includes(v as never),
      kind: (v) => ['missed', 'escalate', 'help', 'major', 'minor', 'incremental', 'weakcb'].includes(v),
      // The process's own (Node's): resource kinds, heap spaces, its version.
      type: (v) => /^[A-Za-z]+$/.test(v),
      space: (v) => /^[a-z_]+$/.test(v),
      version: (v) => /^v\d+\.\d+\.\d+$/.test(v),
      major: (v) => /^\d+$/.test(v),
      minor: (v) => /^\d+$/.test(v),
      patch: (v) => /^\d+$/.test(v),
      queue: (v) => /^[a-z_-]+(\.[a-z_-]+)+$/.test(v),
      method: (v) => ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'other'].includes(v),
      status_class: (v) => /^[1-5]xx$/.test(v),
      le: (v) => v === '+Inf' || Number.isFinite(Number(v)),
      route: (v) =>
        v === 'unmatched' ||
        t.faro.app.hasRoute({ method: 'GET', url: v }) ||
        t.faro.app.hasRoute({ method: 'POST', url: v }) ||
        t.faro.app.hasRoute({ method: 'PUT', url: v }) ||
        t.faro.app.hasRoute({ method: 'DELETE', url: v }),
    };
    const wrong = scraped.samples.flatMap((sample) =>
      Object.entries(sample.labels)
        .filter(([label, value]) => !(allowed[label]?.(value) ?? false))
        .map(([label, value]) => `${sample.name}{${label}="${value}"}`),
    );
    expect(wrong).toEqual([]);
  });

  it('names in the dashboard and the alert rules only metrics a scrape has', async () => {
    const scraped = await scrapeMain();
    const root = path.resolve(import.meta.dirname, '..');
    const dashboard = readFileSync(path.join(root, 'docs/monitoring/faro-dashboard.json'), 'utf8');
    const rules = readFileSync(path.join(root, 'docs/monitoring/alerts.yaml'), 'utf8');
    const panels = (JSON.parse(dashboard) as { panels: { targets?: { expr: string }[] }[] }).panels;
    const exprs = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
    expect(exprs.length).toBeGreaterThan(10);
    expect(rules.match(/^\s+expr:/gm)?.length).toBeGreaterThanOrEqual(5);
    // The rules' expressions span lines (YAML folded scalars): every name in the file counts.
    const named = new Set(
      [...exprs, rules].flatMap((text) => text.match(/\b(?:faro|process|nodejs)_[a-z0-9_]+/g) ?? []),
    );
    const have = new Set(scraped.samples.map((sample) => sample.name));
    const unknown = [...named].filter((name) => !have.has(name));
    expect(unknown).toEqual([]);
    // Every metric Faro has is on the dashboard.
    const shown = new Set([...named].map((name) => name.replace(/_(bucket|count|sum)$/, '')));
    expect(scraped.families.filter((family) => family.startsWith('faro_') && !shown.has(family))).toEqual([]);
    expect(have.has('process_resident_memory_bytes')).toBe(true);
  });
});

describe('/metrics without a token', () => {
  let web: TestFaro;
  beforeAll(async () => {
    // A web-only process (nothing groups its reports) with its own listener and no token.
    web = await startTestFaro({ work: false, env: { METRICS_PORT: '0', METRICS_CACHE_SECONDS: '0' } });
  });
  afterAll(async () => web?.stop());

  it('does not exist on the main port; the listener of its own (127.0.0.1) serves it', async () => {
    const metrics = await web.faro.app.inject({ url: '/metrics' });
    const missing = await web.faro.app.inject({ url: '/zz-missing' });
    expect(metrics.statusCode).toBe(404);
    expect(metrics.body).toBe(missing.body.replace('/zz-missing', '/metrics'));
    expect(web.faro.app.hasRoute({ method: 'GET', url: '/metrics' })).toBe(false);

    const port = await web.faro.serveMetrics();
    const before = readScrape(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    // Two reports no worker groups: the backlog grows by two, and its age shows.
    expectStatus(await client(web).post('/api/reports', buildReportInput()), 201);
    expectStatus(await client(web).post('/api/reports', buildReportInput()), 201);
    const after = readScrape(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    expect(
      (after.value('faro_grouping_backlog_reports') ?? 0) -
        (before.value('faro_grouping_backlog_reports') ?? 0),
    ).toBe(2);
    expect(after.value('faro_grouping_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(after.value('faro_reports_received_total', { channel: 'web' })).toBe(2);
  });

  it('counts the jobs waiting in each queue (nobody works them here)', async () => {
    const dispatcherHere = await staffSession(web.faro.database, 'dispatcher');
    const approverHere = await staffSession(web.faro.database, 'approver');
    const port = await web.faro.serveMetrics();
    const scrape = async () => readScrape(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    const series = { queue: 'alerts.fan-out', state: 'created' };
    const before = (await scrape()).value('faro_job_queue_jobs', series) ?? 0;
    const zones = (await web.faro.app.inject({ url: '/api/zones' })).json().zones as { id: string }[];
    await publishAlert(web.faro.app, dispatcherHere, approverHere, zones[0]?.id ?? '');
    expect((await scrape()).value('faro_job_queue_jobs', series)).toBe(before + 1);
  });
});
