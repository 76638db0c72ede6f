import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powHeader } from '../support/pow.js';
import { signIn } from './accounts.js';
import { type E2e, expectAccessible, startE2e } from './harness.js';

/**
 * A hotline operator takes a call while a dispatcher watches the incident
 * board: the call joins the incident already open for that neighborhood, live,
 * and the dispatcher splits it out into an incident of its own.
 */
let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(async () => e2e?.stop());

async function signedIn(role: string, path: string): Promise<Page> {
  const page = await (
    await e2e.browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } })
  ).newPage();
  await page.goto(`${e2e.server.baseUrl}${path}`);
  await page.waitForURL(/\/signin/);
  await signIn(page, e2e.account(role));
  await page.waitForURL(new RegExp(`${path}$`));
  return page;
}

/** The next sending to `path` reaches Faro and is stored, but its answer is lost on the way back: what Faro answered. */
async function loseNextAnswer(page: Page, path: string): Promise<{ receipt?: string }> {
  const answered: { receipt?: string } = {};
  await page.route(
    path,
    async (route) => {
      Object.assign(answered, await (await route.fetch()).json());
      await route.abort('internetdisconnected');
    },
    { times: 1 },
  );
  return answered;
}

describe('hotline call into the live incident board', () => {
  it('joins the open incident live, and the dispatcher splits it out', async () => {
    // A neighbor already reported a checkpoint in Koreatown through the public form's API.
    const zones = (await (await fetch(`${e2e.server.baseUrl}/api/zones`)).json()) as {
      zones: { id: string; name: string }[];
    };
    const koreatown = zones.zones.find((z) => z.name === 'Koreatown');
    const first = await fetch(`${e2e.server.baseUrl}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await powHeader(e2e.server.baseUrl)) },
      body: JSON.stringify({
        language: 'en',
        activity: 'checkpoint',
        location: { zoneId: koreatown?.id, place: 'Olympic and Vermont' },
        observedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
        firsthand: true,
      }),
    });
    expect(first.status).toBe(201);

    const board = await signedIn('dispatcher', '/dispatch');
    await board.getByTestId('connection').getByText('Live').waitFor({ timeout: 10_000 });
    await board.getByTestId('incident-row').filter({ hasText: 'Koreatown' }).waitFor();
    const incidentId = await board
      .getByTestId('incident-row')
      .filter({ hasText: 'Koreatown' })
      .getAttribute('data-incident-id');
    const incident = board.locator(`[data-incident-id="${incidentId}"]`);
    expect(await incident.getByTestId('report-count').textContent()).toBe('1 report');
    await incident.click();
    await board.getByTestId('incident-detail').getByText('Olympic and Vermont').waitFor();
    // The map draws the zones and the incident from Faro's own data: no tile server.
    await board.locator('[data-testid="incident-map"][data-ready="true"]').waitFor({ timeout: 15_000 });
    await expectAccessible(board);

    // The operator types the call with the keyboard only, in SALUTE order.
    const operator = await signedIn('operator', '/hotline');
    await operator.getByRole('heading', { name: 'Hotline call' }).waitFor();
    await expectAccessible(operator);
    // Sent before anything is typed: the summary of what to fix takes the focus and is on screen,
    // each line a link to its field (it sat 650 px above the button, and nothing moved).
    await operator.keyboard.press('Control+Enter');
    await expect
      .poll(() => operator.evaluate<string>("document.activeElement?.getAttribute('data-testid') ?? ''"))
      .toBe('hotline-errors');
    const summary = await operator.getByTestId('hotline-errors').boundingBox();
    expect(summary && summary.y >= 0 && summary.y < (operator.viewportSize()?.height ?? 0)).toBe(true);
    await operator
      .getByTestId('hotline-errors')
      .getByRole('link', { name: 'Pick a neighborhood from the list.' })
      .waitFor();
    await operator.locator('input[name=agents]').focus();
    await operator.keyboard.type('5'); // agents
    await operator.keyboard.press('Tab');
    await operator.keyboard.type('2'); // vehicles
    await operator.keyboard.press('Tab');
    await operator.getByLabel('A · What is happening?').selectOption('checkpoint');
    await operator.keyboard.press('Tab');
    await operator.keyboard.type('Koreatown');
    await operator.keyboard.press('Tab');
    await operator.keyboard.type('Vermont near Wilshire');
    await operator.getByLabel('Notes from the call').fill('Caller is in the bakery across the street');
    await operator.getByLabel('Callback number (optional)').fill('(213) 555-0199');
    await operator.getByLabel('Callback number (optional)').press('Control+Enter');
    const receipt = (await operator.getByTestId('receipt').textContent({ timeout: 10_000 }))?.trim() ?? '';
    expect(receipt).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    // One key to the next call, with the form empty and the first field focused.
    // (The page moves the focus to "next call" as it shows the receipt; a busy machine may take a moment.)
    await expect
      .poll(() =>
        operator.evaluate<boolean>("document.activeElement?.classList.contains('primary') ?? false"),
      )
      .toBe(true);
    await operator.keyboard.press('Enter');
    await operator.getByRole('heading', { name: 'Hotline call' }).waitFor();
    expect(await operator.evaluate<string>('document.activeElement.value')).toBe('');

    // On the board, without reload: the incident now has two reports, and the new one is listed.
    await incident.getByTestId('report-count').getByText('2 reports').waitFor({ timeout: 2_000 });
    const detail = board.getByTestId('incident-detail');
    const call = detail.getByTestId('report-row').filter({ hasText: receipt });
    await call.waitFor({ timeout: 2_000 });
    expect(await call.textContent()).toContain('Hotline');

    // The dispatcher decides it is a different operation and splits it out.
    await call.getByRole('checkbox').check();
    await detail.getByRole('button', { name: 'Split 1 selected into a new incident' }).click();
    await incident.getByTestId('report-count').getByText('1 report').waitFor({ timeout: 2_000 });
    await expect
      .poll(() => board.getByTestId('incident-row').filter({ hasText: 'Koreatown' }).count())
      .toBe(2);
    await detail
      .getByTestId('timeline')
      .getByText(/split reports out into incident #\d+/)
      .waitFor();
    await expectAccessible(board);

    // Second thoughts: the call goes back, moved from the new incident into the first.
    const number = (await incident.locator('.mono').textContent())?.trim() ?? '';
    await board
      .getByTestId('incident-row')
      .filter({ hasText: 'Koreatown' })
      .filter({ hasNotText: number })
      .click();
    await detail.getByTestId('report-row').filter({ hasText: receipt }).getByRole('checkbox').check();
    await detail
      .getByLabel('Move the selected report to another incident')
      .selectOption({ label: `${number} · Checkpoint or roadblock · Koreatown` });
    await detail.getByRole('button', { name: 'Move', exact: true }).click();
    await incident.getByTestId('report-count').getByText('2 reports').waitFor({ timeout: 2_000 });
    await expect
      .poll(() => board.getByTestId('incident-row').filter({ hasText: 'Koreatown' }).count())
      .toBe(1);
  });

  it('takes a responder’s report from the field with the phone’s position, on a small screen', async () => {
    const context = await e2e.browser.newContext({
      locale: 'es-MX',
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
      geolocation: { latitude: 34.0472, longitude: -118.2195 },
      permissions: ['geolocation'],
    });
    const phone = await context.newPage();
    await phone.goto(`${e2e.server.baseUrl}/field`);
    await phone.waitForURL(/\/signin/);
    await signIn(phone, e2e.account('responder'), false);
    await phone.waitForURL(/\/field$/);
    await phone.getByRole('heading', { name: 'Reporte desde el lugar' }).waitFor();
    await expectAccessible(phone);
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await phone.getByLabel('Redada en una casa o lugar de trabajo').check();
    await phone.getByRole('button', { name: 'Usar mi ubicación' }).click();
    await phone.getByText('Ubicación compartida').first().waitFor();
    // The first sending reaches Faro and is stored, but its answer is lost on the way back (a
    // parking lot's signal): the form says so, and Send again is the same report, not a second.
    const stored = await loseNextAnswer(phone, '**/api/intake/field');
    await phone.getByRole('button', { name: 'Enviar reporte' }).click();
    await phone.getByText('Sin conexión. No se perdió nada: el formulario sigue lleno.').waitFor();
    expect(stored.receipt).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    await phone.getByRole('button', { name: 'Enviar reporte' }).click();
    const receipt = (await phone.getByTestId('receipt').textContent({ timeout: 10_000 }))?.trim() ?? '';
    expect(receipt).toBe(stored.receipt);
    // Said so: the same report. Were it another one told the same way, one tap stores it as new.
    expect(await phone.getByTestId('stored-before').textContent()).toContain(
      'Este reporte ya estaba guardado',
    );
    await expectAccessible(phone);
    // Stored as new — and that answer lost too: sent again, it is found as the new report, and the
    // form does not offer to store it a third time.
    const storedAsNew = await loseNextAnswer(phone, '**/api/intake/field');
    await phone.getByRole('button', { name: 'Es otro reporte: guardarlo como nuevo' }).click();
    await phone.getByText('Sin conexión. No se perdió nada: el formulario sigue lleno.').waitFor();
    expect(storedAsNew.receipt).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(storedAsNew.receipt).not.toBe(receipt);
    await phone.getByRole('button', { name: 'Enviar reporte' }).click();
    await expect
      .poll(async () => (await phone.getByTestId('receipt').textContent())?.trim())
      .toBe(storedAsNew.receipt);
    await phone.getByTestId('stored-before').waitFor();
    expect(await phone.getByRole('button', { name: 'Es otro reporte: guardarlo como nuevo' }).count()).toBe(
      0,
    );
    await phone.getByRole('heading', { name: 'Reporte enviado' }).waitFor();
    await context.close();
  });
});
