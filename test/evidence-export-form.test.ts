import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { verifyBundle } from '../src/server/modules/evidence/bundle-verify.js';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { auditEntries, responderOutOnIncident } from './support/state.js';

/**
 * Issue 15, the legal page's export button: the bundle (1–2 GB) must reach
 * the disk as it arrives, so the page posts a plain HTML form and the browser
 * saves the answer; a script's fetch would hold it in memory. The route takes
 * that form beside its JSON, with the same validation, the session's CSRF
 * token as a field, and nothing from another site's page.
 */
let t: TestFaro;
let legal: StaffSession;
let dispatcher: StaffSession;
let recorder: StaffSession;
let incidentId: string;
const items: string[] = [];
let dir: string;

const webm = (size: number) => Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), randomBytes(size)]);

beforeAll(async () => {
  t = await startTestFaro();
  dir = await mkdtemp(path.join(tmpdir(), 'faro-form-bundles-'));
  legal = await staffSession(t.faro.database, 'legal');
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  ({ incidentId, responder: recorder } = await responderOutOnIncident(t));
  for (let n = 0; n < 3; n += 1) {
    const item = expectStatus(
      await client(t, recorder).post(`/api/incidents/${incidentId}/evidence`, {
        kind: 'video',
        contentType: 'video/webm',
      }),
      201,
    ).body;
    expectStatus(
      await client(t, recorder).put(`/api/evidence/${item.id}/slices/1`, webm(3_000 + n), {
        'content-type': 'application/octet-stream',
      }),
      200,
    );
    expectStatus(await client(t, recorder).post(`/api/evidence/${item.id}/finish`, { chunks: 1 }), 200);
    items.push(item.id);
  }
});
afterAll(async () => {
  await t?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A form as the legal page posts it: cookie only (a form cannot send headers), fields in the body. */
const form = (
  fields: [string, string][],
  who: StaffSession | null = legal,
  browser: Record<string, string> = { 'sec-fetch-site': 'same-origin', origin: 'http://localhost' },
) =>
  t.faro.app.inject({
    method: 'POST',
    url: '/api/evidence/export',
    headers: {
      ...(who ? { cookie: who.headers.cookie } : {}),
      'content-type': 'application/x-www-form-urlencoded',
      ...browser,
    },
    payload: new URLSearchParams(fields).toString(),
  });
const token = (who: StaffSession = legal): [string, string] => ['csrfToken', who.csrfToken];
const exports = async () => (await auditEntries(t, { action: 'evidence.exported' })).length;
const custodyEvents = async (item: string) =>
  expectStatus(await client(t, legal).get(`/api/evidence/${item}/custody`), 200).body.entries.map(
    (entry: { event: string }) => entry.event,
  );
const saved = async (payload: Buffer) => {
  const file = path.join(dir, `${Math.random()}.zip`);
  await writeFile(file, payload);
  return file;
};
/** One file of a ZIP, read whole (small test bundles only). */
async function entry(file: string, name: string): Promise<Buffer> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  return new Promise<Buffer>((resolve, reject) => {
    zip.on('entry', async (found: yauzl.Entry) => {
      if (found.fileName !== name) return zip.readEntry();
      const parts: Buffer[] = [];
      for await (const part of await zip.openReadStreamPromise(found)) parts.push(part as Buffer);
      zip.close();
      resolve(Buffer.concat(parts));
    });
    zip.on('end', () => reject(new Error(`${name} is not in the bundle`)));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** Where a refused form is sent back to, as the page reads it. */
const sentBackTo = (reply: { statusCode: number; headers: Record<string, unknown> }) => {
  expect(reply.statusCode).toBe(303);
  const location = new URL(String(reply.headers.location), 'http://localhost');
  expect(location.pathname).toBe('/evidence');
  return Object.fromEntries(location.searchParams);
};

describe('the export posted as a form by the legal page', () => {
  it('sends a selection as a ZIP to save, in the page’s language, that verifies', async () => {
    const [first, , third] = items;
    const reply = await form([
      token(),
      ['itemIds', first ?? ''],
      ['itemIds', third ?? ''],
      ['language', 'es'],
    ]);
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('application/zip');
    expect(reply.headers['content-disposition']).toMatch(
      /^attachment; filename="faro-evidence-[0-9a-f-]+\.zip"$/,
    );
    const file = await saved(reply.rawPayload);
    const result = await verifyBundle(file, { language: 'es' });
    expect(result.ok, JSON.stringify(result.lines)).toBe(true);
    const manifest = JSON.parse((await entry(file, 'manifest.json')).toString());
    expect(manifest.language).toBe('es');
    expect(manifest.selection).toEqual({ itemIds: [first, third] });
    expect(manifest.items.map((item: { id: string }) => item.id).sort()).toEqual([first, third].sort());
  });

  it('sends all the items of an incident', async () => {
    const reply = await form([token(), ['incidentId', incidentId], ['language', 'en']]);
    expect(reply.statusCode).toBe(200);
    const result = await verifyBundle(await saved(reply.rawPayload));
    expect(result.ok).toBe(true);
    for (const item of items) expect(await custodyEvents(item)).toContain('exported');
  });

  it('still takes JSON with the CSRF header, and JSON without it not at all', async () => {
    const json = (headers: Record<string, string>) =>
      t.faro.app.inject({
        method: 'POST',
        url: '/api/evidence/export',
        headers: { ...headers, 'content-type': 'application/json' },
        payload: JSON.stringify({ itemIds: [items[1]], csrfToken: legal.csrfToken }),
      });
    expect((await json(legal.headers)).statusCode).toBe(200);
    // A token in a JSON body is no token: JSON needs the header, as on every other route.
    const refused = await json({ cookie: legal.headers.cookie });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.details.reason).toBe('csrf');
  });

  it('is validated as the JSON is: each refusal sends the page back saying why, with nothing exported', async () => {
    const before = await exports();
    const unknown = '00000000-0000-4000-8000-000000000000';
    const cases: [[string, string][], string][] = [
      [[token(), ['itemIds', unknown]], 'NOT_FOUND'],
      [[token(), ['itemIds', items[0] ?? ''], ['itemIds', unknown]], 'NOT_FOUND'],
      [[token(), ['incidentId', unknown]], 'NOT_FOUND'],
      [[token()], 'VALIDATION'],
      [[token(), ['incidentId', incidentId], ['itemIds', items[0] ?? '']], 'VALIDATION'],
      [[token(), ['itemIds', 'not-an-id']], 'VALIDATION'],
      [[token(), ['incidentId', incidentId], ['language', 'fr']], 'VALIDATION'],
    ];
    for (const [fields, code] of cases) {
      const reply = await form(fields);
      expect(sentBackTo(reply), JSON.stringify(fields)).toEqual({ exportError: code });
    }
    // More ids than an export takes: the same limit as JSON.
    const many = Array.from({ length: 501 }, (): [string, string] => ['itemIds', unknown]);
    expect(sentBackTo(await form([token(), ...many]))).toEqual({ exportError: 'VALIDATION' });
    expect(await exports()).toBe(before);
  });

  it('needs the session’s token: missing or wrong, nothing is exported', async () => {
    const before = await exports();
    for (const fields of [
      [['itemIds', items[0] ?? '']],
      [
        ['csrfToken', 'not-the-token'],
        ['itemIds', items[0] ?? ''],
      ],
      [token(dispatcher), ['itemIds', items[0] ?? '']],
    ] as [string, string][][])
      expect(sentBackTo(await form(fields))).toEqual({ exportError: 'FORBIDDEN', reason: 'csrf' });
    expect(await exports()).toBe(before);
  });

  it('refuses a dispatcher’s form as it refuses their JSON', async () => {
    const before = await exports();
    expect(sentBackTo(await form([token(dispatcher), ['itemIds', items[0] ?? '']], dispatcher))).toEqual({
      exportError: 'FORBIDDEN',
    });
    expect(await exports()).toBe(before);
  });

  it('refuses a hostile form posted from another site’s page, even one that somehow holds the token', async () => {
    const before = await exports();
    const fields: [string, string][] = [token(), ['incidentId', incidentId]];
    const hostile: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site', origin: 'https://evil.localhost' },
      { origin: 'https://evil.example' },
      // A sandboxed frame or a data: page.
      { origin: 'null' },
    ];
    for (const browser of hostile) {
      const reply = await form(fields, legal, browser);
      expect(reply.statusCode, JSON.stringify(browser)).toBe(403);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(reply.json().error).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'csrf' } });
      expect(reply.headers.location).toBeUndefined();
    }
    // What a browser really sends from another site: no cookie (SameSite=Strict).
    const anonymous = await form(fields, null, {
      'sec-fetch-site': 'cross-site',
      origin: 'https://evil.example',
    });
    expect(anonymous.statusCode).toBe(401);
    expect(await exports()).toBe(before);
  });

  it('takes the token as a form field on this route only', async () => {
    const reply = await t.faro.app.inject({
      method: 'PUT',
      url: `/api/evidence/${items[0]}/hold`,
      headers: {
        cookie: legal.headers.cookie,
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'same-origin',
      },
      payload: new URLSearchParams([token(), ['reason', 'a hearing on Monday']]).toString(),
    });
    expect(reply.statusCode).toBe(403);
    expect(reply.json().error.details.reason).toBe('csrf');
    expect(await custodyEvents(items[0] ?? '')).not.toContain('hold_set');
  });
});
