import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeFormPost } from '../src/server/http/form-throttle.repo.js';
import { SERVER_PAGE_ID, type ServerPage } from '../src/shared/pages.js';
import { SEND_KEY, SEND_KEY_SLOT } from '../src/shared/report.js';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { staffSession } from './support/sessions.js';
import { storedReports } from './support/state.js';

/**
 * Issue 14 item 1: the public pages are rendered by the server, and the
 * report form works as a plain HTML form — for a phone whose scripts never
 * arrive or are turned off. Uses the built web app (npm install builds it).
 */
const WEB = path.resolve('dist/web');

let t: TestFaro;
let zoneId: string;
let zoneName: string;

beforeAll(async () => {
  if (!existsSync(path.resolve('dist/ssr/ssr.js')))
    throw new Error('run `npm run build` first: dist/ssr is missing');
  t = await startTestFaro({ env: { WEB_DIST_DIR: WEB, REPORT_FORM_POSTS_PER_HOUR: '3' } });
  const zones = (await t.faro.app.inject({ url: '/api/zones' })).json() as {
    zones: { id: string; name: string }[];
  };
  const zone = zones.zones[0];
  if (!zone) throw new Error('no demo zone');
  zoneId = zone.id;
  zoneName = zone.name;
  const admin = await staffSession(t.faro.database, 'coalition_admin');
  const set = await t.faro.app.inject({
    method: 'PUT',
    url: '/api/admin/publishing',
    headers: admin.headers,
    payload: {
      allowedHosts: [],
      blockedNames: [],
      contacts: { hotline: '+1 (213) 555-0100', sms: '+1 213 555 0199' },
    },
  });
  expect(set.statusCode).toBe(200);
});
afterAll(async () => t?.stop());

/** The ServerPage a page carries for the browser. */
function pageOf(html: string): ServerPage {
  const match = new RegExp(`<script type="application/json" id="${SERVER_PAGE_ID}">(.*?)</script>`).exec(
    html,
  );
  if (!match?.[1]) throw new Error('no server page block');
  return JSON.parse(match[1]) as ServerPage;
}

const reportCount = () => storedReports(t);

let address = 0;
/** Each test posts from its own address, so one test's posts do not use another's allowance. */
const post = (
  form: Record<string, string | string[]>,
  headers: Record<string, string> = {},
  from?: string,
  on: TestFaro = t,
) => {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form))
    for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
  address++;
  return on.faro.app.inject({
    method: 'POST',
    url: '/report',
    remoteAddress: from ?? `198.51.100.${address}`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'same-origin',
      ...headers,
    },
    payload: body.toString(),
  });
};

