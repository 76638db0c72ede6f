import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer } from '../support/smtp.js';
import { signIn } from './accounts.js';
import { type E2e, expectAccessible, startE2e } from './harness.js';
import { nonTextContrastProblems } from './theme-contrast.js';

/**
 * Issue 14: the public pages on any phone — sent rendered by the server,
 * usable with scripts off, titled per page and state, focus where the
 * person's attention must go.
 */
let e2e: E2e;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  // A real SMTP server: e-mail alerts are offered only where they can be sent.
  smtp = await startSmtpServer();
  e2e = await startE2e({ SMTP_URL: smtp.url, JOB_POLL_SECONDS: '0.5' });
});
afterAll(async () => {
  await e2e?.stop();
  await smtp?.close();
});

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

    // The language switch opens and is a link: it works without scripts, and the choice stays for the next page.
    await page.goto(`${e2e.server.baseUrl}/report`);
    await page.locator('.lang-switch > summary').click();
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Report activity' }).waitFor();
    await page.goto(`${e2e.server.baseUrl}/alerts`);
    await page.getByRole('heading', { name: 'Alerts in force' }).waitFor();
  });

  it('subscribes by e-mail as a plain form, after fixing what was missing, and sends the confirmation', async () => {
    const page = await phone({ javaScriptEnabled: false });
    await page.goto(`${e2e.server.baseUrl}/subscribe`);
    await page.getByRole('heading', { name: 'Recibir alertas' }).waitFor();
    // Notifications need scripts: the page says so, and offers e-mail instead.
    // (Inside <noscript>, which only a browser without scripts shows; Playwright's text search skips it.)
    const noScripts = page.locator('noscript p');
    expect(await noScripts.textContent()).toContain(
      'Las notificaciones en este dispositivo necesitan JavaScript',
    );
    expect(await noScripts.isVisible()).toBe(true);
    await page.getByLabel('Correo electrónico').fill('vecina@example.org');
    await page.getByRole('button', { name: 'Envíenme una confirmación' }).click();
    // No neighborhood chosen: the form comes back with the address still in it, and a summary to the field.
    await page.locator('.error-summary').waitFor();
    expect(await page.title()).toBe('Revise el formulario · Recibir alertas · Faro');
    expect(await page.getByLabel('Correo electrónico').inputValue()).toBe('vecina@example.org');
    expect(await brokenReferences(page)).toEqual([]);
    await page.locator('.error-summary a').first().click();
    expect(page.url()).toMatch(/#.+-zones-error$/);

    await page.getByLabel('El Sereno').check();
    await page.getByRole('button', { name: 'Envíenme una confirmación' }).click();
    await page.getByRole('heading', { name: 'Revise su correo' }).waitFor();
    await page.getByText('Le enviamos un enlace para confirmar').waitFor();
    expect(await page.title()).toBe('Revise su correo · Faro');
    // Double opt-in, as from the scripted form: the link is on its way, in Spanish.
    await expect
      .poll(() => smtp.received.some((mail) => mail.to.includes('vecina@example.org')), { timeout: 15_000 })
      .toBe(true);
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

/** Headings out of order: not one h1 first, or a level skipped on the way down ("h2 → h4"). */
const headingProblems = (page: Page) =>
  page.evaluate<string[]>(`(() => {
    const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => Number(h.tagName[1]));
    const bad = [];
    if (levels.filter((level) => level === 1).length !== 1) bad.push('h1 count ' + levels.filter((l) => l === 1).length);
    if (levels[0] !== 1) bad.push('starts with h' + levels[0]);
    levels.forEach((level, i) => {
      if (i > 0 && level > levels[i - 1] + 1) bad.push('h' + levels[i - 1] + ' then h' + level);
    });
    return bad;
  })()`);

/** The admin page's sections, by their address, each with what shows once its data has arrived. */
const ADMIN_SECTIONS: Record<string, string> = {
  people: '[data-testid="person-row"]',
  invitations: '.admin-section form',
  organizations: '.admin-section fieldset',
  zones: '.zones-admin li',
  grouping: '.admin-section table',
  publishing: '.admin-section textarea',
  audit: '[data-testid="audit"] tbody tr',
  retention: '[data-testid="retention"]',
};

/** A staff page with what it shows once its data has arrived. */
async function openStaffPage(page: Page, path: string) {
  await page.goto(`${e2e.server.baseUrl}${path}`);
  const section = new URLSearchParams(path.split('?')[1] ?? '').get('section');
  const ready = section
    ? page.locator(ADMIN_SECTIONS[section] ?? 'main h2').first()
    : path === '/responder'
      ? page.getByRole('button', { name: /^Go (on|off) shift$/ })
      : path === '/account'
        ? page.getByText('— this browser')
        : page.locator('main form button[type=submit]').first();
  await ready.waitFor();
}

describe('every staff page on a small phone', () => {
  /** A phone at 320 px, signed in as a demo role on `first`. */
  const signedInPhone = async (role: string, first: string) => {
    const context = await e2e.browser.newContext({
      locale: 'en-US',
      viewport: { width: 320, height: 640 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}${first}`);
    await page.waitForURL(/\/signin/);
    await signIn(page, e2e.account(role));
    await page.waitForURL((url) => url.pathname === first.split('?')[0]);
    return { page, context };
  };
  const scrollWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

  it('reflows the admin page and the account page at 320 px: no sideways scroll, one h1, headings in order', async () => {
    const { page, context } = await signedInPhone('coalition_admin', '/admin');
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    for (const section of Object.keys(ADMIN_SECTIONS)) {
      await openStaffPage(page, `/admin?section=${section}`);
      expect(await scrollWidth(page), section).toBeLessThanOrEqual(320);
      expect(await headingProblems(page), section).toEqual([]);
    }
    await openStaffPage(page, '/account');
    expect(await scrollWidth(page), '/account').toBeLessThanOrEqual(320);
    expect(await headingProblems(page), '/account').toEqual([]);
    await context.close();
  });

  it('lets an admin move between sections with the keyboard, link one, and go Back', async () => {
    const context = await e2e.browser.newContext({ locale: 'es-MX', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/admin?section=zones&lang=es`);
    await page.waitForURL(/\/signin/);
    await signIn(page, e2e.account('coalition_admin'), false);
    // The linked section opens after signing in.
    await page.waitForURL(/\/admin\?section=zones/);
    const nav = page.getByRole('navigation', { name: 'Secciones de administración' });
    await expect.poll(() => nav.locator('[aria-current="page"]').textContent()).toBe('Zonas');
    await expect.poll(() => page.title()).toBe('Zonas · Administración · Faro');
    expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['Zonas']);
    // Only the chosen section is shown.
    expect(await page.getByRole('heading', { name: 'Registro de auditoría' }).count()).toBe(0);

    await nav.getByRole('link', { name: 'Registro de auditoría' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/section=audit/);
    await page.getByTestId('audit').waitFor();
    await expect.poll(() => nav.locator('[aria-current="page"]').textContent()).toBe('Registro de auditoría');
    // The title follows the section once the page has rendered it; read it until it does.
    await expect.poll(() => page.title()).toBe('Registro de auditoría · Administración · Faro');
    // The reader is taken to the section's heading.
    await expect.poll(() => page.evaluate<string>('document.activeElement?.tagName ?? ""')).toBe('H2');
    await expectAccessible(page);

    await page.goBack();
    await page.waitForURL(/section=zones/);
    await expect.poll(() => nav.locator('[aria-current="page"]').textContent()).toBe('Zonas');
    await context.close();
  });

  it('draws the edges of controls and the focus ring 3:1 on the responder, field, account and admin pages, light and dark', async () => {
    const check = async (page: Page, label: string) => {
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        expect(await nonTextContrastProblems(page), `${label} (${colorScheme})`).toEqual([]);
      }
    };
    const responder = await signedInPhone('responder', '/responder');
    for (const path of ['/responder', '/field', '/account']) {
      await openStaffPage(responder.page, path);
      // The responder's profile (languages, skills, zones, numbers) is part of the page too.
      if (path === '/responder') await responder.page.getByText('My profile').click();
      await check(responder.page, path);
    }
    // On shift, the page offers other controls.
    await openStaffPage(responder.page, '/responder');
    await responder.page.getByRole('button', { name: 'Go on shift' }).click();
    await responder.page.getByRole('button', { name: 'Go off shift' }).waitFor();
    await check(responder.page, '/responder on shift');
    await responder.context.close();

    const admin = await signedInPhone('coalition_admin', '/admin');
    for (const section of Object.keys(ADMIN_SECTIONS)) {
      await openStaffPage(admin.page, `/admin?section=${section}`);
      await check(admin.page, `/admin?section=${section}`);
    }
    await admin.context.close();
  });
});
