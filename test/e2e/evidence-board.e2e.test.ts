import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { grantMembership } from '../../src/server/modules/access/users.repo.js';
import { verifyBundle } from '../../src/server/modules/evidence/bundle-verify.js';
import { client, expectStatus } from '../support/client.js';
import { startTestFaro, type TestFaro } from '../support/faro.js';
import { createPerson } from '../support/people.js';
import { type StaffSession, sessionFor, staffSession } from '../support/sessions.js';
import { responderOutOnIncident } from '../support/state.js';
import { launchChromium } from './browser.js';
import { expectAccessible } from './harness.js';

/**
 * Issue 15 on the board and the legal page: a dispatcher sees what was
 * recorded on an incident — its facts and state, kept live, never a player —
 * and the legal team exports a selection or a whole incident as a bundle the
 * browser saves to disk, which `faro evidence verify` accepts with the key
 * fingerprint the page gives.
 */
let t: TestFaro;
let browser: Browser;
let dispatcher: StaffSession;
let legal: StaffSession;
let recorder: StaffSession;
let incidentId: string;
let dir: string;
const ids: { arriving: string; sound: string; later: string } = { arriving: '', sound: '', later: '' };
let soundSha = '';

const webm = (size: number) => Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), randomBytes(size)]);
const ogg = (size: number) => Buffer.concat([Buffer.from('OggS'), randomBytes(size)]);

/** An item started and sent slice by slice; finished (with its length) unless `durationMs` is null. */
async function record(kind: 'video' | 'audio', slices: Buffer[], durationMs: number | null) {
  const item = expectStatus(
    await client(t, recorder).post(`/api/incidents/${incidentId}/evidence`, {
      kind,
      contentType: kind === 'video' ? 'video/webm' : 'audio/ogg',
    }),
    201,
  ).body;
  for (const [index, bytes] of slices.entries())
    expectStatus(
      await client(t, recorder).put(`/api/evidence/${item.id}/slices/${index + 1}`, bytes, {
        'content-type': 'application/octet-stream',
      }),
      200,
    );
  if (durationMs !== null) await finish(item.id, slices.length, durationMs);
  return item.id as string;
}
const finish = async (id: string, chunks: number, durationMs: number) =>
  expectStatus(await client(t, recorder).post(`/api/evidence/${id}/finish`, { chunks, durationMs }), 200);

beforeAll(async () => {
  t = await startTestFaro({ listen: true, env: { WEB_DIST_DIR: path.resolve('dist/web') } });
  browser = await launchChromium();
  dir = await mkdtemp(path.join(tmpdir(), 'faro-e2e-bundles-'));
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  legal = await staffSession(t.faro.database, 'legal');
  ({ incidentId, responder: recorder } = await responderOutOnIncident(t));
  const sound = [ogg(20_000), randomBytes(25_000)];
  soundSha = createHash('sha256').update(Buffer.concat(sound)).digest('hex');
  ids.sound = await record('audio', sound, 9_000);
  ids.arriving = await record('video', [webm(30_000), randomBytes(30_000)], null);
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function signedIn(session: StaffSession, locale = 'en-US') {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: 'faro_session', value: session.token, url: t.baseUrl }]);
  return { context, page: await context.newPage() };
}

/** The ids of the items a bundle holds, from its manifest. */
async function bundleItems(file: string): Promise<{ ids: string[]; language: string }> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  const manifest = await new Promise<Buffer>((resolve, reject) => {
    zip.on('entry', async (entry: yauzl.Entry) => {
      if (entry.fileName !== 'manifest.json') return zip.readEntry();
      const parts: Buffer[] = [];
      for await (const part of await zip.openReadStreamPromise(entry)) parts.push(part as Buffer);
      zip.close();
      resolve(Buffer.concat(parts));
    });
    zip.on('end', () => reject(new Error('no manifest.json')));
    zip.readEntry();
  });
  const parsed = JSON.parse(manifest.toString()) as { items: { id: string }[]; language: string };
  return { ids: parsed.items.map((item) => item.id).sort(), language: parsed.language };
}

/** Clicks an export button and saves what the browser downloads. */
async function download(page: Page, button: string, name: string) {
  const [saved] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  expect(saved.suggestedFilename()).toMatch(/^faro-evidence-[0-9a-f-]+\.zip$/);
  const file = path.join(dir, name);
  await saved.saveAs(file);
  return file;
}