describe('the report form without scripts', () => {
  it('is a whole form in the page, in the phone’s language, with the zones and the coalition’s numbers', async () => {
    const page = await t.faro.app.inject({
      url: '/report',
      headers: { 'accept-language': 'es-MX,es;q=0.9' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const html = page.body;
    expect(html).toContain('<html lang="es"');
    expect(html).toMatch(/<title>[^<]*Faro<\/title>/);
    expect(html).not.toContain('<title>Faro</title>');
    expect(html).toMatch(
      /<form[^>]*action="\/report"[^>]*method="post"|<form[^>]*method="post"[^>]*action="\/report"/,
    );
    for (const name of [
      'activity',
      'zone',
      'place',
      'when',
      'observedAt',
      'agents',
      'uniforms',
      'description',
    ])
      expect(html).toContain(`name="${name}"`);
    expect(html).toContain(`<option value="${zoneId}">${zoneName}</option>`);
    expect(html).toContain('href="tel:+12135550100"');
    expect(html).toContain('href="sms:+12135550199"');
    expect(html).toContain('¿Qué está pasando?');
    const server = pageOf(html);
    expect(server.language).toBe('es');
    expect(server.queries[0]?.key).toEqual(['zones']);
  });

  it('takes a report posted as a form and answers with its receipt page', async () => {
    const before = await reportCount();
    const answer = await post({
      language: 'es',
      activity: 'checkpoint',
      agents: '4',
      vehicles: '',
      uniforms: ['ice', 'plainclothes'],
      equipment: 'unmarked_vehicles',
      zone: zoneId,
      place: 'Calle 1 y Avenida B',
      when: '15',
      firsthand: 'yes',
      description: 'Retén en la esquina',
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const receipt = pageOf(answer.body).report;
    expect(receipt && 'receipt' in receipt ? receipt.receipt : null).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(answer.body).toContain('data-testid="receipt"');
    expect(await reportCount()).toBe(before + 1);
    // The receipt code follows the report, as one from the scripted form does.
    const code = receipt && 'receipt' in receipt ? receipt.receipt : '';
    const status = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports/receipt',
      payload: { code },
    });
    expect(status.statusCode).toBe(200);
  });

  it('takes a form posted twice (a double tap, a reload) as one report, by the send key in each page sent', async () => {
    const keyOf = (html: string) => /name="sendKey" value="([^"]*)"/.exec(html)?.[1] ?? '';
    const response = await t.faro.app.inject({ url: '/report' });
    // This visitor's alone: no shared cache may hand it (and its key) to another.
    expect(response.headers['cache-control']).toBe('private, no-cache');
    const page = response.body;
    const sendKey = keyOf(page);
    expect(sendKey).toMatch(SEND_KEY);
    // The page is made once and reused: each one sent has a key of its own, never a shared one.
    expect(keyOf((await t.faro.app.inject({ url: '/report' })).body)).not.toBe(sendKey);
    expect(page).not.toContain(SEND_KEY_SLOT);
    const before = await reportCount();
    const form = { language: 'en', activity: 'raid', zone: zoneId, when: 'now', firsthand: 'yes', sendKey };
    const receiptOf = (body: string) => {
      const report = pageOf(body).report;
      return report && 'receipt' in report ? report.receipt : null;
    };
    const first = await post(form);
    expect(first.statusCode).toBe(200);
    const again = await post(form);
    expect(again.statusCode).toBe(200);
    expect(receiptOf(again.body)).toBe(receiptOf(first.body));
    expect(await reportCount()).toBe(before + 1);
    // A key of another shape (the slot itself, a page sent without its key) is left out, not
    // shared: each such post is a report of its own.
    for (const odd of [SEND_KEY_SLOT, SEND_KEY_SLOT, 'short'])
      expect((await post({ ...form, sendKey: odd })).statusCode).toBe(200);
    expect(await reportCount()).toBe(before + 4);
  });

  it('sends an incomplete form back with everything typed and links to what to fix, storing nothing', async () => {
    const before = await reportCount();
    const answer = await post({
      language: 'en',
      activity: '',
      agents: 'lots',
      place: 'Main St & 3rd',
      when: 'custom',
      observedAt: 'not a time',
      description: 'Two vans',
    });
    expect(answer.statusCode).toBe(400);
    const echo = pageOf(answer.body).report;
    if (!echo || !('values' in echo)) throw new Error('no echo');
    expect(echo.values.place).toBe('Main St & 3rd');
    expect(echo.values.description).toBe('Two vans');
    expect(echo.problems).toEqual(
      expect.arrayContaining(['activity', 'size.agents', 'location.zoneId', 'observedAt']),
    );
    expect(answer.body).toContain('class="error-summary"');
    expect(answer.body).toMatch(/<li><a href="#[^"]+-activity-error">/);
    expect(answer.body).toContain('value="Main St &amp; 3rd"');
    expect(answer.body).toContain('Two vans</textarea>');
    expect(await reportCount()).toBe(before);
  });

  it('hostile: refuses a form posted from another site, and does not put its words into the form', async () => {
    const before = await reportCount();
    const fake = {
      language: 'en',
      activity: 'raid',
      zone: zoneId,
      when: 'now',
      description: 'FAKE RAID EVERYWHERE',
    };
    const crossSite = await post(fake, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.body).not.toContain('FAKE RAID');
    const { 'sec-fetch-site': _none, ...withoutFetchSite } = { 'sec-fetch-site': '' };
    const otherOrigin = await t.faro.app.inject({
      method: 'POST',
      url: '/report',
      remoteAddress: '198.51.100.250',
      headers: {
        ...withoutFetchSite,
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
      },
      payload: new URLSearchParams(fake).toString(),
    });
    expect(otherOrigin.statusCode).toBe(403);
    // An older browser without Sec-Fetch-Site, made to post by another site's sandboxed frame: Origin "null".
    const sandboxed = await t.faro.app.inject({
      method: 'POST',
      url: '/report',
      remoteAddress: '198.51.100.252',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' },
      payload: new URLSearchParams(fake).toString(),
    });
    expect(sandboxed.statusCode).toBe(403);
    expect(await reportCount()).toBe(before);
  });

  it("hostile: words with $` $' $& come back as typed, in a page that stays one page", async () => {
    const typed = "Paid $` then $' and $& at the corner";
    const answer = await post({ language: 'en', activity: '', place: typed, description: typed });
    expect(answer.statusCode).toBe(400);
    const echo = pageOf(answer.body).report;
    if (!echo || !('values' in echo)) throw new Error('no echo');
    expect(echo.values.description).toBe(typed);
    expect(echo.values.place).toBe(typed);
    // Not the template's head, nor its root, pasted into the form.
    expect(answer.body.match(/<html/g)).toHaveLength(1);
    expect(answer.body.match(/<div id="root">/g)).toHaveLength(1);
    expect(answer.body.match(/<script>/g)).toHaveLength(1);
  });

  it('hostile: a receipt code in a link is rendered as sent, and the page is not to be stored', async () => {
    const link = await t.faro.app.inject({ url: '/status?code=%24%60', headers: { accept: 'text/html' } });
    expect(link.statusCode).toBe(200);
    expect(link.body.match(/<html/g)).toHaveLength(1);
    expect(link.body).toContain('value="$`"');
    // A code (or anything else) in a page: not kept by the browser nor by the service worker for offline.
    const withCode = await t.faro.app.inject({ url: '/status?code=ABCD-EFGH' });
    expect(withCode.headers['cache-control']).toBe('no-store');
    const plain = await t.faro.app.inject({ url: '/status' });
    expect(plain.headers['cache-control']).toBe('no-cache');
  });

  it('hostile: JSON sent to the form’s address is a form with those fields empty, not a server error', async () => {
    const answer = await t.faro.app.inject({
      method: 'POST',
      url: '/report',
      remoteAddress: '198.51.100.251',
      headers: { 'sec-fetch-site': 'same-origin' },
      payload: { activity: 'patrol', zone: zoneId, markings: 5, description: { a: 1 }, uniforms: [1] },
    });
    expect(answer.statusCode).toBeLessThan(500);
    expect(answer.headers['content-type']).toMatch(/text\/html/);
  });

  it('hostile: holds one address to a few reports an hour (no proof of work runs without scripts), in the database', async () => {
    const form = { language: 'en', activity: 'patrol', zone: zoneId, when: 'now', description: 'one more' };
    const from = '203.0.113.77';
    for (let i = 0; i < 3; i++) expect((await post(form, {}, from)).statusCode).toBe(200);
    const before = await reportCount();
    const refused = await post(form, {}, from);
    expect(refused.statusCode).toBe(429);
    const echo = pageOf(refused.body).report;
    expect(echo && 'failure' in echo ? echo.failure : null).toBe('formLimited');
    expect(refused.body).toContain('one more');
    expect(refused.body).toContain('href="tel:+12135550100"');
    expect(await reportCount()).toBe(before);
    // Kept where every process sees it: the count is a row, not this process's memory.
    const { rows } = await t.faro.database.pool.query<{ count: number }>('select count from form_throttle');
    expect(rows.map((row) => Number(row.count))).toContain(3);
    // Another address, and the scripted form (with its proof of work), are not held by it.
    expect((await post(form, {}, '203.0.113.78')).statusCode).toBe(200);
    const api = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports',
      remoteAddress: from,
      payload: buildReportInput({ location: { zoneId } }),
    });
    expect(api.statusCode).toBe(201);
  });

  it('hostile: the limit’s rows name no address and no moment: a short digest, the hour', async () => {
    expect((await post({ language: 'en', activity: 'patrol', zone: zoneId, when: 'now' })).statusCode).toBe(
      200,
    );
    const { rows } = await t.faro.database.pool.query<{ key: string; window_start: Date | string }>(
      'select key, window_start from form_throttle',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      // 20 bits of the address's daily digest (thousands of addresses share each; trying all finds none), or "all".
      expect(row.key).toMatch(/^report-form:([0-9a-f]{5}|all)$/);
      // The hour, not the moment of the post that a report's own time would match.
      const start = new Date(row.window_start);
      expect(start.getTime() % 3_600_000).toBe(0);
    }
  });

  it('counts in windows that start on the clock: a new hour (and so a new day) starts a new allowance', async () => {
    const rule = { windowSeconds: 3600, max: 2 };
    const at = (time: string) => new Date(`2001-01-01T${time}Z`);
    const take = (time: string) => takeFormPost(t.faro.database.db, 'report-form:test0', at(time), rule);
    expect(await take('10:10:00')).toBe(true);
    expect(await take('10:20:00')).toBe(true);
    expect(await take('10:59:59')).toBe(false);
    expect(await take('11:00:00')).toBe(true);
  });

  it('hostile: holds a client hopping between the /64s of its IPv6 network to its /56’s share', async () => {
    const form = { language: 'en', activity: 'patrol', zone: zoneId, when: 'now', description: 'hop' };
    // Per client 3 an hour here; a /56 gets four clients' worth (12), whatever /64 each post comes from.
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++)
      statuses.push((await post(form, {}, `2001:db8:77:${(i + 1).toString(16)}::1`)).statusCode);
    expect(statuses.slice(0, 12)).toEqual(Array(12).fill(200));
    expect(statuses[12]).toBe(429);
    // Another /56 of the same /48 still has its own share.
    expect((await post(form, {}, '2001:db8:77:100::1')).statusCode).toBe(200);
  });

  it('answers a mistyped link with a page in the person’s language, and the API with JSON', async () => {
    const page = await t.faro.app.inject({
      url: '/reprot',
      headers: { accept: 'text/html', 'accept-language': 'es' },
    });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('No encontramos esa página');
    // HTML for a browser, JSON for a program, at one address: a shared cache must keep them apart.
    expect(String(page.headers.vary)).toMatch(/(^|,\s*)accept(\s*,|$)/);
    const api = await t.faro.app.inject({ url: '/api/nothing', headers: { accept: 'text/html' } });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('keeps the public numbers when an older client saves the publishing lists without them', async () => {
    const admin = await staffSession(t.faro.database, 'coalition_admin');
    const saved = await t.faro.app.inject({
      method: 'PUT',
      url: '/api/admin/publishing',
      headers: admin.headers,
      payload: { allowedHosts: [], blockedNames: ['Someone'] },
    });
    expect(saved.json()).toMatchObject({ contacts: { hotline: '+1 (213) 555-0100' } });
    const page = await t.faro.app.inject({ url: '/report' });
    expect(page.body).toContain('href="tel:+12135550100"');
  });

  it('renders the subscribe page offering only the channels this server can send on', async () => {
    const page = await t.faro.app.inject({ url: '/subscribe', headers: { 'accept-language': 'en' } });
    expect(page.statusCode).toBe(200);
    const server = pageOf(page.body);
    const channels = server.queries.find((q) => q.key[0] === 'subscription-channels')?.data as {
      channels: string[];
    };
    // This test Faro has no SMTP server and no SMS provider: push only, and no e-mail field in the page.
    expect(channels.channels).toEqual(['push']);
    const radios = page.body.match(/<input[^>]*name="channel"[^>]*>/g) ?? [];
    expect(radios).toHaveLength(1);
    expect(radios[0]).toMatch(/value="push"/);
    expect(radios[0]).toMatch(/\bchecked\b/);
    expect(page.body).not.toContain('type="email"');
  });

  it('renders the alerts page with the alerts in force and a neighborhood choice that works as a plain form', async () => {
    const page = await t.faro.app.inject({
      url: `/alerts?zone=${zoneId}`,
      headers: { 'accept-language': 'en' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<form[^>]*method="get"/);
    const chosen = page.body.match(new RegExp(`<option[^>]*value="${zoneId}"[^>]*>`))?.[0];
    expect(chosen).toMatch(/\bselected\b/);
    const server = pageOf(page.body);
    expect(server.queries.map((q) => q.key)).toEqual([['zones'], ['public-alerts', zoneId]]);
    expect(page.body).toContain('data-testid="no-alerts"');
  });
});

describe('the report form without scripts, network-wide', () => {
  it('hostile: stops taking such reports past an hourly ceiling for everyone, and gives the numbers instead', async () => {
    const ceiling = await startTestFaro({
      env: { WEB_DIST_DIR: WEB, REPORT_FORM_POSTS_PER_HOUR: '3', REPORT_FORM_POSTS_PER_HOUR_TOTAL: '2' },
    });
    try {
      const form = { language: 'en', activity: 'patrol', zone: zoneId, when: 'now' };
      expect((await post(form, {}, '192.0.2.1', ceiling)).statusCode).toBe(200);
      expect((await post(form, {}, '192.0.2.2', ceiling)).statusCode).toBe(200);
      const refused = await post(form, {}, '192.0.2.3', ceiling);
      expect(refused.statusCode).toBe(429);
      expect(refused.body).toContain('href="tel:');
      // The refused post took nothing from its own address's allowance (one transaction).
      const { rows } = await ceiling.faro.database.pool.query<{ key: string; count: number }>(
        'select key, count from form_throttle',
      );
      expect(rows.map((row) => Number(row.count)).sort()).toEqual([1, 1, 2]);
      // The scripted form, with its proof of work, is not held by it.
      const api = await ceiling.faro.app.inject({
        method: 'POST',
        url: '/api/reports',
        remoteAddress: '192.0.2.3',
        payload: buildReportInput({ location: { zoneId } }),
      });
      expect(api.statusCode).toBe(201);
    } finally {
      await ceiling.stop();
    }
  });
});
