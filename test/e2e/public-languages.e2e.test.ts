import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_LANGUAGES } from '../../src/shared/languages.js';
import { type E2e, expectAccessible, startE2e } from './harness.js';

/**
 * Issue 17, the public pages in the ten languages: on the smallest phone (320 px) nothing is wider
 * than the screen and no text spills out of its box in any of them; Arabic turns /report right to
 * left; the language switch lists the ten and works with scripts off; a draft translation says so.
 */
let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e({});
});
afterAll(async () => e2e?.stop());

const WIDTH = 320;

const phone = (options: { javaScriptEnabled?: boolean } = {}) =>
  e2e.browser.newContext({
    locale: 'en-US',
    viewport: { width: WIDTH, height: 640 },
    isMobile: true,
    hasTouch: true,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });

/**
 * What spills on the page: the page scrolling sideways, a box of text whose text is wider than it
 * (scrollWidth past clientWidth), or a visible element reaching past the screen's edges.
 */
const OVERFLOWS = `(() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const scroller = document.scrollingElement;
  if (scroller.scrollWidth > width) found.push('page scrolls sideways: ' + scroller.scrollWidth);
  const name = (el) =>
    el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
    ' "' + (el.textContent || '').trim().slice(0, 30) + '"';
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const rect = el.getBoundingClientRect();
    // Hidden for screens, shown to screen readers (1 px, clipped): not text anyone sees.
    if (rect.width <= 1 || rect.height <= 1) continue;
    if (el.closest('details:not([open]) > :not(summary)')) continue;
    // The skip link waits off screen until a keyboard focuses it (on the side a page does not scroll to).
    if (el.matches('a.skip:not(:focus)')) continue;
    if (rect.left < -1 || rect.right > width + 1) found.push('past the edge: ' + name(el) + ' ' + Math.round(rect.left) + '..' + Math.round(rect.right));
    const text = [...el.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim());
    if (text && style.display !== 'inline' && el.scrollWidth > el.clientWidth + 1)
      found.push('text wider than its box: ' + name(el) + ' ' + el.scrollWidth + '>' + el.clientWidth);
  }
  return found;
})()`;

async function overflows(page: Page, where: string): Promise<string[]> {
  return (await page.evaluate<string[]>(OVERFLOWS)).map((problem) => `${where}: ${problem}`);
}

