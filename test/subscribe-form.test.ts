import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_PAGE_ID, type ServerPage } from '../src/shared/pages.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { smsProviderEnv, startSmsProvider } from './support/sms-provider.js';
import { startSmtpServer } from './support/smtp.js';

/**
 * Issue 14: the subscribe page works as a plain HTML form when scripts are
 * off — e-mail and SMS, confirmed by the same double opt-in as the scripted
 * form, held to the stricter limit every form without a proof of work gets.
 * Uses the built web app (npm install builds it).
 */
const WEB = path.resolve('dist/web');
const PER_HOUR = 3;

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
let t: TestFaro;
let zoneId: string;

beforeAll(async () => {
  if (!existsSync(path.resolve('dist/ssr/ssr.js')))
    throw new Error('run `npm run build` first: dist/ssr is missing');
  [smtp, sms] = await Promise.all([startSmtpServer(), startSmsProvider()]);
  t = await startTestFaro({
    env: {
      WEB_DIST_DIR: WEB,
      SMTP_URL: smtp.url,
      ...smsProviderEnv(sms.url),
      PUBLIC_URL: 'https://faro.network.example',
      SUBSCRIBE_FORM_POSTS_PER_HOUR: String(PER_HOUR),
      REPORT_FORM_POSTS_PER_HOUR: '2',
    },
  });
  const zones = (await t.faro.app.inject({ url: '/api/zones' })).json() as { zones: { id: string }[] };
  zoneId = zones.zones[0]?.id ?? '';
});
afterAll(async () => {
  await t?.stop();
  await Promise.all([smtp?.close(), sms?.close()]);
});

/** The ServerPage a page carries for the browser. */
function pageOf(html: string): ServerPage {
  const match = new RegExp(`<script type="application/json" id="${SERVER_PAGE_ID}">(.*?)</script>`).exec(
    html,
  );
  if (!match?.[1]) throw new Error('no server page block');
  return JSON.parse(match[1]) as ServerPage;
}

let address = 0;
/** Each post comes from its own address unless told, so one test does not use another's allowance. */
const post = (
  form: Record<string, string | string[]>,
  options: { headers?: Record<string, string>; from?: string; url?: string } = {},
) => {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form))
    for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
  address++;
  return t.faro.app.inject({
    method: 'POST',
    url: options.url ?? '/subscribe',
    remoteAddress: options.from ?? `198.51.100.${address}`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'same-origin',
      ...options.headers,
    },
    payload: body.toString(),
  });
};

/** Confirmations waiting to be sent, by any channel (the job the scripted form's requests make too). */
const confirmationsQueued = async () => {
  const { rows } = await t.faro.database.pool.query<{ n: number }>(
    "select count(*)::int as n from pgboss.job where name like 'subscriptions.confirm%'",
  );
  return Number(rows[0]?.n ?? 0);
};

async function mailTo(to: string) {
  await t.faro.jobs.drain(t.faro.jobDefinitions.subscriptionConfirm);
  const mail = smtp.received.filter((m) => m.to.includes(to)).at(-1);
  if (!mail) throw new Error(`no mail to ${to}`);
  const { text } = smtp.text(mail);
  const token = (kind: string) => text.match(new RegExp(`/${kind}\\?token=([A-Za-z0-9_-]+)`))?.[1] ?? '';
  return { confirm: token('subscribe/confirm'), manage: token('subscription') };
}

