import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, expectStatus } from '../support/client.js';
import { startTestFaro, type TestFaro } from '../support/faro.js';
import { type StaffSession, staffSession } from '../support/sessions.js';
import { launchChromium } from './browser.js';
import { expectAccessible } from './harness.js';

/**
 * Issue 16, family status without an account: the legal team gives a family contact a case code
 * and a PIN on the case page (shown once); the family, on a cheap phone in Spanish, reads only the
 * stage and whom to call — with scripts, and without.
 */
let t: TestFaro;
let browser: Browser;
let legal: StaffSession;
let caseId: string;

beforeAll(async () => {
  t = await startTestFaro({ listen: true, env: { WEB_DIST_DIR: path.resolve('dist/web') } });
  browser = await launchChromium();
  legal = await staffSession(t.faro.database, 'legal');
  const api = client(t, legal);
  caseId = expectStatus(
    await api.post('/api/cases', {
      source: 'call',
      person: { name: 'Rosa Elena Quispe' },
      consent: { givenBy: 'Su hermana', method: 'phone' },
    }),
    201,
  ).body.id as string;
  expectStatus(await api.post(`/api/cases/${caseId}/custody`, { status: 'detained' }), 200);
  expectStatus(
    await api.post(`/api/cases/${caseId}/contacts`, { name: 'Ana Quispe', language: 'Español' }),
    200,
  );
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const phone = (javaScriptEnabled: boolean) =>
  browser
    .newContext({ locale: 'es-MX', viewport: { width: 360, height: 640 }, isMobile: true, javaScriptEnabled })
    .then((context) => context.newPage());

describe('family status', () => {
  it('gives a code on the case page, and the family reads the stage on /family, with scripts and without', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 640 } });
    await context.addCookies([{ name: 'faro_session', value: legal.token, url: t.baseUrl }]);
    const team = await context.newPage();
    await team.goto(`${t.baseUrl}/cases?case=${caseId}&lang=en`);
    await team.getByTestId('case-detail').getByRole('heading', { name: 'Rosa Elena Quispe' }).waitFor();
    const panel = team.getByTestId('family-access');
    await panel.getByRole('button', { name: 'Give a code' }).click();
    const issued = team.getByTestId('family-issued');
    await issued.waitFor();
    const [code, pin] = await issued.locator('dd').allTextContents();
    expect(code).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
    expect(pin).toMatch(/^\d{6}$/);
    await expectAccessible(team);

    for (const scripts of [true, false]) {
      const page = await phone(scripts);
      await page.goto(`${t.baseUrl}/family`);
      await page.getByRole('heading', { name: 'Seguir el caso de un familiar', level: 1 }).waitFor();
      await page.getByLabel('Código del caso').fill(code ?? '');
      await page.getByLabel('PIN').fill(pin ?? '');
      await page.getByRole('button', { name: 'Ver el caso' }).click();
      await page.getByTestId('family-status').waitFor();
      const text = await page.getByTestId('family-status').textContent();
      expect(text).toContain('está bajo custodia');
      expect(text).not.toContain('Rosa');
      // Neither the code nor the PIN in the address, with scripts or without.
      expect(page.url()).toBe(`${t.baseUrl}/family`);
      // The accessibility check runs in the page: with scripts on (the same page the server sent).
      if (scripts) await expectAccessible(page);
      await page.context().close();
    }
  });

  it('keeps a code and PIN typed before the page’s scripts arrived (a slow phone): sent as typed, not empty', async () => {
    const api = client(t, legal);
    const detail = expectStatus(await api.get(`/api/cases/${caseId}`), 200).body;
    const issued = expectStatus(
      await api.post(`/api/cases/${caseId}/family-access`, { contactId: detail.contacts[0].id, text: false }),
      201,
    ).body as { code: string; pin: string };
    const page = await phone(true);
    // The scripts arrive seconds after the page, as on a slow network; she types meanwhile.
    let slow = true;
    await page.route('**/assets/**/*.js', async (route) => {
      if (slow) await new Promise((resolve) => setTimeout(resolve, 3000));
      await route.continue();
    });
    await page.goto(`${t.baseUrl}/family`, { waitUntil: 'commit' });
    await page.getByLabel('Código del caso').fill(issued.code);
    await page.getByLabel('PIN').fill(issued.pin);
    slow = false;
    // The scripts have taken over by the time she taps.
    await page.waitForTimeout(4500);
    await page.getByRole('button', { name: 'Ver el caso' }).click();
    await page.getByTestId('family-status').waitFor();
    expect(await page.getByTestId('family-status').textContent()).toContain('está bajo custodia');
    await page.context().close();
  });
});
