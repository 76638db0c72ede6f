import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, expectStatus } from '../support/client.js';
import { BOYLE_HEIGHTS } from '../support/factories.js';
import { startTestFaro, type TestFaro } from '../support/faro.js';
import { type StaffSession, staffSession } from '../support/sessions.js';
import { responderOutOnIncident } from '../support/state.js';
import { launchChromium } from './browser.js';
import { expectAccessible } from './harness.js';

/**
 * Issue 15, observer notes: the partner who is not filming writes what they
 * see on the note pad, one tap adding the time. Three entries reach the
 * server as they are added; the connection drops and a fourth waits on the
 * phone, which says so; a reload goes on with the note; back online it
 * arrives, the note is finished, and the legal team reads it with the time
 * each entry was written and the time it reached the server.
 */
let t: TestFaro;
let browser: Browser;
let legal: StaffSession;
let recorder: StaffSession;
let incidentId: string;

const TEXTS = [
  'Two agents at the door of the laundromat',
  'They ask the owner for papers',
  'One agent walks to the back',
  'A grey van leaves toward 1st St',
];

beforeAll(async () => {
  t = await startTestFaro({ listen: true, env: { WEB_DIST_DIR: path.resolve('dist/web') } });
  browser = await launchChromium();
  legal = await staffSession(t.faro.database, 'legal');
  ({ incidentId, responder: recorder } = await responderOutOnIncident(t, ['en_route', 'on_scene']));
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
    permissions: ['geolocation'],
  });
  await context.addCookies([{ name: 'faro_session', value: session.token, url: t.baseUrl }]);
  return { context, page: await context.newPage() };
}

const notes = async () =>
  (
    expectStatus(await client(t, legal).get(`/api/incidents/${incidentId}/evidence`), 200).body.items as {
      id: string;
      kind: string;
      state: string;
      chunks: number;
      sha256: string | null;
    }[]
  ).filter((item) => item.kind === 'note');

/** One entry, as an observer writes it: the time first (one tap), then the text, then Add or Enter. */
async function write(pad: Locator, text: string, send: 'click' | 'double' | 'enter') {
  await pad.getByRole('button', { name: 'Insert the time' }).click();
  const field = pad.getByLabel('Your note');
  await expect.poll(() => field.inputValue()).toMatch(/^\d{1,2}:\d\d:\d\d [AP]M $/);
  await field.pressSequentially(text);
  if (send === 'enter') await field.press('Enter');
  // A hurried double tap adds the entry once.
  else
    await pad
      .getByRole('button', { name: 'Add', exact: true })
      .click({ clickCount: send === 'double' ? 2 : 1 });
  await expect.poll(() => field.inputValue()).toBe('');
}

const status = (page: Page) => page.getByTestId('notes-safe').textContent();

