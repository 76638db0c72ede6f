import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, expectStatus } from '../support/client.js';
import { BOYLE_HEIGHTS, buildReportInput } from '../support/factories.js';
import { startTestFaro, type TestFaro } from '../support/faro.js';
import { createPerson } from '../support/people.js';
import { type StaffSession, sessionFor, staffSession } from '../support/sessions.js';
import { incidentIdOf } from '../support/state.js';
import { launchChromium } from './browser.js';
import { expectAccessible } from './harness.js';

/**
 * The responder's screen on a small phone, held in one hand: the offer and its deadline on the
 * first screen, the assignment's cross streets and a link for the maps app once accepted, "Need
 * help" in reach wherever the page is scrolled and sent only on a second, different button, a
 * compact header, and nothing wider than a 320-px screen — on /responder and /field, in every state.
 * With FARO_SCREENSHOTS set, the offer and the assignment at 360 px are saved to docs/images.
 */
let t: TestFaro;
let browser: Browser;
let dispatcher: StaffSession;

beforeAll(async () => {
  t = await startTestFaro({ listen: true, env: { WEB_DIST_DIR: path.resolve('dist/web') } });
  browser = await launchChromium();
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const PHONE = { width: 360, height: 640 };
const screenshot = async (page: Page, name: string) => {
  if (process.env.FARO_SCREENSHOTS) await page.screenshot({ path: path.resolve('docs/images', name) });
};

/** A phone signed in as `session` (its cookie set, as after signing in), in a language. */
async function phone(
  session: StaffSession,
  locale = 'en-US',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale,
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
    geolocation: { latitude: BOYLE_HEIGHTS.lat, longitude: BOYLE_HEIGHTS.lng },
    permissions: ['geolocation'],
  });
  await context.addCookies([{ name: 'faro_session', value: session.token, url: t.baseUrl }]);
  return { context, page: await context.newPage() };
}

/** The page's box of an element, which must be on the first screen, whole. */
async function onFirstScreen(page: Page, testId: string) {
  const box = await page.getByTestId(testId).first().boundingBox();
  const viewport = page.viewportSize();
  if (!box || !viewport) throw new Error(`${testId} is not shown`);
  const scrolled = await page.evaluate<number>('window.scrollY');
  expect(scrolled, 'the page is not scrolled').toBe(0);
  expect(box.y, `${testId} starts on the first screen`).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, `${testId} ends on the first screen`).toBeLessThanOrEqual(viewport.height);
  return box;
}

/** Nothing wider than a 320-px screen on /responder and /field; back on /responder at 360 px after. */
async function nothingSideways(page: Page, state: string) {
  await page.setViewportSize({ width: 320, height: 640 });
  for (const where of ['/responder', '/field']) {
    await page.goto(`${t.baseUrl}${where}`);
    await page.locator('h1').first().waitFor();
    if (where === '/responder') await page.getByTestId('responder-ready').waitFor({ state: 'attached' });
    else await page.getByRole('button', { name: 'Send report' }).waitFor();
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width, `${where} (${state}) is ${width} px wide at 320 px`).toBeLessThanOrEqual(320);
  }
  await page.setViewportSize(PHONE);
  await page.goto(`${t.baseUrl}/responder`);
  await page.getByTestId('responder-ready').waitFor({ state: 'attached' });
}

