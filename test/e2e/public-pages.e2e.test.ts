import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2e, expectAccessible, startE2e } from './harness.js';
import { nonTextContrastProblems } from './theme-contrast.js';

/**
 * Issue 14: the public pages on any phone — sent rendered by the server,
 * usable with scripts off, titled per page and state, focus where the
 * person's attention must go.
 */
let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(async () => e2e?.stop());

const phone = async (options: { javaScriptEnabled?: boolean; locale?: string } = {}) =>
  (
    await e2e.browser.newContext({
      locale: options.locale ?? 'es-MX',
      viewport: { width: 360, height: 640 },
      isMobile: true,
      hasTouch: true,
      javaScriptEnabled: options.javaScriptEnabled ?? true,
    })
  ).newPage();

/**
 * References by id that lead nowhere: a label's field, a description, an error summary's link.
 * The server's render and the browser's must name elements alike, or these break after an update.
 */
const brokenReferences = (page: Page) =>
  page.evaluate<string[]>(`(() => {
    const bad = [];
    for (const label of document.querySelectorAll('label[for]'))
      if (!document.getElementById(label.htmlFor)) bad.push('label for ' + label.htmlFor);
    for (const element of document.querySelectorAll('[aria-describedby]'))
      for (const id of element.getAttribute('aria-describedby').split(' '))
        if (!document.getElementById(id)) bad.push('described by ' + id);
    for (const link of document.querySelectorAll('.error-summary a[href^="#"]'))
      if (!document.getElementById(link.hash.slice(1))) bad.push('link to ' + link.hash);
    return bad;
  })()`);

