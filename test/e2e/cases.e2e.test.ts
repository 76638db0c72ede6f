import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, expectStatus } from '../support/client.js';
import { startTestFaro, type TestFaro } from '../support/faro.js';
import { type StaffSession, staffSession } from '../support/sessions.js';
import { launchChromium } from './browser.js';
import { expectAccessible } from './harness.js';

/**
 * Issue 16, cases for the legal team, on a phone in Spanish: a case opened from a family member's
 * call holds a name and a contact until consent is recorded; then the A-number and a hearing are
 * added, and a search by the A-number (written another way) finds the case.
 */
let t: TestFaro;
let browser: Browser;
let legal: StaffSession;

beforeAll(async () => {
  t = await startTestFaro({ listen: true, env: { WEB_DIST_DIR: path.resolve('dist/web') } });
  browser = await launchChromium();
  legal = await staffSession(t.faro.database, 'legal');
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('the cases page', () => {
  it('opens a case from a call, records consent, adds the A-number and a hearing, and finds it again (Spanish phone)', async () => {
    const context = await browser.newContext({ locale: 'es-US', viewport: { width: 360, height: 640 } });
    await context.addCookies([{ name: 'faro_session', value: legal.token, url: t.baseUrl }]);
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/cases?lang=es`);
    await page.getByRole('heading', { name: 'Casos', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Abrir un caso' }).click();
    const open = page.getByTestId('open-case');
    await open.getByLabel('Nombre').fill('Rosa Elena Quispe');
    await open.getByLabel(/^Contacto/).fill('+1 323 555 0100');
    await open.getByRole('button', { name: 'Abrir el caso' }).click();

    const detail = page.getByTestId('case-detail');
    await detail.getByRole('heading', { name: 'Rosa Elena Quispe' }).waitFor();
    await expect.poll(() => detail.getByTestId('case-consent').textContent()).toContain('No registrado');
    // Nothing beyond the name and the contact can be added before consent.
    expect(await detail.getByTestId('hearing-form').count()).toBe(0);
    await expectAccessible(page);

    const consent = detail.getByTestId('consent-form');
    await consent.getByLabel('Consentimiento dado por').fill('Su hermano, Luis');
    await consent.getByRole('button', { name: 'Registrar el consentimiento' }).click();
    await expect.poll(() => detail.getByTestId('case-consent').textContent()).toContain('Su hermano, Luis');

    const person = detail.getByTestId('person-form');
    await person.getByLabel(/^Número A/).fill('A 012-345-678');
    await person.getByRole('button', { name: 'Guardar' }).click();
    await detail.getByText('A012345678').waitFor();

    const hearing = detail.getByTestId('hearing-form');
    await hearing.getByLabel('Fecha y hora').fill('2031-03-04T09:30');
    await hearing.getByLabel('Tribunal').fill('Tribunal de Inmigración de Adelanto');
    await hearing.getByLabel('Tipo de audiencia').fill('Fianza');
    await hearing.getByRole('button', { name: 'Añadir' }).click();
    await detail
      .getByTestId('case-hearings')
      .getByText(/Tribunal de Inmigración de Adelanto/)
      .waitFor();

    await page.getByLabel('Número A', { exact: true }).first().fill('12345678');
    await page.getByRole('button', { name: 'Buscar', exact: true }).click();
    await page.getByTestId('case-list').getByText('Rosa Elena Quispe').waitFor();
    await expectAccessible(page);
    await context.close();

    // The case is there for the team, sealed and audited as the API says.
    const list = expectStatus(
      await client(t, legal).post('/api/cases/search', { aNumber: '012345678' }),
      200,
    ).body;
    expect(list.cases).toHaveLength(1);
  }, 90_000);

  it('moves a hearing, and makes, uses and revokes a calendar address (Spanish phone)', async () => {
    const api = client(t, legal);
    const id = expectStatus(
      await api.post('/api/cases', {
        source: 'call',
        person: { name: 'Teodoro Mamani' },
        consent: { givenBy: 'Su esposa', method: 'phone' },
      }),
      201,
    ).body.id as string;
    expectStatus(
      await api.post(`/api/cases/${id}/hearings`, {
        at: '2031-05-06T16:00:00.000Z',
        court: 'Tribunal de Otay Mesa',
        type: 'Audiencia maestra',
      }),
      200,
    );
    const context = await browser.newContext({ locale: 'es-US', viewport: { width: 360, height: 640 } });
    await context.addCookies([{ name: 'faro_session', value: legal.token, url: t.baseUrl }]);
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/cases?lang=es&case=${id}`);
    const detail = page.getByTestId('case-detail');
    await detail.getByRole('heading', { name: 'Teodoro Mamani' }).waitFor();
    await detail.getByText('Cambiar o reprogramar').click();
    const change = detail.getByTestId('hearing-change');
    await change.getByLabel('Fecha y hora').fill('2031-05-13T10:15');
    await change.getByRole('button', { name: 'Guardar' }).click();
    await expect
      .poll(async () => (await api.get(`/api/cases/${id}`)).body.hearings[0].at)
      .toBe(new Date('2031-05-13T10:15').toISOString());

    const calendar = page.getByTestId('case-calendar');
    await calendar.getByText(/no llevan nombres ni números A/).waitFor();
    await calendar.getByRole('button', { name: 'Crear mi dirección de calendario' }).click();
    const address = await calendar.getByTestId('calendar-url').inputValue();
    expect(address).toMatch(/\/api\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    await expectAccessible(page);
    const feed = await fetch(`${t.baseUrl}${new URL(address).pathname}`);
    expect(feed.status).toBe(200);
    const body = await feed.text();
    expect(body).toContain('Tribunal de Otay Mesa');
    expect(body).not.toContain('Mamani');
    page.on('dialog', (dialog) => void dialog.accept());
    await calendar.getByRole('button', { name: 'Revocar la dirección' }).click();
    await calendar.getByText('No tiene dirección de calendario.').waitFor();
    expect((await fetch(`${t.baseUrl}${new URL(address).pathname}`)).status).toBe(404);
    await context.close();
  }, 90_000);
});
