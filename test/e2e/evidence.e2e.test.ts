import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, expectStatus } from '../support/client.js';
import { BOYLE_HEIGHTS } from '../support/factories.js';
import { startTestFaro, type TestFaro } from '../support/faro.js';
import { type StaffSession, staffSession } from '../support/sessions.js';
import { responderOutOnIncident } from '../support/state.js';
import { launchChromium } from './browser.js';
import { expectAccessible } from './harness.js';

/**
 * Issue 15: a responder records video on the scene with the phone's camera
 * (Chromium's fake camera); every two seconds a slice reaches the server. The
 * connection drops twelve seconds in: the server already holds a partial item
 * that verifies up to its last slice, and the phone says how much is safe.
 * Back online, the rest arrives and the item completes; the legal team plays it.
 */
let t: TestFaro;
let browser: Browser;
let _dispatcher: StaffSession;
let legal: StaffSession;
let recorder: StaffSession;
let incidentId: string;

beforeAll(async () => {
  t = await startTestFaro({ listen: true, env: { WEB_DIST_DIR: path.resolve('dist/web') } });
  browser = await launchChromium();
  _dispatcher = await staffSession(t.faro.database, 'dispatcher');
  legal = await staffSession(t.faro.database, 'legal');
  ({ incidentId, responder: recorder } = await responderOutOnIncident(t, ['en_route']));
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function signedIn(session: StaffSession, viewport = { width: 360, height: 640 }) {
  const context: BrowserContext = await browser.newContext({
    locale: 'en-US',
    viewport,
    geolocation: { latitude: BOYLE_HEIGHTS.lat, longitude: BOYLE_HEIGHTS.lng },
    permissions: ['geolocation', 'camera', 'microphone'],
  });
  await context.addCookies([{ name: 'faro_session', value: session.token, url: t.baseUrl }]);
  return { context, page: await context.newPage() };
}

const items = async () =>
  expectStatus(await client(t, legal).get(`/api/incidents/${incidentId}/evidence`), 200).body.items as {
    id: string;
    state: string;
    chunks: number;
    sha256: string | null;
  }[];
const safeText = (page: Page) => page.getByTestId('evidence-safe').textContent();
const seconds = (text: string | null) => {
  const match = /up to (\d+):(\d\d)/.exec(text ?? '');
  return match ? Number(match[1]) * 60 + Number(match[2]) : -1;
};

describe('recording on the scene', () => {
  it('keeps what reached the server when the connection drops, and completes when it returns', async () => {
    const { context, page } = await signedIn(recorder);
    await page.goto(`${t.baseUrl}/responder`);
    const card = page.locator('[data-testid="assignment-card"][data-state="en_route"]');
    await card.waitFor({ timeout: 10_000 });
    await card.getByText(/kept 90 days/).waitFor();
    await card.getByRole('button', { name: 'Record video' }).click();
    await page.getByTestId('evidence-stop').waitFor();
    // Slices arrive while it records: the phone says so, from what the server answered.
    await expect
      .poll(async () => seconds(await safeText(page)), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(2);
    await page.waitForTimeout(8_000);

    await context.setOffline(true);
    const [partial] = await items();
    expect(partial?.chunks).toBeGreaterThanOrEqual(4);
    const atDrop = partial?.chunks ?? 0;
    // The phone is offline: slices wait on it, and it says how much is safe.
    await expect.poll(() => safeText(page), { timeout: 10_000 }).toMatch(/parts? waits? on this phone/);
    // What the server holds now verifies up to its last slice.
    const check = expectStatus(await client(t, legal).get(`/api/evidence/${partial?.id}/verify`), 200).body;
    expect(check).toMatchObject({ ok: true, complete: false });
    expect(check.chunks).toBeGreaterThanOrEqual(atDrop);
    await page.waitForTimeout(6_000);

    await context.setOffline(false);
    await expect.poll(() => safeText(page), { timeout: 20_000 }).toMatch(/^Safe on the server up to/);
    await page.getByTestId('evidence-stop').click();
    await expect.poll(() => safeText(page), { timeout: 20_000 }).toMatch(/^All of it is safe on the server/);

    const [done] = await items();
    expect(done).toMatchObject({ state: 'complete' });
    expect(done?.chunks).toBeGreaterThan(atDrop + 2);
    expect(done?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(
      expectStatus(await client(t, legal).get(`/api/evidence/${done?.id}/verify`), 200).body,
    ).toMatchObject({ ok: true, complete: true, sha256: done?.sha256 });
    await context.close();
  });

  it('plays back for the legal team, and the playing is in the chain of custody', async () => {
    const { context, page } = await signedIn(legal, { width: 1280, height: 800 });
    await page.goto(`${t.baseUrl}/evidence`);
    await page.getByRole('heading', { name: 'Evidence', level: 1 }).waitFor();
    await page.getByTestId('evidence-item').first().getByRole('button').click();
    await page
      .getByTestId('custody-check')
      .getByText(/The chain of custody holds/)
      .waitFor();
    await page.evaluate("document.querySelector('[data-testid=evidence-player]').play()");
    await expect
      .poll(
        () => page.evaluate<number>("document.querySelector('[data-testid=evidence-player]').currentTime"),
        {
          timeout: 15_000,
        },
      )
      .toBeGreaterThan(0.5);
    const [item] = await items();
    const custody = expectStatus(await client(t, legal).get(`/api/evidence/${item?.id}/custody`), 200).body;
    expect(custody.entries.map((entry: { event: string }) => entry.event)).toContain('viewed');
    await context.close();
  });

  it('sends a file already on the phone through the resumable path', async () => {
    const { context, page } = await signedIn(recorder);
    await page.goto(`${t.baseUrl}/responder`);
    const file = Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from('ftypmp42'),
      Buffer.alloc(3 * 1024 * 1024 + 99, 7),
    ]);
    await page
      .getByLabel('Or send a video, recording or photo already on this phone')
      .setInputFiles({ name: 'clip.mp4', mimeType: 'video/mp4', buffer: file });
    await expect
      .poll(() => page.getByTestId('upload-state').textContent(), { timeout: 20_000 })
      .toMatch(/^All 3 MB are safe/);
    const uploaded = (await items()).find((item) => item.state === 'complete' && item.chunks === 4);
    expect(uploaded?.sha256).toBe(createHash('sha256').update(file).digest('hex'));
    await context.close();
  });

  it('shows the legal team a photo’s working copy, without its metadata, and keeps the original to download', async () => {
    const serial = 'R58R123ABC';
    const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#3a6ea5' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'Samsung', Model: 'SM-A125U' }, IFD2: { BodySerialNumber: serial } })
      .toBuffer();
    const phone = await signedIn(recorder);
    await phone.page.goto(`${t.baseUrl}/responder`);
    await phone.page
      .getByLabel('Or send a video, recording or photo already on this phone')
      .setInputFiles({ name: 'scene.jpg', mimeType: 'image/jpeg', buffer: photo });
    await expect
      .poll(() => phone.page.getByTestId('upload-state').textContent(), { timeout: 20_000 })
      .toMatch(/^All .* MB are safe/);
    await phone.context.close();

    const { context, page } = await signedIn(legal, { width: 1280, height: 800 });
    await page.goto(`${t.baseUrl}/evidence`);
    await page.getByTestId('evidence-item').filter({ hasText: 'Photo' }).first().getByRole('button').click();
    const image = page.getByTestId('evidence-photo');
    // The copy is made by a job a moment after the photo completes; the page asks again until it is.
    await image.waitFor({ timeout: 20_000 });
    expect(await image.getAttribute('alt')).toMatch(/^Evidence photo received .+ \(working copy\)$/);
    await expect
      .poll(
        () => page.evaluate<number>("document.querySelector('[data-testid=evidence-photo]').naturalWidth"),
        { timeout: 10_000 },
      )
      .toBe(1200);
    const shown = await page.evaluate(
      async (src) => {
        const bytes = new Uint8Array(await (await fetch(src)).arrayBuffer());
        return Array.from(bytes);
      },
      (await image.getAttribute('src')) ?? '',
    );
    expect(Buffer.from(shown).includes(Buffer.from(serial))).toBe(false);
    const download = page.getByRole('link', { name: 'Download the original' });
    expect(await download.getAttribute('href')).toMatch(/\/original\?download=1$/);
    const original = await page.evaluate(
      async (href) => {
        const bytes = new Uint8Array(await (await fetch(href)).arrayBuffer());
        return Array.from(bytes);
      },
      (await download.getAttribute('href')) ?? '',
    );
    expect(createHash('sha256').update(Buffer.from(original)).digest('hex')).toBe(
      createHash('sha256').update(photo).digest('hex'),
    );
    await expectAccessible(page);
    await context.close();
  });
});
