import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshCode, signIn } from './accounts.js';
import { type E2e, expectAccessible, startE2e } from './harness.js';

/**
 * A coalition admin invites a dispatcher (a role that reaches the whole coalition,
 * so not an organization admin's to give), who joins, enrols an authenticator,
 * signs in and reaches the board.
 */
let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(async () => e2e?.stop());

describe('joining by invitation', () => {
  it('takes a new dispatcher from an admin’s invitation to the dispatch board', async () => {
    const admin = e2e.account('coalition_admin');

    const adminPage = await (await e2e.browser.newContext({ locale: 'en-US' })).newPage();
    await adminPage.goto(`${e2e.server.baseUrl}/admin?section=invitations`);
    await adminPage.waitForURL(/\/signin/);
    await signIn(adminPage, admin);
    await adminPage.getByRole('heading', { name: 'Invite someone' }).waitFor();
    await expectAccessible(adminPage);
    await adminPage
      .getByLabel('Organization', { exact: true })
      .selectOption({ label: 'Eastside Rapid Response Network' });
    await adminPage.getByLabel('Role', { exact: true }).selectOption('dispatcher');
    await adminPage.getByRole('button', { name: 'Create invitation' }).click();
    const code = (await adminPage.getByTestId('invite-code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);

    // The newcomer, on their own phone, in Spanish.
    const phone = await (
      await e2e.browser.newContext({ locale: 'es-MX', viewport: { width: 360, height: 740 } })
    ).newPage();
    await phone.goto(`${e2e.server.baseUrl}/invite?lang=es&code=${encodeURIComponent(code)}`);
    await phone.getByRole('heading', { name: 'Unirse a la red' }).waitFor();
    await expectAccessible(phone);
    await phone.getByLabel('Correo electrónico').fill('rosa@example.org');
    await phone.getByLabel('Nombre que verá su equipo').fill('Rosa');
    await phone.getByLabel('Contraseña nueva').fill('cuatro palabras bastante largas');
    await phone.getByRole('button', { name: 'Crear mi cuenta' }).click();

    await phone.getByRole('heading', { name: 'Configure su autenticador' }).waitFor();
    await expectAccessible(phone);
    const secret = (await phone.getByTestId('totp-secret').textContent())?.trim() ?? '';
    await phone.getByLabel('Código de 6 dígitos').fill(await freshCode(secret));
    await phone.getByRole('button', { name: 'Confirmar' }).click();
    await phone.getByRole('heading', { name: 'Guarde sus códigos de recuperación' }).waitFor();
    expect(await phone.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    await phone.getByRole('button', { name: 'Ya los guardé' }).click();
    await phone.getByRole('heading', { name: 'Su cuenta' }).waitFor();

    // Signs out, and signs in again from the start.
    await phone.getByRole('button', { name: 'Cerrar sesión', exact: true }).click();
    await phone.waitForURL(/\/signin/);
    await phone.goto(`${e2e.server.baseUrl}/dispatch`);
    await phone.waitForURL(/\/signin\?next=%2Fdispatch/);
    await signIn(
      phone,
      { email: 'rosa@example.org', password: 'cuatro palabras bastante largas', totpSecret: secret },
      false,
    );
    await phone.waitForURL(/\/dispatch$/);
    await phone.getByRole('heading', { name: 'Tablero de despacho' }).waitFor();

    // The admin sees the new person with the dispatcher role, in the people section.
    await adminPage
      .getByRole('navigation', { name: 'Administration sections' })
      .getByRole('link', { name: 'People' })
      .click();
    await adminPage
      .getByTestId('person-row')
      .filter({ hasText: 'rosa@example.org' })
      .getByRole('listitem')
      .filter({ hasText: 'Dispatcher (Eastside Rapid Response Network)' })
      .waitFor();
  });

  it('lets a dispatcher add a passkey and sign in with it instead of a code', async () => {
    const dispatcher = e2e.account('dispatcher');
    // WebAuthn needs a host name, not an IP address: use localhost.
    const base = e2e.server.baseUrl.replace('127.0.0.1', 'localhost');
    const context = await e2e.browser.newContext({ locale: 'en-US' });
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

    await page.goto(`${base}/account`);
    await signIn(page, dispatcher);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByLabel('Name for this passkey').fill('Work phone');
    await page.getByRole('button', { name: 'Add passkey' }).click();
    await page.getByTestId('passkeys').getByText('Work phone').waitFor();
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(/\/signin/);
    await page.goto(`${base}/dispatch`);
    await page.getByLabel('E-mail').fill(dispatcher.email);
    await page.getByLabel('Password').fill(dispatcher.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Use a passkey instead' }).click();
    await page.waitForURL(/\/dispatch$/);
    await page.getByRole('heading', { name: 'Dispatch board' }).waitFor();
  });

  it('sends an anonymous visitor of a staff page to sign in', async () => {
    const page = await (await e2e.browser.newContext()).newPage();
    for (const staffPage of ['/dispatch', '/hotline', '/field', '/admin', '/account']) {
      await page.goto(`${e2e.server.baseUrl}${staffPage}`);
      await page.waitForURL(new RegExp(`/signin\\?next=${encodeURIComponent(staffPage)}`));
    }
  });
});
