import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { auditEntries, onShiftResponder, responderOutOnIncident } from './support/state.js';

/**
 * Issue 15: what a responder records reaches counsel intact. A recording is
 * sent slice by slice while it is made, sealed as it arrives; what reached
 * the server before a phone was taken verifies up to its last slice; only
 * the legal team opens originals, and each opening is in the item's chain of
 * custody and the audit log. Anyone else is told nothing exists.
 */
let t: TestFaro;
let dispatcher: StaffSession;
let legal: StaffSession;
let recorder: StaffSession;
let bystander: StaffSession;
let incidentId: string;

const MARKER = Buffer.from('FARO-PLAINTEXT-MARKER-7f3a');
/** A WebM recording's slices as MediaRecorder hands them over: the first starts with the EBML header. */
const slices = [
  Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), MARKER, randomBytes(40_000)]),
  Buffer.concat([randomBytes(30_000), MARKER, randomBytes(30_000)]),
  Buffer.concat([randomBytes(25_000), MARKER]),
];
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  t = await startTestFaro();
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  legal = await staffSession(t.faro.database, 'legal');
  ({ incidentId, responder: recorder } = await responderOutOnIncident(t));
  bystander = await onShiftResponder(t);
});
afterAll(async () => t?.stop());

const start = (who: StaffSession | null, body: object = { kind: 'video', contentType: 'video/webm' }) =>
  client(t, who).post(`/api/incidents/${incidentId}/evidence`, body);
const putSlice = (who: StaffSession | null, itemId: string, seq: number, bytes: Buffer, hash = sha(bytes)) =>
  client(t, who).put(`/api/evidence/${itemId}/slices/${seq}`, bytes, {
    'content-type': 'application/octet-stream',
    'x-content-sha256': hash,
  });

