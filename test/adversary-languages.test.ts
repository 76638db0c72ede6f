import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebPages } from '../src/server/http/pages.js';
import { publicMessage } from '../src/server/locales/messages.js';
import { smsCost } from '../src/server/modules/alerts/sms-segments.js';
import { speaksEveryLanguage } from '../src/shared/pages.js';

/**
 * An adversary's look at issue 17's public pages in ten languages: an address spelled another way
 * must not make a staff page speak a language staff pages do not, nor set the choice to one.
 */
const dist = mkdtempSync(path.join(tmpdir(), 'faro-adv-'));
mkdirSync(path.join(dist, 'web'));
writeFileSync(
  path.join(dist, 'web', 'index.html'),
  '<!doctype html><html lang="en"><head><title>Faro</title></head><body><div id="root"></div></body></html>',
);

const app = Fastify();
beforeAll(async () => {
  await app.register(fastifyCookie);
  const pages = await createWebPages({
    distDir: path.join(dist, 'web'),
    timeZone: 'America/Los_Angeles',
    secureCookie: false,
    contacts: async () => ({}),
    viewsPerMinute: 1000,
    log: app.log,
  });
  app.get('/dispatch', (request, reply) => pages.send(request, reply));
  app.get('/report', (request, reply) => pages.send(request, reply));
});
afterAll(() => app.close());

describe('a staff page asked for by another spelling of its address', () => {
  it('still speaks English or Spanish only, and keeps no public-only choice', async () => {
    for (const url of ['/dispatch?lang=ar', '/%64ispatch?lang=ar', '/%64%69spatch?lang=ko']) {
      const page = await app.inject({ url, headers: { accept: 'text/html' } });
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toMatch(/<html lang="en" dir="ltr"/);
      expect(String(page.headers['set-cookie'] ?? ''), url).not.toContain('faro_lang=');
    }
  });

  it('is a staff page to the browser too (the language rule shares the test)', () => {
    for (const path of ['/%64ispatch', '/%63ases/123', '/dispatch%2F'])
      expect(speaksEveryLanguage(path), path).toBe(false);
    // A path that does not decode is read as sent.
    expect(speaksEveryLanguage('/%E0%A4%A')).toBe(true);
  });

  it('while the public page it is not still speaks the ten', async () => {
    const page = await app.inject({ url: '/report?lang=ar', headers: { accept: 'text/html' } });
    expect(page.body).toMatch(/<html lang="ar" dir="rtl"/);
    const encoded = await app.inject({ url: '/%72eport?lang=ar', headers: { accept: 'text/html' } });
    expect(encoded.body).toMatch(/<html lang="ar" dir="rtl"/);
  });

  it('never sets a cookie or a lang attribute from an odd ?lang=', async () => {
    for (const lang of ['../', 'ar%0d%0aSet-Cookie:%20x=1', 'ar;', 'AR', '"><script>']) {
      const page = await app.inject({ url: `/report?lang=${lang}`, headers: { accept: 'text/html' } });
      expect(page.statusCode, lang).toBe(200);
      expect(page.body, lang).toMatch(/<html lang="en" dir="ltr"/);
      expect(page.headers['set-cookie'], lang).toBeUndefined();
    }
  });
});

describe('a page made lately and kept for the next visitor', () => {
  it('is not reused once the review status of its language changed (no reviewed flag from before)', async () => {
    const reviewed: ('en' | 'es' | 'ko')[] = ['en', 'es'];
    const own = Fastify();
    await own.register(fastifyCookie);
    const pages = await createWebPages({
      distDir: path.join(dist, 'web'),
      timeZone: 'America/Los_Angeles',
      secureCookie: false,
      contacts: async () => ({}),
      viewsPerMinute: 1000,
      uiReviewed: async () => [...reviewed],
      log: own.log,
    });
    own.get('/report', (request, reply) => pages.send(request, reply));
    try {
      const statusIn = async () =>
        /"uiReviewed":\[([^\]]*)\]/.exec((await own.inject({ url: '/report?lang=ko' })).body)?.[1];
      expect(await statusIn()).toBe('"en","es"');
      reviewed.push('ko');
      expect(await statusIn()).toBe('"en","es","ko"');
      reviewed.pop();
      expect(await statusIn()).toBe('"en","es"');
    } finally {
      await own.close();
    }
  });
});

describe('the confirmation text a subscriber is sent, in a language written in Latin letters', () => {
  it('stays GSM-7: one letter outside it (the French "ê") doubles what each costs', () => {
    for (const language of ['en', 'es', 'tl', 'ht', 'pt', 'fr'] as const) {
      const text = publicMessage(language, 'subscriptionSms.confirm', {
        zones: 'Boyle Heights',
        confirm: 'https://faro.network.example/subscriptions/confirm?token=abc',
      });
      expect(smsCost(text).nonGsm, language).toEqual([]);
    }
  });
});
