import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from './accounts.js';
import { type E2e, expectAccessible, startE2e } from './harness.js';

/**
 * The built app (`npm run build`) served by the real CLI on a fresh embedded
 * database with demo data, driven in Chromium as a reporter and a dispatcher.
 */
let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(async () => e2e?.stop());

describe('a report in Spanish reaches the live board', () => {
  it('appears on /dispatch as an incident within a second, without reload', async () => {
    const board = await (
      await e2e.browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } })
    ).newPage();
    // The board is for signed-in dispatchers: an anonymous visitor is sent to sign in, and comes back after.
    await board.goto(`${e2e.server.baseUrl}/dispatch`);
    await board.waitForURL(/\/signin\?next=%2Fdispatch/);
    await expectAccessible(board);
    await signIn(board, e2e.account('dispatcher'));
    await board.waitForURL(/\/dispatch$/);
    await board.getByTestId('connection').getByText('Live').waitFor({ timeout: 10_000 });
    await expectAccessible(board);
    let reloads = 0;
    board.on('framenavigated', () => reloads++);

    const phone = await (
      await e2e.browser.newContext({
        locale: 'es-MX',
        viewport: { width: 360, height: 740 },
        isMobile: true,
        hasTouch: true,
      })
    ).newPage();
    await phone.goto(`${e2e.server.baseUrl}/report?lang=es`);
    await phone.getByRole('heading', { name: 'Reportar actividad' }).waitFor();
    expect(await phone.evaluate('document.documentElement.lang')).toBe('es');
    // One column on a 360-px phone: nothing scrolls sideways.
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await expectAccessible(phone);

    // Sending too early names what is missing, in Spanish, and loses nothing typed.
    await phone.getByLabel('Calles o punto de referencia (opcional)').fill('Calle 1 y Soto');
    await phone.getByRole('button', { name: 'Enviar reporte' }).click();
    await phone.getByText('Elija qué está pasando.').first().waitFor();
    await phone.getByText('Elija un vecindario o comparta su ubicación.').first().waitFor();
    expect(await phone.getByLabel('Calles o punto de referencia (opcional)').inputValue()).toBe(
      'Calle 1 y Soto',
    );

    await phone.getByLabel('Están deteniendo a personas').check();
    await phone.getByLabel('Vecindario').selectOption({ label: 'Boyle Heights' });
    await phone.getByLabel('Agentes', { exact: true }).fill('6');
    await phone.getByLabel('ICE').check();
    await phone.getByLabel('Carros sin marcas').check();
    await phone.getByLabel('¿Algo más? (opcional)').fill('Dos camionetas grises frente al mercado');
    // A photo goes ahead of the report; the form says when it is ready.
    const picture = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#777' } })
      .jpeg()
      .toBuffer();
    await phone
      .locator('input[type=file]')
      .setInputFiles({ name: 'camionetas.jpg', mimeType: 'image/jpeg', buffer: picture });
    await phone.getByText('camionetas.jpg — lista').waitFor({ timeout: 10_000 });
    await phone.getByRole('button', { name: 'Enviar reporte' }).click();

    const receipt = (await phone.getByTestId('receipt').textContent({ timeout: 10_000 }))?.trim() ?? '';
    const acknowledgedAt = Date.now();
    expect(receipt).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    await phone.getByRole('heading', { name: 'Reporte recibido' }).waitFor();

    // The report opens an incident in Boyle Heights on the board, live.
    const incident = board.getByTestId('incident-row').filter({ hasText: 'Boyle Heights' });
    await incident.waitFor({ timeout: 1_000 });
    const shownAfterMs = Date.now() - acknowledgedAt;
    expect(shownAfterMs).toBeLessThan(1_000);
    expect(reloads).toBe(0);
    expect(await incident.textContent()).toContain('People being detained');
    await incident.click();
    const row = board.getByTestId('report-row').filter({ hasText: receipt });
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('People being detained');
    expect(text).toContain('Boyle Heights');
    expect(text).toContain('6 agents');
    expect(text).toContain('Dos camionetas grises frente al mercado');
    const thumbnail = row.getByRole('img', { name: /^Photo 1 of report/ });
    await expect
      .poll(() => thumbnail.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(640);
    await expectAccessible(board);

    // The receipt link shows the status in the reporter's language.
    await phone.getByRole('link', { name: 'Consultar este reporte' }).click();
    await phone
      .getByTestId('status')
      .getByText('Recibido — esperando que un voluntario lo verifique')
      .waitFor();
    await expectAccessible(phone);
  });

  it('switches language in place and remembers it', async () => {
    const page = await (
      await e2e.browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 740 } })
    ).newPage();
    await page.goto(`${e2e.server.baseUrl}/report`);
    await page.getByRole('heading', { name: 'Report activity' }).waitFor();
    await expectAccessible(page);
    await page.locator('.lang-switch > summary').click();
    await page.getByRole('link', { name: 'Español' }).click();
    await page.getByRole('heading', { name: 'Reportar actividad' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Reportar actividad' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('es');
  });

  it('offers alerts only by the channels this server can send on, in Spanish', async () => {
    const page = await (
      await e2e.browser.newContext({ locale: 'es-MX', viewport: { width: 360, height: 740 } })
    ).newPage();
    await page.goto(`${e2e.server.baseUrl}/?lang=es`);
    await page.getByRole('link', { name: 'Recibir alertas de mi vecindario' }).click();
    await page.getByRole('heading', { name: 'Recibir alertas' }).waitFor();
    await expectAccessible(page);
    // This test server has no SMTP server or SMS provider: e-mail and texts are not offered
    // (they used to be, e-mail first, and the person learned it only after filling the form).
    expect(await page.getByLabel('Por correo').count()).toBe(0);
    expect(await page.getByLabel('Por mensaje de texto (SMS)').count()).toBe(0);
    expect(await page.getByLabel('Notificaciones en este dispositivo').isChecked()).toBe(true);
    expect(await page.getByLabel('Correo electrónico').count()).toBe(0);
  });

  it('sends what was typed before the page’s scripts arrived (a slow phone), not an empty form', async () => {
    const phone = await (
      await e2e.browser.newContext({ locale: 'es-MX', viewport: { width: 360, height: 740 }, isMobile: true })
    ).newPage();
    // The scripts arrive seconds after the page, as on a slow network; the reporter types meanwhile.
    let slow = true;
    await phone.route('**/assets/**/*.js', async (route) => {
      if (slow) await new Promise((resolve) => setTimeout(resolve, 3000));
      await route.continue();
    });
    await phone.goto(`${e2e.server.baseUrl}/report?lang=es`, { waitUntil: 'commit' });
    await phone.getByLabel('Están deteniendo a personas').check();
    await phone.getByLabel('Vecindario').selectOption({ label: 'Boyle Heights' });
    await phone.getByLabel('¿Algo más? (opcional)').fill('Escrito antes de que cargara la página');
    slow = false;
    // The scripts have taken over (and solved the security check) by the time the reporter taps.
    await phone.waitForTimeout(6000);
    await phone.getByRole('button', { name: 'Enviar reporte' }).click();
    const receipt = (await phone.getByTestId('receipt').textContent({ timeout: 15_000 }))?.trim() ?? '';
    expect(receipt).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    await phone.context().close();
  });
});
