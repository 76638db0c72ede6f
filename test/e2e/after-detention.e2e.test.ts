import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFaro, type TestFaro } from '../support/faro.js';
import { type StaffSession, staffSession } from '../support/sessions.js';
import { smsProviderEnv, startSmsProvider, textFaro } from '../support/sms-provider.js';
import { launchChromium } from './browser.js';
import { expectAccessible } from './harness.js';

/**
 * Issue 16, the whole way on phones in Spanish: a member writes an emergency plan with three
 * contacts and consent, tests it, and — detained, their phone taken — the plan is activated by a
 * text from another number. Each contact's text arrives in their language; the legal team the
 * member chose finds the new case, adds a hearing and gives the family contact status access;
 * the family contact checks the status with the code and PIN — on the web and by text — and sees
 * the hearing's date and nothing else.
 */
let t: TestFaro;
let browser: Browser;
let provider: Awaited<ReturnType<typeof startSmsProvider>>;
let legal: StaffSession;
const account = 'AC00000000000000000000000000000f16';

beforeAll(async () => {
  provider = await startSmsProvider();
  t = await startTestFaro({
    listen: true,
    env: {
      WEB_DIST_DIR: path.resolve('dist/web'),
      JOB_POLL_SECONDS: '0.5',
      ...smsProviderEnv(provider.url, account),
    },
  });
  browser = await launchChromium();
  legal = await staffSession(t.faro.database, 'legal');
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await provider?.close();
});

const sentTo = (to: string) =>
  provider.sent.filter((m) => m.fields.To === to).map((m) => m.fields.Body ?? '');