describe('the incident’s evidence on the board', () => {
  it('shows a dispatcher each item’s facts and state, live, and no way to open an original', async () => {
    const { context, page } = await signedIn(dispatcher);
    await page.goto(`${t.baseUrl}/dispatch?incident=${incidentId}`);
    const panel = page.getByTestId('incident-evidence');
    await panel.getByRole('heading', { name: 'Evidence (2)' }).waitFor({ timeout: 15_000 });
    const rows = panel.getByTestId('incident-evidence-item');
    expect(await rows.count()).toBe(2);

    const sound = rows.filter({ hasText: 'Sound recording' });
    await sound.getByText('Complete').waitFor();
    await sound.getByText('0:09').waitFor();
    await sound.getByText('44 kB').waitFor();
    const hash = sound.getByTestId('evidence-hash');
    expect(await hash.textContent()).toBe(soundSha.slice(0, 12));
    expect(await hash.getAttribute('title')).toBe(soundSha);

    const arriving = rows.filter({ hasText: 'Video' });
    expect(await arriving.getAttribute('data-state')).toBe('receiving');
    await arriving.getByText('Arriving').waitFor();
    await arriving.getByText('once complete').waitFor();

    // Facts only: no player, no download, no link to the legal page (a dispatcher is not on the legal team).
    expect(await page.locator('[data-testid="incident-evidence"] :is(video, audio, a)').count()).toBe(0);
    expect(await page.locator('a[href*="/original"]').count()).toBe(0);
    await expectAccessible(page);

    // The recording completes: the panel follows without a reload.
    await finish(ids.arriving, 2, 12_000);
    await arriving.getByText('Complete').waitFor({ timeout: 15_000 });
    await arriving.getByText('0:12').waitFor();
    // Nothing is arriving now, so nothing polls: a new item can only come through the live event.
    ids.later = await record('audio', [ogg(5_000)], 2_000);
    await panel.getByRole('heading', { name: 'Evidence (3)' }).waitFor({ timeout: 8_000 });
    await context.close();
  });

  it('says in one line when there is none, in Spanish too', async () => {
    const other = expectStatus(
      await client(t).post('/api/reports', {
        language: 'es',
        activity: 'patrol',
        location: { lat: 34.95, lng: -116.5, place: 'Junto a la tienda' },
        observedAt: new Date().toISOString(),
        firsthand: true,
      }),
      201,
    ).body;
    await t.faro.grouper?.settle();
    const report = expectStatus(await client(t, dispatcher).get(`/api/reports/${other.id}`), 200).body;
    const { context, page } = await signedIn(dispatcher, 'es-MX');
    await page.goto(`${t.baseUrl}/dispatch?incident=${report.report.incidentId}`);
    const panel = page.getByTestId('incident-evidence');
    await panel.getByText('No se ha grabado evidencia en este incidente.').waitFor({ timeout: 15_000 });
    expect(await panel.locator('p').count()).toBe(1);
    await context.close();
  });
});