/** What the status lookup says of a receipt code: the report exists only if it answers. */
const lookUp = async (code: string) => {
  const response = await fetch(`${e2e.server.baseUrl}/api/reports/receipt`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  return response.status;
};

describe('the report form with JavaScript turned off', () => {
  it('sends a report as a plain form and shows its receipt page', async () => {
    const page = await phone({ javaScriptEnabled: false });
    await page.goto(`${e2e.server.baseUrl}/report`);
    await page.getByRole('heading', { name: 'Reportar actividad' }).waitFor();
    expect(await page.title()).toBe('Reporte lo que ve · Faro');
    // The README's picture of the form: as a phone without scripts sees it, which is as every phone first sees it.
    if (process.env.FARO_SCREENSHOTS)
      await page.screenshot({ path: path.resolve('docs/images/report-es.png') });

    // Sent too early: the server answers with the form, what was typed still in it, and links to the fields.
    await page.getByLabel('Calles o punto de referencia (opcional)').fill('Calle 1 y Soto');
    await page.getByRole('button', { name: 'Enviar reporte' }).click();
    await page.locator('.error-summary').waitFor();
    expect(await page.title()).toBe('Revise el formulario · Reportar · Faro');
    expect(await page.getByLabel('Calles o punto de referencia (opcional)').inputValue()).toBe(
      'Calle 1 y Soto',
    );
    const firstLink = page.locator('.error-summary a').first();
    await firstLink.click();
    expect(page.url()).toMatch(/#.+-error$/);

    await page.getByLabel('Están deteniendo a personas').check();
    await page.getByLabel('Vecindario').selectOption({ label: 'Boyle Heights' });
    await page.getByLabel('Agentes', { exact: true }).fill('3');
    await page.getByLabel('Hace unos 15 minutos').check();
    await page.getByRole('button', { name: 'Enviar reporte' }).click();
    const receipt = (await page.getByTestId('receipt').textContent())?.trim() ?? '';
    expect(receipt).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(await page.title()).toBe('Reporte enviado · Faro');
    expect(await lookUp(receipt)).toBe(200);

    // The language switch is a link: it works without scripts, and the choice stays for the next page.
    await page.goto(`${e2e.server.baseUrl}/report`);
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Report activity' }).waitFor();
    await page.goto(`${e2e.server.baseUrl}/alerts`);
    await page.getByRole('heading', { name: 'Alerts in force' }).waitFor();
  });

  it('chooses the neighborhood of the alerts with a plain form', async () => {
    const page = await phone({ javaScriptEnabled: false, locale: 'en-US' });
    await page.goto(`${e2e.server.baseUrl}/alerts`);
    await page.getByRole('heading', { name: 'Alerts in force' }).waitFor();
    await page.getByLabel('Neighborhood').selectOption({ label: 'Boyle Heights' });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/\/alerts\?zone=/);
    expect(await page.getByLabel('Neighborhood').inputValue()).not.toBe('');
    await page.getByTestId('no-alerts').waitFor();
  });
});

describe('with JavaScript', () => {
  it('moves focus to the error summary, then to the receipt, and titles each state', async () => {
    const page = await phone({ locale: 'en-US' });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${e2e.server.baseUrl}/report`);
    // The page arrives rendered; the scripts take it over (the phone's position appears only then).
    await page.getByRole('button', { name: 'Use my location' }).waitFor();
    expect(await page.title()).toBe('Report what you see · Faro');
    // (axe needs scripts: the pages are checked here, with them.)
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.locator('.error-summary').waitFor();
    await expect
      .poll(() => page.evaluate<string>("document.activeElement?.className ?? ''"))
      .toContain('error-summary');
    expect(await page.title()).toBe('Check the form · Report · Faro');
    expect(await brokenReferences(page)).toEqual([]);

    await page.getByLabel('People being detained').check();
    await page.getByLabel('Neighborhood').selectOption({ label: 'Boyle Heights' });
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.getByTestId('receipt').waitFor();
    await expect
      .poll(() => page.evaluate<string>("document.activeElement?.getAttribute('data-testid') ?? ''"))
      .toBe('receipt-heading');
    expect(await page.title()).toBe('Report sent · Faro');
    await expectAccessible(page);
    // The server's page and the browser's first render were the same: no hydration error.
    expect(errors.filter((text) => /hydrat/i.test(text))).toEqual([]);
  });

  it('keeps a report made offline on the phone, through a reload, and sends it when the connection returns', async () => {
    const context = await e2e.browser.newContext({
      locale: 'en-US',
      viewport: { width: 360, height: 640 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/report`);
    await page.getByRole('button', { name: 'Use my location' }).waitFor();
    // The service worker has taken the page and kept what it runs on.
    await expect
      .poll(
        () =>
          page.evaluate<boolean>(
            "caches.open('faro-assets-v1').then((c) => c.keys()).then((k) => k.length > 0 && navigator.serviceWorker.controller !== null)",
          ),
        { timeout: 15_000 },
      )
      .toBe(true);

    await context.setOffline(true);
    await page.getByLabel('Raid at a home or workplace').check();
    await page.getByLabel('Neighborhood').selectOption({ label: 'Boyle Heights' });
    await page.getByLabel('Anything else? (optional)').fill('Offline report');
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.getByTestId('report-waiting').getByText('has NOT reached us yet').waitFor();
    expect(await page.locator('.error-summary').count()).toBe(0);

    // Still offline, the page is opened again: it comes from the phone, and the report still waits.
    await page.reload();
    await page.getByTestId('report-waiting').waitFor();

    await context.setOffline(false);
    const receipt = (await page.getByTestId('receipt').textContent({ timeout: 30_000 }))?.trim() ?? '';
    expect(receipt).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(await lookUp(receipt)).toBe(200);

    // The receipt stays on the phone until the person moves on.
    await page.reload();
    expect((await page.getByTestId('receipt').textContent())?.trim()).toBe(receipt);
    await page.getByRole('link', { name: 'Report something else' }).click();
    await page.getByRole('button', { name: 'Send report' }).waitFor();
    await context.close();
  });

  it('shows the alerts kept on the phone when offline, saying how old they are', async () => {
    const context = await e2e.browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/alerts`);
    await page.getByTestId('alerts-as-of').waitFor();
    await expect
      .poll(() => page.evaluate<boolean>('navigator.serviceWorker.controller !== null'), { timeout: 15_000 })
      .toBe(true);
    // Opened again while the service worker runs it: this copy is kept for offline.
    await page.reload();
    await page.getByTestId('alerts-as-of').waitFor();
    const asOf = (await page.getByTestId('alerts-as-of').textContent()) ?? '';
    expect(asOf).toMatch(/^As of \d{1,2}:\d{2}\s?[AP]M\./);

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Alerts in force' }).waitFor();
    const note = page.getByTestId('alerts-offline');
    await note.waitFor({ timeout: 20_000 });
    expect(await note.textContent()).toMatch(
      /^No connection\. These alerts were last updated [A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d{2}/,
    );
    expect(await page.locator('.error-summary').count()).toBe(0);
    await context.close();
  });

  it('lets the person take a waiting report off the phone, unsent, after a confirm', async () => {
    const context = await e2e.browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/report`);
    await page.getByRole('button', { name: 'Use my location' }).waitFor();
    await context.setOffline(true);
    await page.getByLabel('Raid at a home or workplace').check();
    await page.getByLabel('Neighborhood').selectOption({ label: 'Boyle Heights' });
    await page.getByLabel('Anything else? (optional)').fill('Words nobody should find');
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.getByTestId('report-waiting').waitFor();
    await page.getByRole('button', { name: 'Remove it from this phone without sending' }).click();
    // One tap only asks.
    expect(await page.evaluate<string | null>("localStorage.getItem('faro.outbox')")).toContain(
      'Words nobody',
    );
    await page.getByRole('button', { name: 'Yes, remove it' }).click();
    await page.getByTestId('report-waiting').waitFor({ state: 'detached' });
    expect(await page.evaluate<string | null>("localStorage.getItem('faro.outbox') ?? ''")).not.toContain(
      'Words',
    );
    await context.close();
  });

  it('answers a mistyped link with a page, not JSON', async () => {
    const page = await phone();
    const response = await page.goto(`${e2e.server.baseUrl}/reprot`);
    expect(response?.status()).toBe(404);
    await page.getByRole('heading', { name: 'No encontramos esa página' }).waitFor();
    expect(await page.title()).toBe('Página no encontrada · Faro');
  });
});

describe('every public page on a small phone', () => {
  it('never scrolls sideways at 320 px, and its controls and focus ring stand out 3:1 in light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await e2e.browser.newContext({
        locale: 'es-MX',
        viewport: { width: 320, height: 640 },
        isMobile: true,
        hasTouch: true,
        colorScheme,
      });
      const page = await context.newPage();
      for (const path of ['/', '/report', '/alerts', '/subscribe', '/status']) {
        await page.goto(`${e2e.server.baseUrl}${path}`);
        await page.locator('main h1').waitFor();
        expect(
          await page.evaluate<number>('document.documentElement.scrollWidth'),
          `${path} (${colorScheme})`,
        ).toBeLessThanOrEqual(320);
        expect(await page.locator('h1').count(), `${path}: one h1`).toBe(1);
        if (path !== '/') expect(await nonTextContrastProblems(page), `${path} (${colorScheme})`).toEqual([]);
      }
      await context.close();
    }
  });
});
