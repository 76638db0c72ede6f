import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, expectStatus } from './support/client.js';
import { BOYLE_HEIGHTS, buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { openSse, type SseMessage } from './support/sse.js';
import { incidentIdOf, onShiftResponder, responderOutOnIncident } from './support/state.js';
import { entriesOf } from './support/zip.js';

/**
 * Issue 15 on the dispatch board: the open incident lists its evidence
 * items (facts only), and the board hears when one starts, comes back after
 * a stall, or completes — one `incident.updated` each, not one per slice —
 * so the open panel refetches without polling for everything.
 */
let t: TestFaro;
let dispatcher: StaffSession;
let recorder: StaffSession;
let incidentId: string;
/** The clock moves on: a recording that stopped sending is partial after two minutes. */
let offsetMs = 0;

const webm = (size: number) => Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), randomBytes(size)]);

beforeAll(async () => {
  t = await startTestFaro({ listen: true, now: () => new Date(Date.now() + offsetMs) });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  ({ incidentId, responder: recorder } = await responderOutOnIncident(t));
});
afterAll(async () => t?.stop());

const aboutIncident = (m: SseMessage) =>
  m.event === 'incident.updated' && m.data.includes(`"id":"${incidentId}"`);
const slice = (itemId: string, seq: number, bytes: Buffer) =>
  client(t, recorder).put(`/api/evidence/${itemId}/slices/${seq}`, bytes, {
    'content-type': 'application/octet-stream',
  });
const listed = async () =>
  expectStatus(await client(t, dispatcher).get(`/api/incidents/${incidentId}/evidence`), 200).body.items as {
    id: string;
    state: string;
    bytes: number;
    kind: string;
    recorder?: unknown;
  }[];