describe('the subscribe form without scripts', () => {
  it('is a whole form in the page: e-mail and SMS fields, the zones, and a word that notifications need scripts', async () => {
    const page = await t.faro.app.inject({ url: '/subscribe', headers: { 'accept-language': 'es' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(
      /<form[^>]*method="post"[^>]*action="\/subscribe"|<form[^>]*action="\/subscribe"[^>]*method="post"/,
    );
    for (const name of ['channel', 'address', 'phone', 'zones', 'language'])
      expect(page.body).toContain(`name="${name}"`);
    expect(page.body).toMatch(/<noscript><p class="hint">Las notificaciones en este dispositivo necesitan/);
  });

  it('takes an e-mail request as a form, answers "check your e-mail", and turns nothing on until it is confirmed', async () => {
    const answer = await post(
      {
        language: 'es',
        channel: 'email',
        address: 'Rosa.Form@Example.org',
        phone: '',
        zones: zoneId,
      },
      { headers: { 'accept-language': 'es-MX,es;q=0.9' } },
    );
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(pageOf(answer.body).subscribe).toEqual({ sent: 'email' });
    expect(answer.body).toContain('Revise su correo');
    expect(answer.body).toContain('data-testid="subscribe-sent"');
    // Double opt-in, as from the scripted form: a link by e-mail, pending until it is opened.
    const mail = await mailTo('rosa.form@example.org');
    const seen = await t.faro.app.inject({
      method: 'POST',
      url: '/api/subscriptions/manage',
      payload: { token: mail.manage },
    });
    expect(seen.json()).toMatchObject({ status: 'pending', language: 'es' });
    const confirmed = await t.faro.app.inject({
      method: 'POST',
      url: '/api/subscriptions/confirm',
      payload: { token: mail.confirm },
    });
    expect(confirmed.json()).toMatchObject({ status: 'active', channel: 'email' });
  });

  it('takes an SMS request as a form and answers "check your phone"', async () => {
    const answer = await post({
      language: 'en',
      channel: 'sms',
      address: '',
      phone: '(323) 555-0147',
      zones: zoneId,
    });
    expect(answer.statusCode).toBe(200);
    expect(pageOf(answer.body).subscribe).toEqual({ sent: 'sms' });
    expect(answer.body).toContain('Check your phone');
    await t.faro.jobs.drain(t.faro.jobDefinitions.subscriptionConfirm);
    expect(sms.sent.some((m) => m.fields.To === '+13235550147')).toBe(true);
  });

  it('sends an invalid form back with everything typed and an error summary linking to the fields, sending nothing', async () => {
    const before = await confirmationsQueued();
    const answer = await post({ language: 'en', channel: 'email', address: 'rosa at home', phone: '555' });
    expect(answer.statusCode).toBe(400);
    const echo = pageOf(answer.body).subscribe;
    if (!echo || !('values' in echo)) throw new Error('no echo');
    expect(echo.values).toMatchObject({ channel: 'email', address: 'rosa at home', phone: '555' });
    expect(echo.problems.sort()).toEqual(['address', 'zones']);
    expect(answer.body).toContain('value="rosa at home"');
    expect(answer.body).toContain('class="error-summary"');
    // Each line of the summary leads to something in the page.
    const links = [...answer.body.matchAll(/<li><a href="#([^"]+)">/g)].map((m) => m[1]);
    expect(links).toHaveLength(2);
    for (const id of links) expect(answer.body).toContain(`id="${id}"`);
    expect(answer.body).toContain('Check the form · Get alerts');
    expect(await confirmationsQueued()).toBe(before);
  });

  it('says that notifications need scripts when they are asked for without them', async () => {
    const answer = await post({ language: 'en', channel: 'push', zones: zoneId });
    expect(answer.statusCode).toBe(400);
    const echo = pageOf(answer.body).subscribe;
    expect(echo && 'values' in echo ? echo.reasons : null).toEqual({ channel: 'needsScripts' });
    expect(answer.body).toContain('Notifications on this device need JavaScript');
  });

  it('hostile: refuses a form posted from another site, without putting its words into the page', async () => {
    const before = await confirmationsQueued();
    const form = { language: 'en', channel: 'email', address: 'victim@example.org', zones: zoneId };
    const crossSite = await post(form, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.body).not.toContain('victim@example.org');
    const sandboxed = await t.faro.app.inject({
      method: 'POST',
      url: '/subscribe',
      remoteAddress: '198.51.100.240',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' },
      payload: new URLSearchParams(form).toString(),
    });
    expect(sandboxed.statusCode).toBe(403);
    expect(await confirmationsQueued()).toBe(before);
  });

  it('hostile: refuses a JSON body (programs use the API, with its proof of work)', async () => {
    const before = await confirmationsQueued();
    const answer = await t.faro.app.inject({
      method: 'POST',
      url: '/subscribe',
      remoteAddress: '198.51.100.241',
      headers: { 'sec-fetch-site': 'same-origin' },
      payload: { channel: 'email', address: 'json@example.org', zones: [zoneId], language: 'en' },
    });
    expect(answer.statusCode).toBe(415);
    expect(answer.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    expect(await confirmationsQueued()).toBe(before);
  });

  it('hostile: holds one address to a few requests an hour, in the database, apart from the report form’s allowance', async () => {
    const from = '203.0.113.90';
    const ask = (n: number) =>
      post({ language: 'en', channel: 'email', address: `limit-${n}@example.org`, zones: zoneId }, { from });
    for (let n = 0; n < PER_HOUR; n++) expect((await ask(n)).statusCode).toBe(200);
    const before = await confirmationsQueued();
    const refused = await ask(PER_HOUR);
    expect(refused.statusCode).toBe(429);
    const echo = pageOf(refused.body).subscribe;
    expect(echo && 'values' in echo ? echo.failure : null).toBe('formLimited');
    // What was typed comes back, to send later.
    expect(refused.body).toContain(`limit-${PER_HOUR}@example.org`);
    expect(await confirmationsQueued()).toBe(before);
    // One definition of the limit, with the form's kind in the key: rows name no address and no moment.
    const { rows } = await t.faro.database.pool.query<{ key: string; window_start: Date | string }>(
      "select key, window_start from form_throttle where key like 'subscribe-form:%'",
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.key).toMatch(/^subscribe-form:([0-9a-f]{5}|all)$/);
      expect(new Date(row.window_start).getTime() % 3_600_000).toBe(0);
    }
    // The report form's allowance from the same address is its own.
    const report = await post(
      { language: 'en', activity: 'patrol', zone: zoneId, when: 'now' },
      { from, url: '/report' },
    );
    expect(report.statusCode).toBe(200);
  });
});