describe('the public pages in the ten languages', () => {
  it('fit a 320 px phone in every language, on /report, /rights, /alerts and /subscribe, the language list open too', async () => {
    const context = await phone();
    const page = await context.newPage();
    const problems: string[] = [];
    for (const language of PUBLIC_LANGUAGES) {
      for (const path of ['/report', '/rights', '/alerts', '/subscribe']) {
        await page.goto(`${e2e.server.baseUrl}${path}?lang=${language}`);
        await page.locator('h1').first().waitFor();
        expect(await page.evaluate('document.documentElement.lang')).toBe(language);
        problems.push(...(await overflows(page, `${language} ${path}`)));
      }
      // The list of the ten, open, on the last page of the language.
      await page.locator('.lang-switch > summary').click();
      await page.locator('.lang-switch nav').waitFor();
      problems.push(...(await overflows(page, `${language} language list`)));
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it('turns /report right to left in Arabic, says the draft is not yet reviewed, and passes axe in ar and zh', async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/report?lang=ar`);
    await page.getByRole('heading', { name: 'أبلِغ عن نشاط', level: 1 }).waitFor();
    expect(
      await page.evaluate(`({
        dir: document.documentElement.dir,
        body: getComputedStyle(document.body).direction,
        form: getComputedStyle(document.querySelector('form')).direction,
      })`),
    ).toEqual({ dir: 'rtl', body: 'rtl', form: 'rtl' });
    // The heading starts at the right edge: a right-to-left page, not Arabic words on a left-to-right one.
    const right = await page.evaluate<number>(`(() => {
      const range = document.createRange();
      range.selectNodeContents(document.querySelector('h1'));
      return document.documentElement.clientWidth - range.getBoundingClientRect().right;
    })()`);
    expect(right).toBeLessThan(40);
    expect(await page.getByTestId('ui-draft').textContent()).toContain('لم تتم مراجعتها بعد');
    await expectAccessible(page);
    // For the docs: the form and its language list, open, on the smallest phone.
    await page.locator('.lang-switch > summary').click();
    await page.screenshot({ path: path.resolve('docs/images/report-ar-320.png') });
    await page.locator('.lang-switch > summary').click();

    await page.goto(`${e2e.server.baseUrl}/report?lang=zh`);
    await page.getByRole('heading', { name: '报告情况', level: 1 }).waitFor();
    expect(await page.evaluate('document.documentElement.dir')).toBe('ltr');
    expect(await page.getByTestId('ui-draft').textContent()).toContain('尚未审核');
    await expectAccessible(page);

    // English and Spanish are reviewed as shipped: no flag.
    await page.goto(`${e2e.server.baseUrl}/report?lang=es`);
    await page.getByRole('heading', { name: 'Reportar actividad', level: 1 }).waitFor();
    expect(await page.getByTestId('ui-draft').count()).toBe(0);
    await context.close();
  });

  it('switches to Korean without scripts, keeps it for the next public page, and staff pages stay English', async () => {
    const context = await phone({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/report`);
    await page.getByRole('heading', { name: 'Report activity', level: 1 }).waitFor();
    await page.locator('.lang-switch > summary').click();
    // The ten, each in its own script.
    const names = await page.locator('.lang-switch a').allTextContents();
    expect(names).toEqual([
      'English',
      'Español',
      '中文（简体）',
      'Tiếng Việt',
      '한국어',
      'Tagalog',
      'العربية',
      'Kreyòl ayisyen',
      'Português',
      'Français',
    ]);
    await page.getByRole('link', { name: '한국어' }).click();
    await page.getByRole('heading', { name: '활동 신고', level: 1 }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('ko');
    expect(await page.title()).toContain('보신 것을 신고하십시오');
    // Remembered: the next public page is Korean too, its description as well.
    await page.goto(`${e2e.server.baseUrl}/alerts`);
    await page.getByRole('heading', { name: '현재 유효한 경보', level: 1 }).waitFor();
    expect(await page.locator('meta[name="description"]').getAttribute('content')).toMatch(/이민/);
    // A staff page speaks English and Spanish: Korean chosen, it falls back to the phone's English.
    await page.goto(`${e2e.server.baseUrl}/signin`);
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await context.close();
  });

  it('switches in place with scripts, remembers the choice, and a staff page turns back to English', async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/report`);
    await page.getByRole('heading', { name: 'Report activity', level: 1 }).waitFor();
    await page.locator('.lang-switch > summary').click();
    await page.getByRole('link', { name: 'Tiếng Việt' }).click();
    await page.getByRole('heading', { name: 'Báo cáo sự việc', level: 1 }).waitFor();
    // The list closes once a language is picked.
    expect(await page.locator('.lang-switch').getAttribute('open')).toBeNull();
    await page.reload();
    await page.getByRole('heading', { name: 'Báo cáo sự việc', level: 1 }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('vi');
    // A link in another language is the new choice: the next page opened in the browser keeps it.
    await page.goto(`${e2e.server.baseUrl}/rights?lang=ar`);
    await page.getByRole('heading', { name: 'اعرف حقوقك', level: 1 }).waitFor();
    await page.locator('a.brand').click();
    await page.waitForURL(`${e2e.server.baseUrl}/`);
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate('[document.documentElement.lang, localStorage.getItem("faro.lang")]')).toEqual(
      ['ar', 'ar'],
    );
    await page.goto(`${e2e.server.baseUrl}/signin`);
    await page.waitForFunction("document.documentElement.lang === 'en'");
    await context.close();
  });
});
