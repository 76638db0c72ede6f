import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powHeader } from '../support/pow.js';
import { startPushService } from '../support/push-service.js';
import { smsProviderEnv, startSmsProvider } from '../support/sms-provider.js';
import { startSmtpServer } from '../support/smtp.js';
import { signIn } from './accounts.js';
import { type E2e, expectAccessible, startE2e } from './harness.js';
import { pushBrowser, until } from './push-browser.js';

/**
 * From a confirmed incident to everyone's phone, with real peers: a
 * dispatcher drafts an alert in English and Spanish from the incident, an
 * approver (another person) sends it; a subscriber in Chromium gets it by Web
 * Push (web-push-testing checks VAPID and decrypts), an e-mail subscriber on
 * an SMTP server, an SMS subscriber through the provider's API format. Then
 * the cancel reaches the same three.
 */
let e2e: E2e;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
let push: Awaited<ReturnType<typeof startPushService>>;
const ACCOUNT = 'AC00000000000000000000000000000e2e';

beforeAll(async () => {
  [smtp, sms, push] = await Promise.all([startSmtpServer(), startSmsProvider(), startPushService()]);
  e2e = await startE2e({
    SMTP_URL: smtp.url,
    ...smsProviderEnv(sms.url, ACCOUNT),
    SMS_MESSAGES_PER_SECOND: '50',
    JOB_POLL_SECONDS: '0.5',
  });
});
afterAll(async () => {
  await e2e?.stop();
  await Promise.all([smtp?.close(), sms?.close(), push?.close()]);
});

const api = async (path: string, body: unknown) =>
  fetch(`${e2e.server.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      // Subscribing asks for the report form's proof of work, as the page solves it.
      ...(path === '/api/subscriptions' ? await powHeader(e2e.server.baseUrl) : {}),
    },
    body: JSON.stringify(body),
  });
const tokenIn = (text: string) => text.match(/confirm\?token=([A-Za-z0-9_-]+)/)?.[1] ?? '';

async function signedIn(role: string, path: string): Promise<Page> {
  const context = await e2e.browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${e2e.server.baseUrl}${path}`);
  await page.waitForURL(/\/signin/);
  await signIn(page, e2e.account(role));
  await page.waitForURL(new RegExp(`${path.replace('?', '\\?')}$`));
  return page;
}

/** A phone's browser, in Spanish, that can subscribe to Web Push through the page. */
const pushSubscriber = () =>
  pushBrowser(e2e.browser, push, e2e.server.baseUrl, {
    locale: 'es-MX',
    viewport: { width: 360, height: 740 },
  });