describe('the responder’s screen for one hand', () => {
  let responder: StaffSession;
  let page: Page;
  let incidentId: string;
  const checkIns: string[] = [];

  beforeAll(async () => {
    const person = await createPerson(t.faro.database, t.faro.box, {
      role: 'responder',
      displayName: 'Rosa Responder',
    });
    responder = await sessionFor(t.faro.database, person.id);
    ({ page } = await phone(responder));
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/check-in')) checkIns.push(request.url());
    });
  });

  it('keeps the staff header to one short row, its links behind Menu', async () => {
    await page.goto(`${t.baseUrl}/responder`);
    await page.getByRole('button', { name: 'Go on shift' }).waitFor();
    expect(await page.title()).toBe('Off shift · Faro');
    const header = await page.locator('header.top').boundingBox();
    expect(header?.height, 'the header is one row').toBeLessThanOrEqual(64);
    const menu = page.getByRole('button', { name: 'Menu' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('link', { name: 'Field report' }).isVisible()).toBe(false);
    // Open on the smallest screen: the links and languages stack, nothing wider than it.
    await page.setViewportSize({ width: 320, height: 640 });
    await menu.click();
    await page.getByRole('link', { name: 'Field report' }).waitFor();
    await page.getByRole('link', { name: 'Español' }).waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
    await expectAccessible(page);
    await page.setViewportSize(PHONE);
    await page.getByRole('link', { name: 'Field report' }).click();
    await page.waitForURL(/\/field$/);
    // Following a link closes the menu.
    await page.getByRole('link', { name: 'Field report' }).waitFor({ state: 'hidden' });
    await nothingSideways(page, 'off shift');
  });

  it('uses the public form’s full-width cards on /field', async () => {
    await page.goto(`${t.baseUrl}/field`);
    const raid = page.getByLabel('Raid at a home or workplace');
    await raid.waitFor();
    for (const label of ['Raid at a home or workplace', 'ICE', 'I saw it myself']) {
      const card = page.locator('label.choice').filter({ hasText: label }).first();
      const box = await card.boundingBox();
      expect(box?.height, `${label} is a large target`).toBeGreaterThanOrEqual(44);
    }
    const form = await page.locator('form').boundingBox();
    const card = await page.locator('label.choice').filter({ hasText: 'Raid' }).boundingBox();
    expect(card?.width).toBe(form?.width);
    await raid.check();
    await page.getByRole('button', { name: 'Use my location' }).click();
    await page.getByText('Location shared').first().waitFor();
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.getByTestId('receipt').waitFor();
    await expectAccessible(page);
  });

  it('shows the offer and its deadline first, above the shift, on the first screen', async () => {
    await page.goto(`${t.baseUrl}/responder`);
    await page.getByRole('button', { name: 'Go on shift' }).click();
    await page.getByTestId('on-shift').waitFor();
    await expect.poll(() => page.title()).toBe('On shift · Faro');
    await nothingSideways(page, 'on shift, no offer');

    const sent = await client(t).post(
      '/api/reports',
      buildReportInput({
        activity: 'raid',
        location: { lat: 34.0469, lng: -118.2198, place: 'Soto St & E 1st St, by the laundromat' },
        size: { agents: 9, vehicles: 3 },
      }),
    );
    await t.faro.grouper?.settle();
    incidentId = await incidentIdOf(t, expectStatus(sent, 201).body.id);
    const offer = await client(t, dispatcher).post(`/api/incidents/${incidentId}/assignments`, {
      responderId: responder.userId,
    });
    expectStatus(offer, 201);

    const card = page.locator('[data-testid="assignment-card"][data-state="offered"]');
    await card.waitFor({ timeout: 10_000 });
    const countdown = await onFirstScreen(page, 'countdown');
    const accept = await card.getByRole('button', { name: 'Accept' }).boundingBox();
    expect((accept?.y ?? 0) + (accept?.height ?? 0)).toBeLessThanOrEqual(PHONE.height);
    // First on the page: above the shift's controls.
    const shift = await page.getByTestId('on-shift').boundingBox();
    expect(countdown.y).toBeLessThan(shift?.y ?? 0);
    // The deadline as text, ticking; said politely once a minute, not every second.
    const first = await page.getByTestId('countdown').textContent();
    expect(first).toMatch(/^[0-3]:\d\d left to answer$/);
    await card.getByText(/^Answer before \d{1,2}:\d\d/).waitFor();
    await expect.poll(() => page.getByTestId('countdown').textContent(), { timeout: 5_000 }).not.toBe(first);
    const announced = page.getByTestId('countdown-announcement');
    expect(await announced.getAttribute('aria-live')).toBe('polite');
    expect(await announced.textContent()).toMatch(/^[1-3] minutes? left to answer the offer$/);
    expect(await page.getByTestId('countdown').getAttribute('role')).toBe('timer');
    expect(await page.title()).toMatch(/^Offer — [0-3]:\d\d left · Faro$/);
    // Not yet accepted: the zone, never the cross streets or a point.
    expect(await card.textContent()).toContain('Boyle Heights');
    expect(await page.locator('body').textContent()).not.toContain('Soto St');
    expect(await page.getByTestId('open-in-maps').count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, 'responder-360-offer.png');
    await nothingSideways(page, 'offer');
  });

  it('gives the accepted assignment its cross streets, what was reported and a geo: link', async () => {
    const offered = page.locator('[data-testid="assignment-card"][data-state="offered"]');
    await offered.getByRole('button', { name: 'Accept' }).click();
    const card = page.locator('[data-testid="assignment-card"][data-state="accepted"]');
    await card.waitFor({ timeout: 5_000 });
    await expect.poll(() => page.title()).toBe('Assigned · Faro');
    await card.getByTestId('places').getByText('Soto St & E 1st St, by the laundromat').waitFor();
    const maps = card.getByTestId('open-in-maps');
    expect(await maps.getAttribute('href')).toMatch(/^geo:34\.\d+,-118\.\d+\?q=34\.\d+,-118\.\d+$/);
    expect(await maps.getAttribute('href')).not.toContain('34.0469,');
    const salute = card.getByTestId('salute');
    expect(await salute.textContent()).toContain('9');
    expect(await salute.textContent()).toContain('Raid at a home or workplace');
    await onFirstScreen(page, 'open-in-maps');
    await expectAccessible(page);
    await nothingSideways(page, 'assigned');
  });

  it('keeps "Need help" in reach on scene, and sends it only from the second, different button', async () => {
    const card = page.getByTestId('assignment-card');
    await card.getByRole('button', { name: 'On my way' }).click();
    await page.locator('[data-testid="assignment-card"][data-state="en_route"]').waitFor();
    await card.getByRole('button', { name: "I'm on scene" }).click();
    await page.locator('[data-testid="assignment-card"][data-state="on_scene"]').waitFor();
    const needHelp = page.getByTestId('need-help').getByRole('button', { name: 'Need help' });
    const bar = await onFirstScreen(page, 'need-help');
    expect(bar.height).toBeGreaterThanOrEqual(60);
    await screenshot(page, 'responder-360-assigned.png');

    // Scrolled to the very end: still in reach, and it covers nothing (the page left room for it).
    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    const box = await needHelp.boundingBox();
    expect((box?.y ?? -1) >= 0 && (box?.y ?? 0) + (box?.height ?? 0) <= PHONE.height).toBe(true);
    // The lowest edge of anything on the page but the bar itself.
    const lastBottom = await page.evaluate<number>(`Math.max(...[
      ...document.querySelectorAll('section.responder > :not(.need-help)'),
    ].map((item) => item.getBoundingClientRect().bottom))`);
    expect(lastBottom).toBeLessThanOrEqual(box?.y ?? 0);

    // A double tap where "Need help" is lands on Cancel: nothing is sent.
    const center = { x: (box?.x ?? 0) + (box?.width ?? 0) / 2, y: (box?.y ?? 0) + (box?.height ?? 0) - 8 };
    await page.touchscreen.tap(center.x, center.y);
    const yes = page.getByRole('button', { name: 'Yes, send for help' });
    await yes.waitFor();
    const yesBox = await yes.boundingBox();
    expect((yesBox?.y ?? 0) + (yesBox?.height ?? 0)).toBeLessThan(center.y - 20);
    await page.touchscreen.tap(center.x, center.y);
    await needHelp.waitFor();
    expect(await yes.count()).toBe(0);
    expect(checkIns).toEqual([]);

    // One tap asks; Cancel takes it back; nothing is sent.
    await needHelp.click();
    await page.getByText('Send for help? Every dispatcher is alerted at once.').waitFor();
    expect(checkIns).toEqual([]);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await needHelp.waitFor();
    const listed = async () =>
      expectStatus(await client(t, dispatcher).get(`/api/incidents/${incidentId}/assignments`), 200).body
        .assignments[0].safety;
    expect(await listed()).toBe('ok');

    // The confirmation sends it: the phone says who knows, the board shows it.
    await needHelp.click();
    await yes.click();
    await card.getByTestId('help-sent').waitFor({ timeout: 5_000 });
    expect(checkIns).toHaveLength(1);
    expect(await listed()).toBe('help');
    await expectAccessible(page);
    await nothingSideways(page, 'on scene');
  });

  it('says the same in Spanish', async () => {
    const { context, page: telefono } = await phone(responder, 'es-MX');
    await telefono.goto(`${t.baseUrl}/responder`);
    await telefono.getByTestId('open-in-maps').getByText('Abrir en mapas').waitFor();
    await expect.poll(() => telefono.title()).toBe('Asignado · Faro');
    await telefono.getByRole('heading', { name: 'Dónde' }).waitFor();
    await telefono.getByRole('heading', { name: 'Lo que se reportó' }).waitFor();
    await telefono.getByRole('button', { name: 'Necesito ayuda' }).click();
    await telefono.getByRole('button', { name: 'Sí, pedir ayuda' }).waitFor();
    await telefono.getByRole('button', { name: 'Cancelar' }).click();
    await telefono.getByRole('button', { name: 'Menú' }).waitFor();
    await context.close();
  });
});