describe('the board and an incident’s evidence', () => {
  it('hears an item start, come back after a stall and complete, not each slice', async () => {
    const board = await openSse(`${t.baseUrl}/api/events`, dispatcher.headers);
    try {
      await board.waitFor((m) => m.event === 'ready');
      const before = board.messages.filter(aboutIncident).length;
      const item = expectStatus(
        await client(t, recorder).post(`/api/incidents/${incidentId}/evidence`, {
          kind: 'video',
          contentType: 'video/webm',
        }),
        201,
      ).body;
      await board.waitFor((m) => aboutIncident(m) && board.messages.filter(aboutIncident).length > before);
      const started = board.messages.filter(aboutIncident).length;

      for (const [index, bytes] of [webm(4_000), randomBytes(4_000), randomBytes(4_000)].entries())
        expectStatus(await slice(item.id, index + 1, bytes), 200);
      // The dispatcher sees it arriving, its facts only (who recorded it is for the legal team).
      const [arriving] = await listed();
      expect(arriving).toMatchObject({ id: item.id, kind: 'video', state: 'receiving', bytes: 12_004 });
      expect(arriving?.recorder).toBeUndefined();

      // Silent for three minutes (the phone taken): partial, without any event.
      offsetMs += 3 * 60_000;
      expect((await listed())[0]?.state).toBe('partial');
      // Its slices come back (queued on the phone offline): the board hears it, once.
      expectStatus(await slice(item.id, 4, randomBytes(4_000)), 200);
      await board.waitFor(() => board.messages.filter(aboutIncident).length > started);
      const resumed = board.messages.filter(aboutIncident).length;
      expect((await listed())[0]?.state).toBe('receiving');
      expectStatus(await slice(item.id, 5, randomBytes(4_000)), 200);

      expectStatus(
        await client(t, recorder).post(`/api/evidence/${item.id}/finish`, { chunks: 5, durationMs: 10_000 }),
        200,
      );
      await board.waitFor(() => board.messages.filter(aboutIncident).length > resumed);
      // Events come in order: by the time completion is heard, any for slice 5 would have been too.
      expect(board.messages.filter(aboutIncident).length).toBe(started + 2);
      expect((await listed())[0]).toMatchObject({ state: 'complete', bytes: 20_004 });
    } finally {
      await board.close();
    }
  });

  it('hears an upload of an existing file complete', async () => {
    const board = await openSse(`${t.baseUrl}/api/events`, dispatcher.headers);
    try {
      await board.waitFor((m) => m.event === 'ready');
      const file = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), randomBytes(5_000)]);
      const metadata = { kind: 'video', filetype: 'video/mp4', incidentId };
      const created = await fetch(`${t.baseUrl}/api/evidence/uploads`, {
        method: 'POST',
        headers: {
          ...recorder.headers,
          'tus-resumable': '1.0.0',
          'upload-length': String(file.length),
          'upload-metadata': Object.entries(metadata)
            .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
            .join(','),
        },
      });
      expect(created.status).toBe(201);
      await board.waitFor(aboutIncident);
      const afterStart = board.messages.filter(aboutIncident).length;
      const patched = await fetch(new URL(String(created.headers.get('location')), t.baseUrl), {
        method: 'PATCH',
        headers: {
          ...recorder.headers,
          'tus-resumable': '1.0.0',
          'upload-offset': '0',
          'content-type': 'application/offset+octet-stream',
        },
        body: file,
      });
      expect(patched.status).toBe(204);
      await board.waitFor(() => board.messages.filter(aboutIncident).length > afterStart);
      expect((await listed()).find((item) => item.bytes === file.length)?.state).toBe('complete');
    } finally {
      await board.close();
    }
  });

  it('lists nothing to a responder not out on it, nor to an approver', async () => {
    const bystander = await onShiftResponder(t);
    const approver = await staffSession(t.faro.database, 'approver');
    for (const who of [bystander, approver])
      expect(
        expectStatus(await client(t, who).get(`/api/incidents/${incidentId}/evidence`), 200).body.items,
      ).toEqual([]);
    expect((await listed()).length).toBe(2);
  });

  it('gathers the evidence of an incident merged into another on the one the work goes on in', async () => {
    const ours = (await listed()).map((item) => item.id).sort();
    // A report far from the first: an incident of its own.
    const sent = expectStatus(
      await client(t).post(
        '/api/reports',
        buildReportInput({
          activity: 'checkpoint',
          location: { lat: BOYLE_HEIGHTS.lat + 0.05, lng: BOYLE_HEIGHTS.lng + 0.05, place: 'Another corner' },
        }),
      ),
      201,
    );
    await t.faro.grouper?.settle();
    const other = await incidentIdOf(t, sent.body.id);
    expect(other).not.toBe(incidentId);
    const ofOther = async () =>
      expectStatus(await client(t, dispatcher).get(`/api/incidents/${other}/evidence`), 200).body.items as {
        id: string;
        incidentId: string;
      }[];
    expect(await ofOther()).toEqual([]);

    expectStatus(
      await client(t, dispatcher).post(`/api/incidents/${other}/merge`, { incidentIds: [incidentId] }),
      200,
    );
    // Each item still says where it was recorded; the merged-into incident lists them all.
    const gathered = await ofOther();
    expect(gathered.map((item) => item.id).sort()).toEqual(ours);
    expect(gathered.every((item) => item.incidentId === incidentId)).toBe(true);
    // And an export of that incident for counsel holds them.
    const legal = await staffSession(t.faro.database, 'legal');
    const reply = await t.faro.app.inject({
      method: 'POST',
      url: '/api/evidence/export',
      headers: { ...legal.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ incidentId: other, language: 'en' }),
    });
    expect(reply.statusCode).toBe(200);
    const dir = await mkdtemp(path.join(tmpdir(), 'faro-merged-'));
    try {
      await writeFile(path.join(dir, 'bundle.zip'), reply.rawPayload);
      const entries = await entriesOf(path.join(dir, 'bundle.zip'));
      const manifest = JSON.parse(String(entries.get('manifest.json'))) as { items: { id: string }[] };
      expect(manifest.items.map((item) => item.id).sort()).toEqual(ours);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
