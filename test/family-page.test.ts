import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_PAGE_ID, type ServerPage } from '../src/shared/pages.js';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { staffSession } from './support/sessions.js';

/**
 * Issue 16, family status on the web: `/family` is rendered by the server in the reader's language
 * (a cheap phone sees the form before any script), and its form works without scripts — a POST,
 * the answer rendered as the page, neither the code nor the PIN in an address or in the page.
 */
let t: TestFaro;
let issued: { code: string; pin: string };

beforeAll(async () => {
  if (!existsSync(path.resolve('dist/ssr/ssr.js')))
    throw new Error('run `npm run build` first: dist/ssr is missing');
  t = await startTestFaro({ env: { WEB_DIST_DIR: path.resolve('dist/web') } });
  const legal = client(t, await staffSession(t.faro.database, 'legal'));
  const id = expectStatus(
    await legal.post('/api/cases', {
      source: 'call',
      person: { name: 'Rosa Page' },
      consent: { givenBy: 'Her sister', method: 'phone' },
    }),
    201,
  ).body.id as string;
  expectStatus(await legal.post(`/api/cases/${id}/custody`, { status: 'released_on_bond' }), 200);
  const detail = expectStatus(
    await legal.post(`/api/cases/${id}/contacts`, { name: 'Ana Page', language: 'es' }),
    200,
  ).body;
  issued = expectStatus(
    await legal.post(`/api/cases/${id}/family-access`, { contactId: detail.contacts[0].id }),
    201,
  ).body;
});
afterAll(async () => t?.stop());

function pageOf(html: string): ServerPage {
  const match = new RegExp(`<script type="application/json" id="${SERVER_PAGE_ID}">(.*?)</script>`).exec(
    html,
  );
  if (!match?.[1]) throw new Error('no server page block');
  return JSON.parse(match[1]) as ServerPage;
}

const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  t.faro.app.inject({
    method: 'POST',
    url: '/family',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(form).toString(),
  });

describe('/family', () => {
  it('is rendered by the server in English and in Spanish, its form a POST', async () => {
    const english = await t.faro.app.inject({ url: '/family', headers: { accept: 'text/html' } });
    expect(english.statusCode).toBe(200);
    expect(english.body).toMatch(/Follow a family member(&#x27;|'|&#39;)s case/);
    expect(english.body).toMatch(/<form[^>]*method="post"[^>]*action="\/family"/);
    expect(english.body).toContain('type="password"');
    const spanish = await t.faro.app.inject({
      url: '/family',
      headers: { accept: 'text/html', 'accept-language': 'es' },
    });
    expect(spanish.body).toContain('lang="es"');
    expect(spanish.body).toContain('Seguir el caso de un familiar');
    expect(spanish.body).toContain('Código del caso');
  });

  it('answers the form sent without scripts with the stage, and never puts the code or PIN in the page', async () => {
    const answered = await post(issued, { 'accept-language': 'es' });
    expect(answered.statusCode).toBe(200);
    expect(answered.headers['cache-control']).toBe('no-store');
    expect(answered.body).toContain('Su familiar ya salió en libertad.');
    expect(pageOf(answered.body).family?.status?.stage).toBe('released');
    expect(answered.body).not.toContain(issued.code);
    expect(answered.body).not.toContain(issued.pin);
    expect(answered.body).not.toContain('Rosa Page');

    const wrong = await post({ code: issued.code, pin: '000000' });
    const unknown = await post({ code: 'ZZZZZ-ZZZZZ', pin: '000000' });
    expect(wrong.statusCode).toBe(404);
    expect(wrong.body).toContain('No case matches this code and PIN');
    expect(pageOf(wrong.body).family).toEqual(pageOf(unknown.body).family);

    // Another site's page cannot make a visitor's browser guess codes.
    const foreign = await post(issued, { 'sec-fetch-site': 'cross-site' });
    expect(foreign.statusCode).toBe(403);
    expect(pageOf(foreign.body).family?.status).toBeUndefined();
  });
});
