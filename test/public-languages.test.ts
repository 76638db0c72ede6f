import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebPages } from '../src/server/http/pages.js';
import { SERVER_PAGE_ID, type ServerPage, speaksEveryLanguage } from '../src/shared/pages.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { staffSession } from './support/sessions.js';

/**
 * Issue 17, the public pages in the ten languages, as the server sends them: each public page (and
 * the "not found" page) in the language chosen among the ten, right to left in Arabic, its
 * description and "needs scripts" line in it too, the choice kept for the next public page; staff
 * pages in English and Spanish only; and the review status of the pages' words from one place.
 */
let t: TestFaro;
beforeAll(async () => {
  if (!existsSync(path.resolve('dist/ssr/ssr.js')))
    throw new Error('run `npm run build` first: dist/ssr is missing');
  t = await startTestFaro({ env: { WEB_DIST_DIR: path.resolve('dist/web') } });
});
afterAll(async () => t?.stop());

function pageOf(html: string): ServerPage {
  const match = new RegExp(`<script type="application/json" id="${SERVER_PAGE_ID}">(.*?)</script>`).exec(
    html,
  );
  if (!match?.[1]) throw new Error('no server page block');
  return JSON.parse(match[1]) as ServerPage;
}

const view = (url: string, headers: Record<string, string> = {}) =>
  t.faro.app.inject({ url, headers: { accept: 'text/html', ...headers } });

describe('which pages speak the ten', () => {
  it('is every public page and an unknown address, never a staff page', () => {
    for (const page of [
      '/',
      '/report',
      '/alerts',
      '/subscribe',
      '/subscription',
      '/rights/',
      '/nope',
      '/x/y',
    ])
      expect(speaksEveryLanguage(page), page).toBe(true);
    for (const page of [
      '/dispatch',
      '/admin',
      '/signin',
      '/cases',
      '/cases/123',
      '/account',
      '/evidence',
      // As a router reads them: percent-encoded, they are the same pages.
      '/%64ispatch',
      '/%63ases/123',
    ])
      expect(speaksEveryLanguage(page), page).toBe(false);
  });
});

describe('the public pages as the server sends them', () => {
  it('renders /report in Korean from a link, with its title and description, and keeps the choice', async () => {
    const page = await view('/report?lang=ko');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<html lang="ko" dir="ltr"/);
    expect(page.body).toContain('활동 신고');
    expect(page.body).toMatch(/<title>보신 것을 신고하십시오 · Faro<\/title>/);
    expect(page.body).toMatch(/<meta name="description" content="[^"]*이민[^"]*"/);
    expect(String(page.headers['set-cookie'])).toContain('faro_lang=ko');
    // A draft: the page says its words are not yet reviewed, in Korean.
    expect(page.body).toContain('data-testid="ui-draft"');
    expect(page.body).toContain('아직 검토되지 않음');
    expect(pageOf(page.body).uiReviewed).toEqual(['en', 'es']);
    // The next public page, by the cookie: Korean too.
    const alerts = await view('/alerts', { cookie: 'faro_lang=ko' });
    expect(alerts.body).toMatch(/<html lang="ko"/);
    expect(alerts.body).toContain('현재 유효한 경보');
  });

  it('turns Arabic right to left, the "not found" page included', async () => {
    const report = await view('/report', { 'accept-language': 'ar' });
    expect(report.body).toMatch(/<html lang="ar" dir="rtl"/);
    const missing = await view('/no-such-page', { 'accept-language': 'ar-EG,ar;q=0.9' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toMatch(/<html lang="ar" dir="rtl"/);
    expect(missing.body).toContain('لا نستطيع العثور على هذه الصفحة');
  });

  it('says a page needs scripts in the page’s language', async () => {
    const page = await view('/subscription?lang=vi');
    expect(page.body).toMatch(/<html lang="vi"/);
    expect(page.body).toMatch(/<noscript><p>Trang này cần JavaScript\./);
  });

  it('shows English and Spanish without the draft flag', async () => {
    const page = await view('/report?lang=es');
    expect(page.body).toContain('Reportar actividad');
    expect(page.body).not.toContain('data-testid="ui-draft"');
  });

  it('keeps staff pages in English and Spanish, and a link to another language is not kept from them', async () => {
    const staff = await view('/signin?lang=ko', { 'accept-language': 'ko,en;q=0.5' });
    expect(staff.body).toMatch(/<html lang="en" dir="ltr"/);
    expect(String(staff.headers['set-cookie'] ?? '')).not.toContain('faro_lang=ko');
    expect(staff.body).not.toContain('<meta name="description"');
    const spanish = await view('/dispatch', { cookie: 'faro_lang=zh', 'accept-language': 'zh,es;q=0.5' });
    expect(spanish.body).toMatch(/<html lang="es"/);
  });
});

describe('the review status of the pages’ words', () => {
  it('comes from one function: a language reviewed for the coalition loses its draft flag', async () => {
    const app = Fastify();
    await app.register(fastifyCookie);
    const pages = await createWebPages({
      distDir: path.resolve('dist/web'),
      timeZone: 'America/Los_Angeles',
      secureCookie: false,
      contacts: async () => ({}),
      viewsPerMinute: 100,
      uiReviewed: async () => ['en', 'es', 'ko'],
      log: app.log,
    });
    app.get('/report', (request, reply) => pages.send(request, reply));
    try {
      const korean = await app.inject({ url: '/report?lang=ko' });
      expect(korean.body).toContain('활동 신고');
      expect(pageOf(korean.body).uiReviewed).toEqual(['en', 'es', 'ko']);
      expect(korean.body).not.toContain('data-testid="ui-draft"');
      const chinese = await app.inject({ url: '/report?lang=zh' });
      expect(chinese.body).toContain('data-testid="ui-draft"');
      expect(chinese.body).toContain('尚未审核');
    } finally {
      await app.close();
    }
  });

  it('is the one a member organization’s reviewer marks in the admin pages: marked, the flag goes; back to draft, it returns', async () => {
    const legal = await staffSession(t.faro.database, 'legal');
    const mark = (status: 'reviewed' | 'draft') =>
      t.faro.app.inject({
        method: 'POST',
        url: '/api/admin/translations/ui/vi',
        headers: legal.headers,
        payload: { status },
      });
    expect((await view('/report?lang=vi')).body).toContain('data-testid="ui-draft"');
    expect((await mark('reviewed')).statusCode).toBe(200);
    const reviewed = await view('/report?lang=vi');
    expect(pageOf(reviewed.body).uiReviewed).toContain('vi');
    expect(reviewed.body).not.toContain('data-testid="ui-draft"');
    // Reviewing the pages' words says nothing of the alert templates'.
    expect((await t.faro.app.inject({ url: '/api/subscriptions/channels' })).json().languages).not.toContain(
      'vi',
    );
    expect((await mark('draft')).statusCode).toBe(200);
    expect((await view('/report?lang=vi')).body).toContain('data-testid="ui-draft"');
  });
});
