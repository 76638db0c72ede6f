import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2e, expectAccessible, startE2e } from './harness.js';

/**
 * Issue 17, know your rights on a phone: /rights in Arabic turns the whole page right to left,
 * passes axe, is readable with scripts off; visited once, it opens offline; in Chinese and
 * Spanish it reads in that language. Screenshots for the docs.
 */
let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e({});
});
afterAll(async () => e2e?.stop());

const phone = async (options: { javaScriptEnabled?: boolean; locale?: string } = {}) =>
  e2e.browser.newContext({
    locale: options.locale ?? 'en-US',
    viewport: { width: 360, height: 640 },
    isMobile: true,
    hasTouch: true,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });

const shot = (name: string) => path.resolve('docs/images', name);

describe('know your rights', () => {
  it('turns the whole page right to left in Arabic, with scripts and without', async () => {
    for (const javaScriptEnabled of [false, true]) {
      const context = await phone({ javaScriptEnabled, locale: 'ar' });
      const page = await context.newPage();
      await page.goto(`${e2e.server.baseUrl}/rights?lang=ar`);
      await page.getByRole('heading', { name: 'اعرف حقوقك', level: 1 }).waitFor();
      const layout = await page.evaluate<{
        dir: string;
        direction: string;
        headingRight: number;
        headingLeft: number;
        width: number;
        listDirection: string;
      }>(`(() => {
        const h1 = document.querySelector('h1').getBoundingClientRect();
        const item = document.querySelector('[data-testid="rights-item"] li');
        return {
          dir: document.documentElement.dir,
          direction: getComputedStyle(document.body).direction,
          headingRight: h1.right,
          headingLeft: h1.left,
          width: document.documentElement.clientWidth,
          listDirection: getComputedStyle(item).direction,
        };
      })()`);
      expect(layout).toMatchObject({ dir: 'rtl', direction: 'rtl', listDirection: 'rtl' });
      // The heading starts at the right edge (its text is right-aligned, not a left-to-right page with Arabic words).
      const textRight = await page.evaluate<number>(`(() => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector('h1'));
        return range.getBoundingClientRect().right;
      })()`);
      expect(layout.width - textRight).toBeLessThan(40);
      // A draft translation says so, in Arabic.
      expect(await page.getByTestId('rights-draft').first().textContent()).toContain('لم تتم مراجعتها بعد');
      // Nothing wider than the phone.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
        layout.width,
      );
      if (javaScriptEnabled) {
        await expectAccessible(page);
        await page.screenshot({ path: shot('rights-ar.png'), fullPage: false });
      }
      await context.close();
    }
  });

  it('opens offline once visited, and reads in Chinese and Spanish', async () => {
    const context = await phone({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/rights`);
    await page.getByRole('heading', { name: '了解您的权利', level: 1 }).waitFor();
    await page.screenshot({ path: shot('rights-zh.png'), fullPage: false });
    await expect
      .poll(() => page.evaluate<boolean>('navigator.serviceWorker.controller !== null'), { timeout: 15_000 })
      .toBe(true);
    // Opened again while the service worker runs it: this copy is kept for offline.
    await page.reload();
    await page.getByRole('heading', { name: '了解您的权利', level: 1 }).waitFor();
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: '了解您的权利', level: 1 }).waitFor();
    expect(await page.getByTestId('rights-item').count()).toBeGreaterThan(5);
    await context.close();

    const es = await (await phone({ locale: 'es-MX' })).newPage();
    await es.goto(`${e2e.server.baseUrl}/rights`);
    await es.getByRole('heading', { name: 'Conozca sus derechos', level: 1 }).waitFor();
    await es.getByRole('heading', { name: 'Si tocan a su puerta' }).waitFor();
    expect(await es.getByTestId('rights-draft').count()).toBe(0);
    await expectAccessible(es);
    await es.screenshot({ path: shot('rights-es.png'), fullPage: false });
    // The language list names each language in its own script, and leads to it.
    await es.getByRole('link', { name: 'العربية' }).click();
    await es.getByRole('heading', { name: 'اعرف حقوقك', level: 1 }).waitFor();
    expect(await es.evaluate<string>('document.documentElement.dir')).toBe('rtl');
    await es.context().close();
  });

  it('prints wallet cards in every language without a word cut off, fronts then mirrored backs, Letter and A4', async () => {
    const context = await phone({ locale: 'en-US' });
    const page = await context.newPage();
    const all = ['en', 'es', 'zh', 'vi', 'ko', 'tl', 'ar', 'ht', 'pt', 'fr'];
    await page.goto(
      `${e2e.server.baseUrl}/rights/cards?${all.map((l) => `languages=${l}`).join('&')}&paper=a4`,
    );
    await page.getByRole('heading', { name: 'Print wallet cards', level: 1 }).waitFor();
    // Ten languages fill two sheets of eight: each sheet's fronts, then its backs.
    expect(await page.getByTestId('card-sheet-front').count()).toBe(2);
    const overflowing = await page.evaluate<string[]>(`(() =>
      [...document.querySelectorAll('.wallet-card')]
        .filter((card) => card.scrollHeight > card.clientHeight + 1 || card.scrollWidth > card.clientWidth + 1)
        .map((card) => card.lang + ' ' + card.className))()`);
    expect(overflowing).toEqual([]);
    // The Arabic card reads right to left; a back sits behind its front for a long-edge flip.
    expect(
      await page.evaluate<string>(
        `getComputedStyle(document.querySelector('.wallet-card[lang="ar"]')).direction`,
      ),
    ).toBe('rtl');
    const order = await page.evaluate<string[][]>(`(() => ['front', 'back'].map((side) =>
      [...document.querySelectorAll('[data-testid="card-sheet-' + side + '"]')][0].querySelectorAll('.wallet-card').length
        ? [...[...document.querySelectorAll('[data-testid="card-sheet-' + side + '"]')][0].querySelectorAll('.wallet-card')].map((c) => c.lang)
        : []))()`);
    const [fronts = [], backs = []] = order;
    for (let row = 0; row < fronts.length; row += 2)
      expect([backs[row + 1], backs[row]]).toEqual([fronts[row], fronts[row + 1]]);
    await expectAccessible(page);

    // Printed: the header and the form are gone; A4 pages, the cards to the millimetre.
    const desk = await e2e.browser.newContext({ locale: 'es-US', viewport: { width: 1000, height: 1300 } });
    const sheet = await desk.newPage();
    await sheet.goto(
      `${e2e.server.baseUrl}/rights/cards?lang=es&languages=es&languages=en&languages=ar&languages=zh&paper=letter`,
    );
    await sheet.getByTestId('card-sheet-front').waitFor();
    await sheet.emulateMedia({ media: 'print' });
    expect(await sheet.locator('form').isVisible()).toBe(false);
    const size = await sheet.locator('.wallet-card').first().boundingBox();
    // 85.6 × 54 mm at 96 pixels to the inch.
    expect(Math.round(size?.width ?? 0)).toBe(Math.round((85.6 / 25.4) * 96));
    expect(Math.round(size?.height ?? 0)).toBe(Math.round((54 / 25.4) * 96));
    await sheet.getByTestId('card-sheet-front').screenshot({ path: shot('rights-cards-sheet.png') });
    const pdf = await sheet.pdf({ preferCSSPageSize: true });
    // Two pages (fronts, backs), Letter: 612 × 792 points.
    const text = pdf.toString('latin1');
    expect(text.match(/\/Type\s*\/Page[^s]/g)?.length).toBe(2);
    expect(text).toMatch(/\/MediaBox\s*\[\s*0 0 612 792\s*\]/);
    await desk.close();
    await context.close();
  });
});
