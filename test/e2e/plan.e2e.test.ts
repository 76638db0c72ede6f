import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsProviderEnv, startSmsProvider } from '../support/sms-provider.js';
import { type E2e, expectAccessible, startE2e } from './harness.js';

/**
 * Issue 16: a member on a Spanish phone writes an emergency plan with three
 * contacts, keeps the code shown once, opens the plan with code and PIN,
 * tests it (only the member's own number is texted), undoes an activation
 * in its countdown, then activates it: each contact texted in their language.
 */
let e2e: E2e;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
beforeAll(async () => {
  sms = await startSmsProvider();
  e2e = await startE2e({
    ...smsProviderEnv(sms.url, 'AC00000000000000000000000000000a16'),
    JOB_POLL_SECONDS: '0.5',
  });
});
afterAll(async () => {
  await e2e?.stop();
  await sms?.close();
});

const sentTo = (to: string) => sms.sent.filter((m) => m.fields.To === to).map((m) => m.fields.Body ?? '');
const until = async (check: () => boolean, ms = 15_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('/plan on a Spanish phone', () => {
  it('writes, tests, undoes and activates a plan', async () => {
    const page = await (
      await e2e.browser.newContext({ locale: 'es-MX', viewport: { width: 360, height: 640 }, isMobile: true })
    ).newPage();
    await page.goto(`${e2e.server.baseUrl}/plan`);
    await page.getByRole('heading', { name: 'Plan de emergencia' }).waitFor();
    await page.getByRole('button', { name: 'Escribir un plan' }).click();
    const numbers = ['+12135557001', '+12135557002', '+12135557003'];
    await page.getByRole('button', { name: 'Añadir un contacto' }).click();
    await page.getByRole('button', { name: 'Añadir un contacto' }).click();
    for (const [i, number] of numbers.entries())
      await page.locator('fieldset.plan-contact').nth(i).getByLabel('Número de teléfono').fill(number);
    // The second contact reads English: their message becomes the English template.
    await page.locator('fieldset.plan-contact').nth(1).getByLabel('Su idioma').selectOption('en');
    expect(
      await page.locator('fieldset.plan-contact').nth(1).getByLabel('Su mensaje').inputValue(),
    ).toContain('This is an emergency');
    await page.getByLabel('Tu propio número (opcional)').fill('+12135557000');
    await page.getByLabel('Si se activa este plan').check();
    // Consent asks for what the legal team needs; the demo's one legal team is chosen for the member.
    await page.getByLabel('Tu nombre completo').fill('Rosa Elena Quintero');
    expect(await page.getByLabel('El equipo legal que te llamará').inputValue()).not.toBe('');
    await page.getByLabel('Elige un PIN').fill('531842');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Guardar el plan' }).click();
    const code = (await page.locator('[data-testid="plan-code"] .receipt').textContent()) ?? '';
    expect(code).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
    await page.getByRole('button', { name: 'Ya lo anoté' }).click();

    await page.getByLabel('Código del plan').fill(code.toLowerCase());
    await page.getByLabel('PIN').fill('531842');
    await page.getByRole('button', { name: 'Abrir', exact: true }).click();
    await page.getByText('Activo · 3 contactos').waitFor();

    await page.getByRole('button', { name: 'Prueba: enviar solo a mí' }).click();
    await page.getByTestId('plan-activated').waitFor({ timeout: 15_000 });
    await until(() => sentTo('+12135557000').length === 3);
    for (const number of numbers) expect(sentTo(number)).toEqual([]);

    await page.getByRole('button', { name: 'Activar mi plan ahora' }).click();
    await page.getByRole('button', { name: 'Deshacer' }).click();
    await new Promise((resolve) => setTimeout(resolve, 7000));
    for (const number of numbers) expect(sentTo(number)).toEqual([]);

    await page.getByRole('button', { name: 'Activar mi plan ahora' }).click();
    await page.getByText('Plan activado').waitFor({ timeout: 15_000 });
    await until(() => numbers.every((number) => sentTo(number).length > 0));
    expect(
      sentTo(numbers[0] as string).some((body) =>
        body.startsWith('Plan de emergencia Faro: Es una emergencia'),
      ),
    ).toBe(true);
    expect(sentTo(numbers[1] as string)).toEqual([
      expect.stringMatching(/^Faro emergency plan: This is an emergency/),
    ]);
  }, 90_000);

  it('puts a passkey on the member’s phone, then starts the plan with one tap and the phone’s lock', async () => {
    // WebAuthn needs a host name, not an IP address: use localhost.
    const base = e2e.server.baseUrl.replace('127.0.0.1', 'localhost');
    const context = await e2e.browser.newContext({
      locale: 'es-MX',
      viewport: { width: 360, height: 640 },
      isMobile: true,
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await page.goto(`${base}/plan`);
    // No passkey on this phone yet: no one-tap button.
    await page.getByRole('button', { name: 'Escribir un plan' }).waitFor();
    expect(await page.getByRole('button', { name: /Activar mi plan \(huella/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Escribir un plan' }).click();
    const contact = '+12135557011';
    await page.locator('fieldset.plan-contact').nth(0).getByLabel('Número de teléfono').fill(contact);
    await page.getByLabel('Elige un PIN').fill('284617');
    await page.getByRole('button', { name: 'Guardar el plan' }).click();
    const code = (await page.locator('[data-testid="plan-code"] .receipt').textContent()) ?? '';
    await page.getByRole('button', { name: 'Ya lo anoté' }).click();
    await page.getByLabel('Código del plan').fill(code);
    await page.getByLabel('PIN').fill('284617');
    await page.getByRole('button', { name: 'Abrir', exact: true }).click();
    await page.getByRole('button', { name: 'Añadir una llave de acceso en este teléfono' }).click();
    await page.getByTestId('plan-passkey-count').getByText('1 llave de acceso').waitFor();
    await expectAccessible(page);

    // Later, on the same phone: the start screen offers the one-tap button; the undo still works.
    await page.goto(`${base}/plan`);
    const oneTap = page.getByRole('button', { name: 'Activar mi plan (huella o bloqueo de pantalla)' });
    await oneTap.click();
    await page.getByRole('button', { name: 'Deshacer' }).click();
    await new Promise((resolve) => setTimeout(resolve, 6500));
    expect(sentTo(contact)).toEqual([]);
    await oneTap.click();
    await page.getByTestId('plan-activated').waitFor({ timeout: 20_000 });
    await until(() => sentTo(contact).length > 0);
    // Its message and, being the first contact, the confirmation: in whichever order they left.
    await until(() => sentTo(contact).length === 2);
    expect(sentTo(contact)).toContainEqual(expect.stringMatching(/^Plan de emergencia Faro: /));
  }, 90_000);
});
