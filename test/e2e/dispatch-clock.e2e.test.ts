import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOYLE_HEIGHTS, buildReportInput } from '../support/factories.js';
import { startTestFaro, type TestFaro } from '../support/faro.js';
import { createPerson, type TestPerson } from '../support/people.js';
import { startPushService } from '../support/push-service.js';
import { smsProviderEnv, startSmsProvider, textFaro } from '../support/sms-provider.js';
import { signIn } from './accounts.js';
import { launchChromium } from './browser.js';
import { expectAccessible } from './harness.js';
import { type PushBrowser, pushBrowser, until } from './push-browser.js';

/**
 * What happens when nobody answers, on a clock the test moves: Faro runs in
 * this process (the built web app, a real job queue) with its clock in the
 * test's hands, a dispatcher and two responders each in their own browser.
 * An offer left unanswered expires and goes to the next responder by itself;
 * a check-in that does not come is flagged on the board live and pushed to
 * the dispatcher's device, and minutes later texted to the responder's
 * backup contact.
 */
let t: TestFaro;
let browser: Browser;
let push: Awaited<ReturnType<typeof startPushService>>;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
let clock = Date.now();

beforeAll(async () => {
  [push, sms] = await Promise.all([startPushService(), startSmsProvider()]);
  t = await startTestFaro({
    listen: true,
    now: () => new Date(clock),
    env: {
      WEB_DIST_DIR: path.resolve('dist/web'),
      ...smsProviderEnv(sms.url),
      JOB_POLL_SECONDS: '0.5',
    },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await Promise.all([push?.close(), sms?.close()]);
});

/** Moves Faro's clock on, then runs the minute sweep through the job queue, as its schedule would. */
async function minutesPass(minutes: number) {
  clock += minutes * 60_000;
  const sweep = t.faro.jobDefinitions.dispatchSweep;
  await t.faro.jobs.send(sweep, {});
  t.faro.jobs.wake(sweep);
  await t.faro.jobs.drain(sweep, 15_000);
}

async function signedInAt(page: Page, person: TestPerson, where: string) {
  await page.goto(`${t.baseUrl}${where}`);
  await page.waitForURL(/\/signin/);
  await signIn(page, { email: person.email, password: person.password, totpSecret: person.totpSecret ?? '' });
  await page.waitForURL(new RegExp(`${where}$`));
}

/** A responder's phone, `km` east of Boyle Heights: signed in, profile saved, on shift, location shared. */
async function responderPhone(name: string, km: number, phones: { offer?: string; backup?: string } = {}) {
  const person = await createPerson(t.faro.database, t.faro.box, { role: 'responder', displayName: name });
  const context = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 360, height: 740 },
    geolocation: {
      latitude: BOYLE_HEIGHTS.lat,
      longitude: BOYLE_HEIGHTS.lng + km / (111.32 * Math.cos((BOYLE_HEIGHTS.lat * Math.PI) / 180)),
    },
    permissions: ['geolocation'],
  });
  const page = await context.newPage();
  await signedInAt(page, person, '/responder');
  await page.getByText('My profile').click();
  await page.getByLabel('Legal observer').check();
  if (phones.offer) await page.getByLabel(/My mobile, to get offers by text/).fill(phones.offer);
  if (phones.backup) {
    // A number the server refuses: the phone says why, and never that the profile was saved.
    await page.getByLabel(/Backup contact/).fill('call my sister');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('alert').first().waitFor();
    expect(await page.getByText('Profile saved.').count()).toBe(0);
    await page.getByLabel(/Backup contact/).fill(phones.backup);
  }
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.getByText('Profile saved.').waitFor();
  await page.getByRole('button', { name: 'Go on shift' }).click();
  await page.getByTestId('on-shift').waitFor();
  await page.getByLabel(/Share my location/).click();
  await expect.poll(() => page.getByLabel(/Share my location/).isChecked(), { timeout: 10_000 }).toBe(true);
  return page;
}