const until = async (check: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('after a detention', () => {
  it('a plan activated by a text from another phone reaches the family and opens the case the family can follow', async () => {
    const phone = { width: 360, height: 640 };
    // The member writes the plan on their own phone.
    const memberPage = await (
      await browser.newContext({ locale: 'es-MX', viewport: phone, isMobile: true })
    ).newPage();
    await memberPage.goto(`${t.baseUrl}/plan?lang=es`);
    await memberPage.getByRole('button', { name: 'Escribir un plan' }).click();
    const contacts = [
      { phone: '+12135558101', name: 'Abuela Carmen', language: 'es' },
      { phone: '+12135558102', name: 'Ms. Jones (school)', language: 'en' },
      { phone: '+12135558103', name: 'Tío Beto', language: 'es' },
    ];
    for (let i = 1; i < contacts.length; i++)
      await memberPage.getByRole('button', { name: 'Añadir un contacto' }).click();
    for (const [i, contact] of contacts.entries()) {
      const fieldset = memberPage.locator('fieldset.plan-contact').nth(i);
      await fieldset.getByLabel('Su nombre (opcional)').fill(contact.name);
      await fieldset.getByLabel('Número de teléfono').fill(contact.phone);
      await fieldset.getByLabel('Su idioma').selectOption(contact.language);
    }
    const member = '+12135558100';
    await memberPage.getByLabel('Tu propio número (opcional)').fill(member);
    await memberPage.getByLabel('Si se activa este plan').check();
    await memberPage.getByLabel('Tu nombre completo').fill('Rosa Elena Quintero');
    await memberPage.getByLabel('Tu número A (opcional)').fill('A 098-765-432');
    await memberPage.getByLabel('País de nacimiento (opcional)').fill('Guatemala');
    await memberPage.getByLabel('Elige un PIN').fill('615243');
    await memberPage.getByRole('button', { name: 'Guardar el plan' }).click();
    const code = (await memberPage.locator('[data-testid="plan-code"] .receipt').textContent()) ?? '';
    expect(code).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
    await memberPage.getByRole('button', { name: 'Ya lo anoté' }).click();

    // A test first: only the member's own number is texted.
    await memberPage.getByLabel('Código del plan').fill(code);
    await memberPage.getByLabel('PIN').fill('615243');
    await memberPage.getByRole('button', { name: 'Abrir', exact: true }).click();
    await memberPage.getByRole('button', { name: 'Prueba: enviar solo a mí' }).click();
    await memberPage.getByTestId('plan-activated').waitFor({ timeout: 20_000 });
    await until(() => sentTo(member).length === 3);
    for (const contact of contacts) expect(sentTo(contact.phone)).toEqual([]);

    // Detained, phone taken: a cousin texts PLAN with the code and PIN from her own phone.
    const cousin = '+13235558199';
    expect(
      (
        await textFaro(
          t.baseUrl,
          smsProviderEnv(t.baseUrl, account),
          cousin,
          `activar ${code.toLowerCase()} 615243`,
        )
      ).status,
    ).toBe(200);
    await until(() => contacts.every((contact) => sentTo(contact.phone).length > 0));
    // Each in their language (the first contact also gets the confirmation, in whichever order).
    for (const contact of contacts)
      expect(sentTo(contact.phone)).toContainEqual(
        expect.stringMatching(
          contact.language === 'es'
            ? /^Plan de emergencia Faro: Es una emergencia/
            : /^Faro emergency plan: This is an emergency/,
        ),
      );
    await until(() => sentTo(cousin).length > 0);
    expect(sentTo(cousin)[0]).toContain('plan activado');

    // The legal team finds the new case, opened from the plan with its facts.
    const team = await browser.newContext({ locale: 'es-US', viewport: phone });
    await team.addCookies([{ name: 'faro_session', value: legal.token, url: t.baseUrl }]);
    const teamPage = await team.newPage();
    await teamPage.goto(`${t.baseUrl}/cases?lang=es`);
    await teamPage.getByRole('heading', { name: 'Casos', level: 1 }).waitFor();
    await expect
      .poll(
        async () => {
          await teamPage.reload();
          // The list arrives after the page's scripts ask for it: count once it has.
          await teamPage.getByTestId('case-counts').waitFor();
          return teamPage.getByTestId('case-list').getByText('Rosa Elena Quintero').count();
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);
    await teamPage.getByTestId('case-list').getByText('Rosa Elena Quintero').click();
    const detail = teamPage.getByTestId('case-detail');
    await detail.getByText('A098765432').waitFor();
    await detail.getByText('Abuela Carmen').first().waitFor();
    const hearing = detail.getByTestId('hearing-form');
    await hearing.getByLabel('Fecha y hora').fill('2031-03-04T09:30');
    await hearing.getByLabel('Tribunal').fill('Tribunal de Inmigración de Adelanto');
    await hearing.getByLabel('Tipo de audiencia').fill('Fianza');
    await hearing.getByRole('button', { name: 'Añadir' }).click();
    await detail
      .getByTestId('case-hearings')
      .getByText(/Tribunal de Inmigración de Adelanto/)
      .waitFor();
    await expectAccessible(teamPage);

    // The team gives the grandmother status access, the code also texted to her (never the PIN).
    const grandmother = contacts[0] as (typeof contacts)[0];
    const access = detail.getByTestId('family-access');
    const row = access.locator('li', { hasText: grandmother.name });
    await row.getByLabel(/Enviar también el código por mensaje/).check();
    await row.getByRole('button', { name: 'Dar un código' }).click();
    const issued = teamPage.getByTestId('family-issued');
    await issued.waitFor();
    const [caseCode, pin] = (await issued.locator('dd').allTextContents()) as [string, string];
    expect(caseCode).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
    await until(() => sentTo(grandmother.phone).some((text) => text.includes(caseCode)));
    expect(sentTo(grandmother.phone).some((text) => text.includes(pin))).toBe(false);
    await team.close();

    // She checks on her own phone, in Spanish: the stage and the hearing's date, nothing else.
    const familyPage = await (
      await browser.newContext({ locale: 'es-MX', viewport: phone, isMobile: true })
    ).newPage();
    await familyPage.goto(`${t.baseUrl}/family`);
    await familyPage.getByLabel('Código del caso').fill(caseCode.toLowerCase());
    await familyPage.getByLabel('PIN').fill(pin);
    await familyPage.getByRole('button', { name: 'Ver el caso' }).click();
    const status = familyPage.getByTestId('family-status');
    await status.waitFor();
    const shown = (await status.textContent()) ?? '';
    expect(shown).toContain('Próxima audiencia');
    expect(shown).toMatch(/4 de marzo de 2031/);
    for (const hidden of ['Rosa', 'Quintero', '098765432', 'Adelanto', 'Guatemala'])
      expect(shown).not.toContain(hidden);
    expect(familyPage.url()).toBe(`${t.baseUrl}/family`);
    await expectAccessible(familyPage);
    await familyPage.context().close();

    // And by text, from the same phone: ESTADO, the code and the PIN.
    const before = sentTo(grandmother.phone).length;
    expect(
      (
        await textFaro(
          t.baseUrl,
          smsProviderEnv(t.baseUrl, account),
          grandmother.phone,
          `ESTADO ${caseCode} ${pin}`,
        )
      ).status,
    ).toBe(200);
    await until(() => sentTo(grandmother.phone).length > before);
    const reply = sentTo(grandmother.phone).at(-1) ?? '';
    expect(reply).toContain('audiencia');
    expect(reply).toContain('2031');
    expect(reply).not.toContain('Rosa');
  }, 180_000);
});