describe('observer notes', () => {
  it('keeps what reached the server when the connection drops, goes on after a reload, and finishes', async () => {
    const { context, page } = await signedIn(recorder);
    await page.goto(`${t.baseUrl}/responder`);
    const pad = page.getByTestId('observer-notes');
    await pad.waitFor({ timeout: 10_000 });
    await expectAccessible(page);

    await write(pad, TEXTS[0] as string, 'click');
    await write(pad, TEXTS[1] as string, 'double');
    await write(pad, TEXTS[2] as string, 'click');
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe('All 3 notes are safe on the server.');
    const entries = pad.getByTestId('note-entry');
    expect(await entries.count()).toBe(3);
    // Each as the observer wrote it (the time they tapped in first), and when it was added.
    expect(await entries.nth(0).textContent()).toMatch(
      new RegExp(`^\\d{1,2}:\\d\\d:\\d\\d [AP]M ${TEXTS[0]} \\(added \\d{1,2}:\\d\\d:\\d\\d [AP]M\\)$`),
    );
    const [partial] = await notes();
    expect(partial).toMatchObject({ state: 'receiving', chunks: 3 });

    // The connection drops: the fourth waits on the phone, and the phone says so.
    await context.setOffline(true);
    await write(pad, TEXTS[3] as string, 'enter');
    await expect
      .poll(() => status(page), { timeout: 10_000 })
      .toBe('3 of 4 notes safe on the server; the rest wait on this phone for a connection.');
    expect((await notes())[0]?.chunks).toBe(3);
    await expectAccessible(page);

    // The page is reloaded while the fourth still cannot go: the pad goes on with the note, and
    // keeps on the phone only the text the server does not have yet.
    await context.route('**/api/evidence/*/slices/*', (route) => route.abort('internetdisconnected'));
    await context.setOffline(false);
    await page.reload();
    await pad.waitFor();
    await expect
      .poll(() => status(page), { timeout: 10_000 })
      .toBe('3 of 4 notes safe on the server; the rest wait on this phone for a connection.');
    await pad
      .getByText('3 earlier notes are safe on the server; this phone no longer keeps their text.')
      .waitFor();
    expect(await entries.count()).toBe(1);
    expect(await entries.first().textContent()).toContain(TEXTS[3]);

    // The connection is back: the fourth arrives.
    await context.unroute('**/api/evidence/*/slices/*');
    await expect.poll(() => status(page), { timeout: 20_000 }).toBe('All 4 notes are safe on the server.');
    expect((await notes())[0]?.chunks).toBe(4);

    await pad.getByRole('button', { name: 'Finish notes' }).click();
    await expect
      .poll(() => status(page), { timeout: 15_000 })
      .toBe('Notes finished: all 4 are safe on the server.');
    const [done] = await notes();
    expect(done).toMatchObject({
      state: 'complete',
      chunks: 4,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(
      expectStatus(await client(t, legal).get(`/api/evidence/${done?.id}/verify`), 200).body,
    ).toMatchObject({
      ok: true,
      complete: true,
      sha256: done?.sha256,
    });
    await context.close();
  });

  it('is read by the legal team with when each note was written and when it reached the server', async () => {
    const { context, page } = await signedIn(legal, { width: 1280, height: 800 });
    await page.goto(`${t.baseUrl}/evidence`);
    await page.getByRole('heading', { name: 'Evidence', level: 1 }).waitFor();
    await page
      .getByTestId('evidence-item')
      .getByRole('button', { name: /^Observer notes/ })
      .click();
    await page.getByTestId('custody-check').waitFor();
    await page.getByRole('button', { name: 'Read the notes' }).click();
    const rows = page.getByTestId('note-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(4);
    for (const [index, text] of TEXTS.entries()) {
      const cells = rows.nth(index).locator('td');
      expect(await cells.nth(0).textContent()).toBe(String(index + 1));
      // Added on the phone, then on the server (each to the second), then the text as written.
      expect(await cells.nth(1).textContent()).toMatch(/^\d{1,2}:\d\d:\d\d [AP]M$/);
      expect(await cells.nth(2).textContent()).toMatch(/^\d{1,2}:\d\d:\d\d [AP]M$/);
      expect(await cells.nth(3).textContent()).toMatch(new RegExp(`^\\d{1,2}:\\d\\d:\\d\\d [AP]M ${text}$`));
    }
    // The fourth waited on the phone: it reached the server after it was written.
    const times = async (cell: number) =>
      rows.nth(3).locator('td').nth(cell).locator('time').getAttribute('datetime');
    expect(Date.parse((await times(2)) ?? '')).toBeGreaterThan(Date.parse((await times(1)) ?? ''));
    // Reading it opened the original: it is in the chain of custody.
    await page.getByRole('cell', { name: 'Opened' }).waitFor();
    await expectAccessible(page);
    const [note] = await notes();
    const custody = expectStatus(await client(t, legal).get(`/api/evidence/${note?.id}/custody`), 200).body;
    expect(custody.entries.map((entry: { event: string }) => entry.event)).toEqual([
      'received',
      'completed',
      'viewed',
    ]);
    await context.close();
  });
});