describe('an alert from a confirmed incident to every channel, then its cancel', () => {
  it('drafts in English and Spanish, is approved by another person, and reaches push, e-mail and SMS', async () => {
    const zones = (await (await fetch(`${e2e.server.baseUrl}/api/zones`)).json()) as {
      zones: { id: string; name: string }[];
    };
    const elSereno = zones.zones.find((z) => z.name === 'El Sereno')?.id ?? '';

    // A neighbor subscribes this phone to notifications, in Spanish.
    const phone = await pushSubscriber();
    await phone.page.goto(`${e2e.server.baseUrl}/subscribe?lang=es`);
    await phone.page.getByLabel('Notificaciones en este dispositivo').check();
    await phone.page.getByLabel('El Sereno').check();
    await expectAccessible(phone.page);
    await phone.page.getByRole('button', { name: 'Envíenme una confirmación' }).click();
    await phone.page.getByText('Casi listo').waitFor();
    // The confirmation arrives by push; the service worker confirms it by itself.
    const confirmation = await until(() => push.received(phone.clientHash())[0], 'the confirmation push');
    await phone.deliverUntilShown(confirmation, JSON.parse(confirmation).title);
    // Others subscribe by e-mail and by SMS, and confirm from what they received.
    expect(
      (
        await api('/api/subscriptions', {
          channel: 'email',
          address: 'tia@example.org',
          zoneIds: [elSereno],
          language: 'en',
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await api('/api/subscriptions', {
          channel: 'sms',
          phone: '323-555-0188',
          zoneIds: [elSereno],
          language: 'es',
        })
      ).status,
    ).toBe(202);
    const mail = await until(
      () => smtp.received.find((m) => m.to.includes('tia@example.org')),
      'the confirmation e-mail',
    );
    const text = await until(
      () => sms.sent.find((m) => m.fields.To === '+13235550188'),
      'the confirmation text',
    );
    expect((await api('/api/subscriptions/confirm', { token: tokenIn(smtp.text(mail).text) })).status).toBe(
      200,
    );
    expect((await api('/api/subscriptions/confirm', { token: tokenIn(text.fields.Body ?? '') })).status).toBe(
      200,
    );

    // A report in El Sereno; the dispatcher confirms the incident and drafts the alert from it.
    const report = await fetch(`${e2e.server.baseUrl}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await powHeader(e2e.server.baseUrl)) },
      body: JSON.stringify({
        language: 'es',
        activity: 'raid',
        location: { zoneId: elSereno, place: 'Huntington y Eastern' },
        observedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
        firsthand: true,
      }),
    });
    expect(report.status).toBe(201);
    const board = await signedIn('dispatcher', '/dispatch');
    const row = board.getByTestId('incident-row').filter({ hasText: 'El Sereno' });
    await row.click();
    await board.getByRole('button', { name: 'Mark confirmed' }).click();
    await board.getByTestId('incident-detail').getByText('Confirmed').first().waitFor();
    await board.getByRole('link', { name: 'Draft an alert' }).click();
    await board.getByLabel('Headline (EN)').waitFor();
    await expect.poll(() => board.getByLabel('Headline (EN)').inputValue()).toContain('El Sereno');
    expect(await board.getByLabel('Headline (ES)').inputValue()).toBe(
      'Confirmado: operativo migratorio en El Sereno',
    );
    expect(await board.getByLabel('Message (EN)').inputValue()).toContain('a raid');
    await board.getByLabel('ACTUAL: the public').check();
    await board.getByRole('button', { name: 'Save draft' }).click();
    const panel = board.getByTestId('alert-panel');
    await panel.getByTestId('alert-state').getByText('Draft').waitFor();
    // The SMS preview counts segments: the Spanish accents make it UCS-2.
    await panel.getByTestId('sms-cost-es').getByText(/UCS-2/).waitFor();
    await expectAccessible(board);
    await panel.getByRole('button', { name: 'Submit for approval' }).click();
    await panel.getByTestId('alert-state').getByText('Waiting for approval').waitFor();
    // The dispatcher cannot approve it; the approver, another person, does.
    expect(await panel.getByRole('button', { name: 'Approve and send' }).count()).toBe(0);
    const approver = await signedIn('approver', '/alerting');
    await approver.getByRole('button', { name: /Confirmed: immigration enforcement in El Sereno/ }).click();
    await approver.getByRole('button', { name: 'Approve and send' }).click();
    await approver.getByTestId('alert-state').getByText('Sent').waitFor();
    await approver.locator('[data-channel="push"] td').nth(1).getByText('1').waitFor({ timeout: 20_000 });
    await approver.locator('[data-channel="email"] td').nth(1).getByText('1').waitFor({ timeout: 20_000 });
    await approver.locator('[data-channel="sms"] td').nth(1).getByText('1').waitFor({ timeout: 20_000 });
    await expectAccessible(approver);

    // The phone's push arrived encrypted, was decrypted, and is in Spanish.
    const alertPush = await until(() => push.received(phone.clientHash())[1], 'the alert push');
    expect(JSON.parse(alertPush)).toMatchObject({
      title: 'Confirmado: operativo migratorio en El Sereno',
      status: 'Actual',
    });
    // Its service worker shows it as a notification.
    await phone.deliverUntilShown(alertPush, 'Confirmado: operativo migratorio en El Sereno');
    const alertMail = await until(
      () => smtp.received.find((m) => m.to.includes('tia@example.org') && m.raw.includes('<alert-')),
      'the alert e-mail',
    );
    expect(smtp.text(alertMail).subject).toBe('Confirmed: immigration enforcement in El Sereno');
    const alertText = await until(
      () => sms.sent.filter((m) => m.fields.To === '+13235550188')[1],
      'the alert text',
    );
    expect(alertText.fields.Body).toMatch(
      /^Confirmado: operativo migratorio en El Sereno\. .* Responda STOP/,
    );
    expect(alertText.authorization).toMatch(/^Basic /);

    // The public page shows it, in the reader's language.
    await phone.page.goto(`${e2e.server.baseUrl}/alerts?lang=es`);
    await phone.page
      .getByTestId('public-alert')
      .getByText('Confirmado: operativo migratorio en El Sereno')
      .waitFor();
    await expectAccessible(phone.page);

    // Cancel: one action, the prepared correction, to the same three.
    await approver.getByRole('button', { name: 'Cancel this alert (sends the correction)' }).click();
    await approver.getByRole('button', { name: 'Yes, cancel it and send the correction' }).click();
    await approver.getByTestId('alert-state').getByText('Sent').waitFor();
    const cancelPush = await until(() => push.received(phone.clientHash())[2], 'the cancel push');
    expect(JSON.parse(cancelPush).title).toBe('Cancelada: alerta anterior para El Sereno');
    await until(
      () => smtp.received.find((m) => m.to.includes('tia@example.org') && /Subject: Cancelled/.test(m.raw)),
      'the cancel e-mail',
    );
    await until(() => sms.sent.filter((m) => m.fields.To === '+13235550188')[2], 'the cancel text');
    expect(sms.sent.filter((m) => m.fields.To === '+13235550188')[2]?.fields.Body).toMatch(/^Cancelada/);
    await phone.page.reload();
    await phone.page
      .getByTestId('public-alert')
      .getByText('Cancelada: alerta anterior para El Sereno')
      .waitFor();
    expect(await phone.page.getByText('Confirmado: operativo migratorio en El Sereno').count()).toBe(0);
  });
});

describe('zones for alerts', () => {
  it('lets an administrator draw a new zone on the map, corner by corner', async () => {
    const admin = await signedIn('coalition_admin', '/admin?section=zones');
    const section = admin.locator('section', {
      has: admin.getByRole('heading', { name: 'Zones', exact: true }),
    });
    await section.getByText('…or draw it: click each corner on the map').click();
    const map = admin.locator('[data-testid="zone-draw-map"][data-ready="true"]');
    await map.waitFor({ timeout: 15_000 });
    const box = await map.boundingBox();
    if (!box) throw new Error('no map box');
    const cx = box.width / 2;
    const cy = box.height / 2;
    const corners = [
      [-30, -30],
      [30, -30],
      [30, 30],
      [-30, 30],
    ] as const;
    for (const [i, [dx, dy]] of corners.entries()) {
      // Clicked where the map is at that moment (the page may still be settling around it), and
      // checked by the count the map announces; a click the busy map missed is made again.
      for (let attempt = 0; attempt < 3; attempt++) {
        await map.click({ position: { x: cx + dx, y: cy + dy } });
        const placed = await expect
          .poll(() => map.getAttribute('aria-label'), { timeout: 2_000 })
          .toContain(`${i + 1} corners`)
          .then(() => true)
          .catch(() => false);
        if (placed) break;
      }
    }
    await expect.poll(() => section.getByLabel('…or paste the GeoJSON').inputValue()).toContain('"Polygon"');
    await section.getByLabel('Name', { exact: true }).fill('Drawn Heights');
    await section.getByRole('button', { name: 'Add zone' }).click();
    await section.getByText('Zone Drawn Heights added.').waitFor();
    const zones = (await (await fetch(`${e2e.server.baseUrl}/api/zones`)).json()) as {
      zones: { name: string }[];
    };
    expect(zones.zones.map((z) => z.name)).toContain('Drawn Heights');
  });
});