describe('a recording sent while it is made', () => {
  let itemId: string;

  it('is started by the responder out on the incident, and by nobody else', async () => {
    expectStatus(await start(null), 401);
    expectStatus(await start(bystander), 404);
    expectStatus(await start(legal), 403);
    expectStatus(await start(recorder, { kind: 'video', contentType: 'application/x-msdownload' }), 415);
    // The phone names the recording (it may have begun without a connection): sent twice, one item.
    const id = randomUUID();
    const started = expectStatus(
      await start(recorder, { id, kind: 'video', contentType: 'video/webm' }),
      201,
    ).body;
    expect(started).toMatchObject({ id, state: 'receiving', chunks: 0, bytes: 0, mine: true });
    expect(started.recorder).toBeUndefined();
    expect(
      expectStatus(await start(recorder, { id, kind: 'video', contentType: 'video/webm' }), 200).body.id,
    ).toBe(id);
    // Someone else cannot take that id over, nor learn it exists.
    expectStatus(await start(dispatcher, { id, kind: 'video', contentType: 'video/webm' }), 404);
    itemId = started.id;
  });

  it('keeps each slice as it arrives: a partial recording verifies up to its last slice', async () => {
    // Not the recorder: nothing exists.
    expectStatus(await putSlice(bystander, itemId, 1, slices[0] as Buffer), 404);
    expectStatus(await putSlice(dispatcher, itemId, 1, slices[0] as Buffer), 404);
    // The first slice must be what the item says it is.
    expectStatus(await putSlice(recorder, itemId, 1, Buffer.from('MZ not a video at all')), 415);
    // Damaged on the way.
    expectStatus(await putSlice(recorder, itemId, 1, slices[0] as Buffer, sha(Buffer.from('other'))), 400);

    const one = expectStatus(await putSlice(recorder, itemId, 1, slices[0] as Buffer), 200).body;
    expect(one).toMatchObject({ chunks: 1, bytes: slices[0]?.length });
    // The same slice again (an answer lost on the way) is taken once.
    expect(expectStatus(await putSlice(recorder, itemId, 1, slices[0] as Buffer), 200).body).toEqual(one);
    // A different slice in a taken place, or a gap: refused, with what comes next.
    expect(
      expectStatus(await putSlice(recorder, itemId, 1, slices[1] as Buffer), 409).body.error.details,
    ).toEqual({
      expected: 2,
    });
    expect(
      expectStatus(await putSlice(recorder, itemId, 3, slices[2] as Buffer), 409).body.error.details,
    ).toEqual({
      expected: 2,
    });
    expectStatus(await putSlice(recorder, itemId, 2, slices[1] as Buffer), 200);

    // The phone is taken here: what the server has verifies, up to slice 2.
    const check = expectStatus(await client(t, legal).get(`/api/evidence/${itemId}/verify`), 200).body;
    expect(check).toEqual({
      ok: true,
      chunks: 2,
      bytes: (slices[0]?.length ?? 0) + (slices[1]?.length ?? 0),
      complete: false,
      sha256: null,
    });
  });

  it('completes with the last slice, hashed from what is stored and compared with the phone’s hash', async () => {
    expectStatus(await putSlice(recorder, itemId, 3, slices[2] as Buffer), 200);
    const whole = Buffer.concat(slices);
    expectStatus(
      await client(t, recorder).post(`/api/evidence/${itemId}/finish`, {
        chunks: 3,
        sha256: sha(Buffer.from('x')),
      }),
      400,
    );
    expectStatus(await client(t, recorder).post(`/api/evidence/${itemId}/finish`, { chunks: 2 }), 409);
    const done = expectStatus(
      await client(t, recorder).post(`/api/evidence/${itemId}/finish`, {
        chunks: 3,
        sha256: sha(whole),
        durationMs: 21_000,
      }),
      200,
    ).body;
    expect(done).toMatchObject({
      state: 'complete',
      sha256: sha(whole),
      bytes: whole.length,
      durationMs: 21_000,
    });
    // Nothing more can be added to a complete item.
    expectStatus(await putSlice(recorder, itemId, 4, slices[2] as Buffer), 409);
    expect(
      expectStatus(await client(t, legal).get(`/api/evidence/${itemId}/verify`), 200).body,
    ).toMatchObject({
      ok: true,
      complete: true,
      sha256: sha(whole),
    });
  });

  it('shows its facts to dispatchers and opens the original to the legal team only', async () => {
    const seen = expectStatus(
      await client(t, dispatcher).get(`/api/incidents/${incidentId}/evidence`),
      200,
    ).body;
    expect(seen.items).toHaveLength(1);
    expect(seen.items[0]).toMatchObject({ kind: 'video', state: 'complete', mine: false });
    expect(seen.items[0].recorder).toBeUndefined();
    // Another responder of the coalition sees nothing, and cannot ask for it by id.
    expect(
      expectStatus(await client(t, bystander).get(`/api/incidents/${incidentId}/evidence`), 200).body.items,
    ).toEqual([]);
    expectStatus(await client(t, bystander).get(`/api/evidence/${itemId}`), 404);
    for (const who of [dispatcher, recorder, bystander])
      expectStatus(await client(t, who).get(`/api/evidence/${itemId}/original`), 403);
    expectStatus(await client(t).get(`/api/evidence/${itemId}/original`), 401);

    const forLegal = expectStatus(
      await client(t, legal).get(`/api/incidents/${incidentId}/evidence`),
      200,
    ).body;
    expect(forLegal.items[0].recorder).toMatchObject({ role: 'responder' });

    const original = await t.faro.app.inject({
      url: `/api/evidence/${itemId}/original?download=1`,
      headers: legal.headers,
    });
    expect(original.statusCode).toBe(200);
    expect(original.headers['content-type']).toContain('video/webm');
    expect(original.headers['cache-control']).toBe('private, no-store');
    expect(original.rawPayload.equals(Buffer.concat(slices))).toBe(true);

    const custody = expectStatus(await client(t, legal).get(`/api/evidence/${itemId}/custody`), 200).body;
    expect(custody.check).toEqual({ ok: true, entries: 3 });
    expect(custody.entries.map((entry: { event: string }) => entry.event)).toEqual([
      'received',
      'completed',
      'downloaded',
    ]);
    expect(custody.entries[2]).toMatchObject({
      role: 'legal',
      session: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    const audited = await auditEntries(t, { action: 'evidence.downloaded', actorId: legal.userId });
    expect(audited.length).toBeGreaterThanOrEqual(1);
    expect((await auditEntries(t, { action: 'evidence.custody_read' })).length).toBeGreaterThanOrEqual(1);
  });

  it('keeps no plaintext in the database', async () => {
    // The search does find the marker where it is (so that finding nothing below means something).
    const control = await t.faro.database.db.execute<{ at: number }>(
      sql`select position(${MARKER}::bytea in ${Buffer.concat([Buffer.from('xx'), MARKER])}::bytea)::int as at`,
    );
    expect(control.rows[0]?.at).toBe(3);
    const rows = await t.faro.database.db.execute<{ found: number }>(
      sql`select count(*)::int as found from evidence_chunks where position(${MARKER}::bytea in sealed) > 0`,
    );
    expect(rows.rows[0]?.found).toBe(0);
    const stored = await t.faro.database.db.execute<{ chunks: number }>(
      sql`select count(*)::int as chunks from evidence_chunks`,
    );
    expect(stored.rows[0]?.chunks).toBeGreaterThanOrEqual(3);
  });

  it('names what was altered: a custody row, a chunk', async () => {
    // The database refuses a change to the log…
    await expect(
      t.faro.database.db.execute(sql`update evidence_custody set actor_role = 'dispatcher' where seq = 2`),
    ).rejects.toThrow();
    // …and someone who can switch that off is caught by the hashes.
    await t.faro.database.db.execute(sql`alter table evidence_custody disable trigger user`);
    await t.faro.database.db.execute(
      sql`update evidence_custody set actor_role = 'dispatcher' where item_id = ${itemId} and seq = 2`,
    );
    await t.faro.database.db.execute(sql`alter table evidence_custody enable trigger user`);
    expect(
      expectStatus(await client(t, legal).get(`/api/evidence/${itemId}/verify`), 200).body,
    ).toMatchObject({
      ok: false,
      failure: { at: 'custody', seq: 2, reason: 'hash' },
    });

    // One flipped byte in a stored chunk: the item fails at that chunk.
    await t.faro.database.db.execute(
      // Flipped, not set: a byte set to zero that already was zero would change nothing (1 time in 256).
      sql`update evidence_chunks set sealed = set_byte(sealed, 39, get_byte(sealed, 39) # 255) where item_id = ${itemId} and seq = 2`,
    );
    expect(expectStatus(await client(t, legal).get(`/api/evidence/${itemId}/verify`), 200).body).toEqual({
      ok: false,
      failure: { at: 'chunk', seq: 2, reason: 'seal' },
      verifiedChunks: 1,
    });
  });
});

describe('retention and legal holds', () => {
  async function recorded(): Promise<string> {
    const item = expectStatus(await start(recorder, { kind: 'audio', contentType: 'audio/ogg' }), 201).body;
    expectStatus(
      await putSlice(recorder, item.id, 1, Buffer.concat([Buffer.from('OggS'), randomBytes(2000)])),
      200,
    );
    expectStatus(await client(t, recorder).post(`/api/evidence/${item.id}/finish`, { chunks: 1 }), 200);
    return item.id;
  }

  it('keeps a held original past its retention, and deletes the others keeping their custody log', async () => {
    const [held, free] = [await recorded(), await recorded()];
    // Only the legal team holds, and says why.
    expectStatus(
      await client(t, dispatcher).put(`/api/evidence/${held}/hold`, { reason: 'NTA hearing' }),
      403,
    );
    expectStatus(await client(t, legal).put(`/api/evidence/${held}/hold`, { reason: '' }), 400);
    expect(
      expectStatus(
        await client(t, legal).put(`/api/evidence/${held}/hold`, { reason: 'Bond hearing 12/18' }),
        200,
      ).body,
    ).toMatchObject({ held: true });

    // Both are past their retention (the clock moved on 91 days).
    await t.faro.database.db.execute(
      sql`update evidence_items set retain_until = now() - interval '1 day' where id in (${held}, ${free})`,
    );
    const job = t.faro.jobDefinitions.retention;
    await t.faro.jobs.send(job, {});
    await t.faro.jobs.drain(job);

    expectStatus(await client(t, legal).get(`/api/evidence/${held}/original`), 200);
    expectStatus(await client(t, legal).get(`/api/evidence/${free}/original`), 410);
    const freeFacts = expectStatus(await client(t, legal).get(`/api/evidence/${free}`), 200).body;
    expect(freeFacts).toMatchObject({ deleted: true, held: false });
    const custody = expectStatus(await client(t, legal).get(`/api/evidence/${free}/custody`), 200).body;
    expect(custody.check.ok).toBe(true);
    expect(custody.entries.at(-1)).toMatchObject({
      event: 'deleted',
      actor: null,
      details: { reason: 'retention' },
    });

    // Lifting the hold is in the log; the next run deletes it.
    expectStatus(await client(t, legal).delete(`/api/evidence/${held}/hold`, { reason: 'Case closed' }), 200);
    await t.faro.jobs.send(job, {});
    await t.faro.jobs.drain(job);
    expectStatus(await client(t, legal).get(`/api/evidence/${held}/original`), 410);
    const heldLog = expectStatus(await client(t, legal).get(`/api/evidence/${held}/custody`), 200).body;
    expect(heldLog.entries.map((entry: { event: string }) => entry.event)).toEqual([
      'received',
      'completed',
      'hold_set',
      'viewed',
      'hold_lifted',
      'deleted',
    ]);
    expect(heldLog.check).toEqual({ ok: true, entries: 6 });
    // The legal team reads the reasons; the database keeps them sealed.
    expect(heldLog.entries[2].details).toEqual({ reason: 'Bond hearing 12/18' });
    const stored = await t.faro.database.db.execute<{ details: { reason: string } }>(
      sql`select details from evidence_custody where item_id = ${held} and event = 'hold_set'`,
    );
    expect(stored.rows[0]?.details.reason).toMatch(/^v2\.[0-9a-f]{8}\./);
  });
});