describe('offers and check-ins on a moving clock', () => {
  let board: PushBrowser;
  let ana: Page;
  let beto: Page;

  it('moves an unanswered offer to the next responder, then escalates a missed check-in', async () => {
    // The dispatcher turns on safety alerts on this device.
    const dispatcher = await createPerson(t.faro.database, t.faro.box, {
      role: 'dispatcher',
      displayName: 'Dana Dispatch',
    });
    board = await pushBrowser(browser, push, t.baseUrl, {
      locale: 'en-US',
      viewport: { width: 1280, height: 900 },
    });
    await signedInAt(board.page, dispatcher, '/dispatch');
    await board.page.getByRole('button', { name: 'Safety alerts on this device' }).click();
    await board.page.getByText('Missed check-ins will come as notifications.').waitFor();

    ana = await responderPhone('Ana Near', 0.5);
    beto = await responderPhone('Beto Farther', 2.5, {
      offer: '(323) 555-0144',
      backup: '(323) 555-0133',
    });

    const sent = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports',
      payload: buildReportInput({ location: BOYLE_HEIGHTS, activity: 'raid' }),
    });
    expect(sent.statusCode, sent.body).toBe(201);

    // The dispatcher offers it to the nearest responder; she does not answer.
    const page = board.page;
    await page.getByTestId('incident-row').filter({ hasText: 'Boyle Heights' }).first().click();
    const panel = page.getByTestId('responders');
    const first = panel.getByTestId('suggestion').first();
    await first.waitFor({ timeout: 10_000 });
    expect(await first.textContent()).toContain('Ana Near');
    await first.getByRole('button', { name: /Offer/ }).click();
    const anaRow = panel.getByTestId('assignment').filter({ hasText: 'Ana Near' });
    await expect.poll(() => anaRow.getAttribute('data-state'), { timeout: 5_000 }).toBe('offered');
    await ana
      .getByTestId('assignment-card')
      .getByRole('button', { name: 'Accept' })
      .waitFor({ timeout: 10_000 });

    // Three minutes pass: the offer expires and goes to the next responder by itself, live everywhere.
    await minutesPass(3.1);
    await expect.poll(() => anaRow.getAttribute('data-state'), { timeout: 5_000 }).toBe('expired');
    const betoRow = panel.getByTestId('assignment').filter({ hasText: 'Beto Farther' });
    await expect.poll(() => betoRow.getAttribute('data-state'), { timeout: 5_000 }).toBe('offered');
    await ana.getByText('No assignments. Stay safe; offers appear here.').waitFor({ timeout: 5_000 });
    const card = beto.getByTestId('assignment-card');
    await card.getByRole('button', { name: 'Accept' }).waitFor({ timeout: 5_000 });
    // The new offer was also texted to the number he gave for it: the incident's number, not its place.
    const offerText = await until(
      () => sms.sent.find((m) => m.fields.To === '+13235550144'),
      'the offer by SMS',
    );
    expect(offerText.fields.Body).toMatch(/^Faro: offer to verify #\d+ - Boyle Heights/);

    // His app is slow to load in the parking lot: he answers the text instead. The board and his phone follow.
    const answered = await textFaro(t.baseUrl, smsProviderEnv(sms.url), '+13235550144', 'Yes');
    expect(answered.status).toBe(200);
    await expect.poll(() => betoRow.getAttribute('data-state'), { timeout: 5_000 }).toBe('accepted');
    const reply = await until(
      () => sms.sent.find((m) => m.fields.To === '+13235550144' && m.fields.Body?.includes('you accepted')),
      'the answer to his YES',
    );
    expect(reply.fields.Body).toMatch(/^Faro: you accepted #\d+ - Boyle Heights\./);
    await card.getByRole('button', { name: "I'm on scene" }).click();
    await expect.poll(() => betoRow.getAttribute('data-state'), { timeout: 5_000 }).toBe('on_scene');
    await card.getByRole('button', { name: "I'm safe" }).waitFor();

    // Sixteen minutes without "I'm safe": flagged on the board live and pushed to the dispatcher;
    // five more, and his backup contact is texted.
    await minutesPass(16);
    await expect.poll(() => betoRow.getAttribute('data-safety'), { timeout: 5_000 }).toBe('missed');
    await betoRow.getByText('MISSED CHECK-IN').waitFor();
    // Above everything on the board, and on the incident's line in the list, whatever is open.
    const banner = page
      .getByTestId('safety-banner')
      .getByRole('button', { name: /MISSED CHECK-IN · #\d+ · Boyle Heights/ });
    await banner.waitFor();
    expect(
      await page
        .getByTestId('incident-row')
        .filter({ hasText: 'Boyle Heights' })
        .getByTestId('safety')
        .textContent(),
    ).toContain('MISSED CHECK-IN');
    const alarm = await until(() => push.received(board.clientHash())[0], 'the dispatcher’s push');
    expect(JSON.parse(alarm)).toMatchObject({ title: expect.stringMatching(/^MISSED CHECK-IN · #\d+/) });
    expect(await board.deliverUntilShown(alarm, /^MISSED CHECK-IN/)).toEqual([
      expect.stringMatching(/^MISSED CHECK-IN/),
    ]);
    // He is reminded by text, with the way to answer without the app; his family is not texted yet.
    const reminder = await until(
      () =>
        sms.sent.find((m) => m.fields.To === '+13235550144' && m.fields.Body?.includes('check-in missed')),
      'the reminder by SMS',
    );
    expect(reminder.fields.Body).toContain('Reply SAFE');
    expect(sms.sent.find((m) => m.fields.To === '+13235550133')).toBeUndefined();
    await minutesPass(5);
    await betoRow.getByText('backup contact alerted').waitFor({ timeout: 5_000 });
    // His phone says so plainly, with the one button that clears it.
    await card
      .getByTestId('missed-check-in')
      .getByText(/the dispatcher and your backup contact have been alerted/)
      .waitFor({ timeout: 5_000 });
    const backupText = await until(
      () => sms.sent.find((m) => m.fields.To === '+13235550133'),
      'the backup contact’s SMS',
    );
    expect(backupText.fields.Body).toContain('Beto Farther missed a safety check-in');
    await expectAccessible(page);

    // The dispatcher reaches him by phone and says so: the flag clears on the board and on his phone.
    await betoRow.getByRole('button', { name: /Reached them: safe/ }).click();
    await card.getByTestId('missed-check-in').waitFor({ state: 'detached', timeout: 5_000 });
    await expect.poll(() => betoRow.getAttribute('data-safety'), { timeout: 5_000 }).toBe('ok');
    expect(await betoRow.textContent()).not.toContain('backup contact alerted');
    await banner.waitFor({ state: 'detached', timeout: 5_000 });

    // Later he asks for help: his phone says who knows, the board flags it, the dispatcher's device rings.
    const helpCount = push.received(board.clientHash()).length;
    await beto.getByTestId('need-help').getByRole('button', { name: 'Need help' }).click();
    await beto.getByRole('button', { name: 'Yes, send for help' }).click();
    await card
      .getByTestId('help-sent')
      .getByText(/every dispatcher has been alerted/)
      .waitFor({ timeout: 5_000 });
    await expect.poll(() => betoRow.getAttribute('data-safety'), { timeout: 5_000 }).toBe('help');
    await page
      .getByTestId('safety-banner')
      .getByRole('button', { name: /NEEDS HELP · #\d+ · Boyle Heights/ })
      .waitFor({ timeout: 5_000 });
    const help = await until(() => push.received(board.clientHash())[helpCount], 'the call for help’s push');
    expect(await board.deliverUntilShown(help, /^NEEDS HELP · #\d+ · Boyle Heights/)).toContainEqual(
      expect.stringMatching(/^NEEDS HELP/),
    );
    await card.getByRole('button', { name: "I'm safe" }).click();
    await card.getByTestId('help-sent').waitFor({ state: 'detached', timeout: 5_000 });
    await expect.poll(() => betoRow.getAttribute('data-safety'), { timeout: 5_000 }).toBe('ok');
  });

  it('offers a pair of legal observers in one action; each sees the other as their partner', async () => {
    const sent = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports',
      payload: buildReportInput({ location: { lat: 34.0622, lng: -118.3018 }, activity: 'checkpoint' }),
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const page = board.page;
    await page.getByTestId('incident-row').filter({ hasText: 'Koreatown' }).first().click();
    const panel = page.getByTestId('responders');
    const pair = panel.getByTestId('pair-suggestion').first();
    await pair.waitFor({ timeout: 10_000 });
    expect(await pair.textContent()).toMatch(/Ana Near \+ Beto Farther|Beto Farther \+ Ana Near/);
    await pair.getByRole('button', { name: /Offer to the pair/ }).click();
    const rows = panel.locator('[data-testid="assignment"][data-state="offered"]');
    await expect.poll(() => rows.count(), { timeout: 5_000 }).toBe(2);
    expect(await rows.allTextContents()).toEqual([
      expect.stringContaining('in a pair'),
      expect.stringContaining('in a pair'),
    ]);
    for (const [phone, partner] of [
      [ana, 'Beto Farther'],
      [beto, 'Ana Near'],
    ] as const) {
      const card = phone.getByTestId('assignment-card').filter({ hasText: 'Checkpoint' });
      await card
        .getByTestId('buddy')
        .getByText(`Your partner: ${partner} · Offered`)
        .waitFor({ timeout: 5_000 });
    }
  });
});