describe('the legal page', () => {
  it('is linked from the board for someone who is on the legal team too, and Back returns to the board', async () => {
    const person = await createPerson(t.faro.database, t.faro.box, { role: 'dispatcher' });
    const [membership] = (
      await t.faro.database.pool.query('select organization_id from memberships where user_id = $1', [
        person.id,
      ])
    ).rows as { organization_id: string }[];
    await grantMembership(t.faro.database.db, person.id, membership?.organization_id ?? '', 'legal');
    const { context, page } = await signedIn(await sessionFor(t.faro.database, person.id));
    await page.goto(`${t.baseUrl}/dispatch?incident=${incidentId}`);
    const sound = page
      .getByTestId('incident-evidence-item')
      .filter({ hasText: 'Sound recording' })
      .filter({ hasText: '0:09' });
    await sound.getByRole('link', { name: /^Open Sound recording received at / }).click({ timeout: 15_000 });
    await page
      .getByTestId('evidence-detail')
      .getByRole('heading', { name: /^Sound recording/ })
      .waitFor();
    expect(new URL(page.url()).searchParams.get('item')).toBe(ids.sound);
    await page.goBack();
    await page.getByTestId('incident-evidence').waitFor();
    await context.close();
  });

  it('opens an item by its address, and Back returns to the one before', async () => {
    const { context, page } = await signedIn(legal);
    await page.goto(`${t.baseUrl}/evidence?item=${ids.sound}`);
    const detail = page.getByTestId('evidence-detail');
    await detail.getByRole('heading', { name: /^Sound recording/ }).waitFor({ timeout: 15_000 });
    await page.getByTestId('evidence-item').filter({ hasText: 'Video' }).getByRole('button').click();
    await detail.getByRole('heading', { name: /^Video/ }).waitFor();
    expect(new URL(page.url()).searchParams.get('item')).toBe(ids.arriving);
    await page.goBack();
    await detail.getByRole('heading', { name: /^Sound recording/ }).waitFor();
    await context.close();
  });

  it('exports a selection to disk, says what it holds and how to check it, and the bundle verifies', async () => {
    const { context, page } = await signedIn(legal);
    await page.goto(`${t.baseUrl}/evidence`);
    await page.getByTestId('evidence-item').first().waitFor({ timeout: 15_000 });
    await page.getByLabel(/^Select for export: Sound recording · .* · 0:09 · 44 kB$/).check();
    await page.getByLabel(/^Select for export: Video/).check();
    await page
      .getByTestId('export-selected')
      .getByText(/^The bundle will hold 2 items: 103 kB of originals/)
      .waitFor();

    const file = await download(page, 'Export selected (2)', 'selection.zip');
    expect(await bundleItems(file)).toEqual({ ids: [ids.sound, ids.arriving].sort(), language: 'en' });
    // What a lawyer is told to run, with the fingerprint the page gives: it passes.
    const check = page.getByTestId('export-check');
    await check.getByRole('heading', { name: 'How to check the bundle' }).waitFor();
    await expect
      .poll(() => check.getByTestId('verify-command').textContent())
      .toMatch(/^faro evidence verify faro-evidence-….zip --key [0-9a-f]{64}$/);
    const command = (await check.getByTestId('verify-command').textContent()) ?? '';
    const fingerprint = /--key ([0-9a-f]{64})/.exec(command)?.[1];
    expect(await check.getByTestId('key-url').textContent()).toBe(
      `${t.baseUrl}/.well-known/faro-evidence-key`,
    );
    const verified = await verifyBundle(file, { key: fingerprint });
    expect(verified.ok, verified.lines.map((line) => line.text).join('\n')).toBe(true);
    await expectAccessible(page);
    await context.close();
  });

  it('exports all of an incident’s items in Spanish from the incident’s own view', async () => {
    const { context, page } = await signedIn(legal, 'es-MX');
    await page.goto(`${t.baseUrl}/evidence?item=${ids.sound}`);
    await page.getByTestId('incident-items').click();
    await page.getByTestId('evidence-incident').waitFor({ timeout: 15_000 });
    const file = await download(page, 'Exportar los 3 elementos de este incidente', 'incident.zip');
    expect(await bundleItems(file)).toEqual({
      ids: [ids.sound, ids.arriving, ids.later].sort(),
      language: 'es',
    });
    expect((await verifyBundle(file)).ok).toBe(true);
    await page.getByTestId('export-check').getByText('Cómo comprobar el paquete').waitFor();
    await expectAccessible(page);
    await context.close();
  });

  it('says clearly when the server refuses an export, and stays on the page', async () => {
    const doomed = await record('audio', [ogg(7_000)], 4_000);
    const { context, page } = await signedIn(legal);
    await page.goto(`${t.baseUrl}/evidence`);
    await page.getByLabel(/^Select for export: Sound recording · .* · 0:04 · /).check({ timeout: 15_000 });
    // Gone by the time the form is sent: as far as this coalition is concerned, it no longer exists.
    await t.faro.database.pool.query(
      `with other as (insert into coalitions (name, slug) values ('Elsewhere', 'elsewhere-e2e') returning id)
       update evidence_items set coalition_id = (select id from other) where id = $1`,
      [doomed],
    );
    await page.getByRole('button', { name: 'Export selected (1)' }).click();
    const refused = page.getByTestId('export-refused');
    await refused
      .getByText('The bundle was not made. Some of these items no longer exist or cannot be exported.', {
        exact: false,
      })
      .waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).pathname).toBe('/evidence');
    await expectAccessible(page);
    await refused.getByRole('button', { name: 'Dismiss' }).click();
    await refused.waitFor({ state: 'detached' });
    await context.close();
  });
});
