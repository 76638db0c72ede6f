import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOYLE_HEIGHTS } from '../support/factories.js';
import { powHeader } from '../support/pow.js';
import { signIn } from './accounts.js';
import { type E2e, expectAccessible, startE2e } from './harness.js';

/**
 * A dispatcher and a responder, each in their own browser: the responder goes
 * on shift on a 360-px phone and shares a coarse location; the dispatcher
 * offers the incident from the board; the responder accepts, arrives, reports
 * it confirmed; the board shows each step live, without reload.
 */
let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(async () => e2e?.stop());

async function signedIn(role: string, path: string, phone = false): Promise<Page> {
  const context = await e2e.browser.newContext({
    locale: 'en-US',
    viewport: phone ? { width: 360, height: 740 } : { width: 1280, height: 900 },
    ...(phone
      ? {
          geolocation: { latitude: BOYLE_HEIGHTS.lat, longitude: BOYLE_HEIGHTS.lng + 0.01 },
          permissions: ['geolocation'],
        }
      : {}),
  });
  const page = await context.newPage();
  await page.goto(`${e2e.server.baseUrl}${path}`);
  await page.waitForURL(/\/signin/);
  await signIn(page, e2e.account(role));
  await page.waitForURL(new RegExp(`${path}$`));
  return page;
}

describe('sending a responder to verify', () => {
  it('offer → accept → on scene → confirmed, live on the board', async () => {
    const responder = await signedIn('responder', '/responder', true);
    await responder.getByRole('button', { name: 'Go on shift' }).click();
    await responder.getByTestId('on-shift').waitFor();
    await responder.getByLabel(/Share my location/).click();
    await expect
      .poll(() => responder.getByLabel(/Share my location/).isChecked(), { timeout: 10_000 })
      .toBe(true);
    await responder.getByText('My profile').click();
    await responder.getByLabel('Legal observer').check();
    await responder
      .getByRole('group', { name: /My home zones/ })
      .getByLabel('Boyle Heights')
      .check();
    await responder.getByRole('button', { name: 'Save profile' }).click();
    await responder.getByText('Profile saved.').waitFor();
    await expectAccessible(responder);

    const report = await fetch(`${e2e.server.baseUrl}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await powHeader(e2e.server.baseUrl)) },
      body: JSON.stringify({
        language: 'en',
        activity: 'raid',
        location: BOYLE_HEIGHTS,
        observedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
        firsthand: true,
      }),
    });
    expect(report.status).toBe(201);

    const board = await signedIn('dispatcher', '/dispatch');
    await board.getByTestId('incident-row').filter({ hasText: 'Boyle Heights' }).first().click();
    const panel = board.getByTestId('responders');
    // Issue 14: the team's channel follows the responders, in a section of its own.
    const channel = board.getByTestId('incident-detail').getByTestId('incident-channel');
    const suggestion = panel.getByTestId('suggestion').filter({ hasText: 'Demo responder' });
    await suggestion.waitFor({ timeout: 10_000 });
    expect(await suggestion.textContent()).toMatch(/\d+(\.\d)? km.*home zone/);
    await suggestion.getByRole('button', { name: /Offer/ }).click();
    await panel.locator('[data-testid="assignment"][data-state="offered"]').waitFor();
    await expectAccessible(board);

    // The responder's phone shows the offer; each step shows on the board without reload.
    const card = responder.getByTestId('assignment-card');
    await card.getByRole('button', { name: 'Accept' }).click({ timeout: 15_000 });
    await panel.locator('[data-testid="assignment"][data-state="accepted"]').waitFor({ timeout: 5_000 });
    // The incident channel: the dispatcher writes, the responder's phone shows it live, and answers.
    await channel.getByLabel(/Message to the team/).fill('Park on the north side of the lot');
    await channel.getByRole('button', { name: 'Send', exact: true }).click();
    await card
      .getByTestId('incident-channel')
      .getByText('Park on the north side of the lot')
      .waitFor({ timeout: 5_000 });
    await card.getByLabel(/Message to the team/).fill('Copy, two minutes out');
    await card.getByRole('button', { name: 'Send', exact: true }).click();
    await channel.getByText('Copy, two minutes out').waitFor({ timeout: 5_000 });
    // A voice note recorded in the browser (a fake microphone here) reaches the phone as audio.
    await channel.getByRole('button', { name: 'Record a voice note' }).click();
    await channel.getByText('Recording… (up to a minute)').waitFor();
    await board.waitForTimeout(1_200);
    await channel.getByRole('button', { name: 'Stop and send' }).click();
    await card.getByTestId('incident-channel').locator('audio').waitFor({ timeout: 5_000 });
    await card.getByRole('button', { name: "I'm on scene" }).click();
    await panel.locator('[data-testid="assignment"][data-state="on_scene"]').waitFor({ timeout: 5_000 });
    await card.getByRole('button', { name: "I'm safe" }).waitFor();
    await expectAccessible(responder);
    await card.getByLabel('Immigration agents').check();
    await card.getByLabel('Confirmed', { exact: true }).check();
    await card.getByText('What I saw: how many, uniforms, vehicles').click();
    await card.getByLabel('Agents', { exact: true }).fill('6');
    await card.getByLabel('ICE', { exact: true }).check();
    await card.getByLabel(/Notes/).fill('Two vans at the car wash, agents in vests');
    await card.getByRole('button', { name: 'Send report' }).click();
    const done = panel.locator('[data-testid="assignment"][data-state="reported"]');
    await done.waitFor({ timeout: 5_000 });
    expect(await done.textContent()).toContain('Confirmed');
    expect(await done.getByTestId('scene-report').textContent()).toMatch(
      /Immigration agents · Agents: 6 · ICE/,
    );
    await responder.getByText('No assignments. Stay safe; offers appear here.').waitFor();

    // The dispatcher sets the incident's outcome.
    await board.getByRole('button', { name: 'Mark confirmed' }).click();
    await board.getByTestId('incident-detail').getByText('Confirmed').first().waitFor();
  });

  it('turns a rumor that was not confirmed into a rumor check awaiting approval, in one action', async () => {
    const report = await fetch(`${e2e.server.baseUrl}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await powHeader(e2e.server.baseUrl)) },
      body: JSON.stringify({
        language: 'es',
        activity: 'checkpoint',
        location: { zoneId: undefined, lat: 34.0622, lng: -118.3018 },
        observedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
        firsthand: false,
      }),
    });
    expect(report.status).toBe(201);
    const board = await signedIn('dispatcher', '/dispatch');
    await board.getByTestId('incident-row').filter({ hasText: 'Koreatown' }).first().click();
    await board.getByRole('button', { name: 'Mark not confirmed' }).click();
    // Issue 13 item 7: one command to the server, not template → draft → submit from the browser.
    const writes: string[] = [];
    board.on('request', (request) => {
      const url = new URL(request.url());
      if (request.method() !== 'GET' && url.pathname.startsWith('/api/manage/alerts'))
        writes.push(`${request.method()} ${url.pathname}`);
    });
    await board.getByRole('button', { name: 'Publish a rumor check (goes for approval)' }).click();
    await board.waitForURL(/\/alerting\?alert=/);
    await board.getByTestId('alert-state').getByText('Waiting for approval').waitFor();
    expect(
      await board.getByRole('heading', { name: /Rumor checked, not confirmed: Koreatown/ }).count(),
    ).toBe(1);
    expect(writes).toEqual(['POST /api/manage/alerts/rumor-check']);
  });
});
