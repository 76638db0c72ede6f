import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../src/server/modules/evidence/bundle-verify.js';
import {
  NOTE_ENTRY_MAX_BYTES,
  NOTE_MAX_BYTES,
  noteEntry,
  readNoteEntry,
} from '../src/shared/evidence-notes.js';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { auditEntries, onShiftResponder, responderOutOnIncident } from './support/state.js';
import { entriesOf } from './support/zip.js';

/**
 * Issue 15, observer notes: legal observers work in pairs, one films, one
 * writes notes with times. Each entry the observer adds is sent at once as the
 * next slice of one note item (text/plain, UTF-8), sealed and chained like a
 * recording, the time it reached the server kept with it; only the legal team
 * reads the text, and reading it is in the note's chain of custody.
 */
let t: TestFaro;
let dispatcher: StaffSession;
let legal: StaffSession;
let recorder: StaffSession;
let bystander: StaffSession;
let incidentId: string;
let dir: string;
/** The server's clock, moved on by the tests: when each entry reached the server is evidence. */
let offsetMs = 0;

const MARKER = 'FARO-NOTE-MARKER-5c1e';
const written = (minute: number, second: number) => new Date(2026, 2, 2, 14, minute, second);
const entries = [
  noteEntry(written(3, 12), `14:03:12 Two agents at the door of the laundromat ${MARKER}`),
  noteEntry(
    written(3, 40),
    '14:03:30 They ask the owner for papers.\n14:03:38 She says she will not answer. ñ ✓',
  ),
  noteEntry(written(5, 2), '14:04:55 One agent walks to the back.'),
].map((text) => Buffer.from(text, 'utf8'));
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  t = await startTestFaro({ now: () => new Date(Date.now() + offsetMs) });
  dir = await mkdtemp(path.join(tmpdir(), 'faro-notes-'));
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  legal = await staffSession(t.faro.database, 'legal');
  ({ incidentId, responder: recorder } = await responderOutOnIncident(t));
  bystander = await onShiftResponder(t);
});
afterAll(async () => {
  await t?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const startNote = (who: StaffSession | null, body: object = { kind: 'note', contentType: 'text/plain' }) =>
  client(t, who).post(`/api/incidents/${incidentId}/evidence`, body);
const putEntry = (who: StaffSession | null, itemId: string, seq: number, bytes: Buffer) =>
  client(t, who).put(`/api/evidence/${itemId}/slices/${seq}`, bytes, {
    'content-type': 'application/octet-stream',
    'x-content-sha256': sha(bytes),
  });
const finish = (who: StaffSession | null, itemId: string, body: object) =>
  client(t, who).post(`/api/evidence/${itemId}/finish`, body);

describe('an observer’s note', () => {
  let noteId: string;
  const receivedAt: string[] = [];

  it('is started as text by the responder out on the incident, and by nobody else', async () => {
    expectStatus(await startNote(null), 401);
    expectStatus(await startNote(legal), 403);
    expectStatus(await startNote(bystander), 404);
    // A note is text: nothing else is kept under its name.
    const refused = expectStatus(await startNote(recorder, { kind: 'note', contentType: 'video/webm' }), 415);
    expect(refused.body.error.message).toBe('A note may be text/plain.');
    const id = randomUUID();
    const started = expectStatus(
      await startNote(recorder, {
        id,
        kind: 'note',
        contentType: 'text/plain; charset=utf-8',
        deviceStartedAt: written(3, 12).toISOString(),
      }),
      201,
    ).body;
    expect(started).toMatchObject({
      id,
      kind: 'note',
      source: 'note',
      contentType: 'text/plain',
      state: 'receiving',
      chunks: 0,
      mine: true,
    });
    noteId = id;
  });

  it('keeps each entry as it arrives, with the time it reached the server', async () => {
    for (const [index, entry] of entries.slice(0, 2).entries()) {
      offsetMs = index * 61_000;
      const before = Date.now() + offsetMs;
      expect(expectStatus(await putEntry(recorder, noteId, index + 1, entry), 200).body.chunks).toBe(
        index + 1,
      );
      receivedAt.push(new Date(before).toISOString());
    }
    const chunks = expectStatus(await client(t, legal).get(`/api/evidence/${noteId}/chunks`), 200).body
      .chunks;
    expect(chunks).toEqual([
      {
        seq: 1,
        offset: 0,
        bytes: entries[0]?.length,
        sha256: sha(entries[0] as Buffer),
        receivedAt: expect.any(String),
      },
      {
        seq: 2,
        offset: entries[0]?.length,
        bytes: entries[1]?.length,
        sha256: sha(entries[1] as Buffer),
        receivedAt: expect.any(String),
      },
    ]);
    // The server's own clock at each entry (moved on a minute between them), to the millisecond.
    for (const [index, chunk] of chunks.entries()) {
      const kept = Date.parse(chunk.receivedAt);
      expect(kept - Date.parse(receivedAt[index] as string)).toBeGreaterThanOrEqual(0);
      expect(kept - Date.parse(receivedAt[index] as string)).toBeLessThan(5_000);
    }
    expect(Date.parse(chunks[1].receivedAt) - Date.parse(chunks[0].receivedAt)).toBeGreaterThanOrEqual(
      60_000,
    );
    // The phone is taken here: what the server has verifies up to the second entry.
    expect(
      expectStatus(await client(t, legal).get(`/api/evidence/${noteId}/verify`), 200).body,
    ).toMatchObject({
      ok: true,
      chunks: 2,
      complete: false,
    });
  });

  it('refuses an entry that is not UTF-8 text, or too long, as JSON, and keeps what it has', async () => {
    const refusals: [Buffer, number, object][] = [
      [Buffer.from([0x31, 0x34, 0x3a, 0xff, 0xfe, 0x41]), 415, { reason: 'note_not_utf8' }],
      // A surrogate encoded as UTF-8 (CESU), and an overlong slash: not UTF-8 either.
      [Buffer.from([0xed, 0xa0, 0x80]), 415, { reason: 'note_not_utf8' }],
      [Buffer.from([0xc0, 0xaf]), 415, { reason: 'note_not_utf8' }],
      [Buffer.from('a photo?\u0000\u0001', 'utf8'), 415, { reason: 'note_control_character' }],
      [Buffer.alloc(NOTE_ENTRY_MAX_BYTES + 1, 0x61), 413, { limitBytes: NOTE_ENTRY_MAX_BYTES }],
    ];
    for (const [bytes, status, details] of refusals) {
      const reply = expectStatus(await putEntry(recorder, noteId, 3, bytes), status);
      expect(reply.headers['content-type']).toContain('application/json');
      expect(reply.body.error).toMatchObject({ details, message: expect.any(String) });
    }
    expect(expectStatus(await client(t, recorder).get(`/api/evidence/${noteId}`), 200).body).toMatchObject({
      chunks: 2,
      bytes: (entries[0]?.length ?? 0) + (entries[1]?.length ?? 0),
    });
  });

  it('is the recorder’s alone: anyone else adding to it or finishing it is told it does not exist', async () => {
    for (const who of [bystander, dispatcher, legal]) {
      expectStatus(await putEntry(who, noteId, 3, entries[2] as Buffer), who === legal ? 403 : 404);
      expectStatus(await finish(who, noteId, { chunks: 2 }), who === legal ? 403 : 404);
    }
    expectStatus(await putEntry(null, noteId, 3, entries[2] as Buffer), 401);
    expectStatus(await client(t, bystander).get(`/api/evidence/${noteId}`), 404);
    // Nor can a note be taken over by starting it again under another person.
    expectStatus(await startNote(bystander, { id: noteId, kind: 'note', contentType: 'text/plain' }), 404);
  });

  it('is finished by its recorder, hashed by the server from what it stores', async () => {
    offsetMs = 3 * 61_000;
    expectStatus(await putEntry(recorder, noteId, 3, entries[2] as Buffer), 200);
    const whole = Buffer.concat(entries);
    expectStatus(await finish(recorder, noteId, { chunks: 2 }), 409);
    expectStatus(await finish(recorder, noteId, { chunks: 3, sha256: sha(Buffer.from('other')) }), 400);
    expect(expectStatus(await finish(recorder, noteId, { chunks: 3 }), 200).body).toMatchObject({
      kind: 'note',
      state: 'complete',
      sha256: sha(whole),
      bytes: whole.length,
      durationMs: null,
    });
    expectStatus(await putEntry(recorder, noteId, 4, entries[2] as Buffer), 409);
    expect(expectStatus(await client(t, legal).get(`/api/evidence/${noteId}/verify`), 200).body).toEqual({
      ok: true,
      chunks: 3,
      bytes: whole.length,
      complete: true,
      sha256: sha(whole),
    });
  });

  it('shows dispatchers that it exists, never its text', async () => {
    const listed = expectStatus(
      await client(t, dispatcher).get(`/api/incidents/${incidentId}/evidence`),
      200,
    );
    const note = listed.body.items.find((item: { id: string }) => item.id === noteId);
    expect(note).toMatchObject({
      kind: 'note',
      source: 'note',
      contentType: 'text/plain',
      state: 'complete',
    });
    expect(note.recorder).toBeUndefined();
    expect(listed.text).not.toContain(MARKER);
    expect(listed.text).not.toContain('laundromat');
    for (const url of [`/api/evidence/${noteId}/original`, `/api/evidence/${noteId}/chunks`]) {
      for (const who of [dispatcher, recorder, bystander]) expectStatus(await client(t, who).get(url), 403);
      expectStatus(await client(t).get(url), 401);
    }
    expect(await auditEntries(t, { action: 'evidence.viewed' })).toEqual([]);
  });

  it('is read by the legal team as the original, each reading in its chain of custody and the audit log', async () => {
    const original = await t.faro.app.inject({
      url: `/api/evidence/${noteId}/original`,
      headers: legal.headers,
    });
    expect(original.statusCode).toBe(200);
    expect(original.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(original.headers['x-content-type-options']).toBe('nosniff');
    expect(original.rawPayload.equals(Buffer.concat(entries))).toBe(true);
    // Each entry, cut at its chunk's length, reads back as the time the phone wrote it and the text.
    const chunks = expectStatus(await client(t, legal).get(`/api/evidence/${noteId}/chunks`), 200).body
      .chunks;
    const read = chunks.map((chunk: { offset: number; bytes: number }) =>
      readNoteEntry(original.rawPayload.subarray(chunk.offset, chunk.offset + chunk.bytes).toString('utf8')),
    );
    expect(read[1]).toEqual({
      writtenAt: expect.stringMatching(/^2026-03-02T14:03:40\.000[+-]\d\d:\d\d$/),
      text: '14:03:30 They ask the owner for papers.\n14:03:38 She says she will not answer. ñ ✓',
    });
    expect(Date.parse(read[1].writtenAt)).toBe(written(3, 40).getTime());

    const custody = expectStatus(await client(t, legal).get(`/api/evidence/${noteId}/custody`), 200).body;
    expect(custody.entries.map((entry: { event: string }) => entry.event)).toEqual([
      'received',
      'completed',
      'viewed',
    ]);
    expect(custody.check.ok).toBe(true);
    expect(await auditEntries(t, { action: 'evidence.viewed', actorId: legal.userId })).toHaveLength(1);
  });

  it('is kept sealed: its text is nowhere in the database in clear', async () => {
    const marker = Buffer.from(MARKER);
    const { rows } = await t.faro.database.db.execute<{ found: number; chunks: number }>(
      sql`select count(*) filter (where position(${marker}::bytea in sealed) > 0)::int as found,
                 count(*)::int as chunks
            from evidence_chunks where item_id = ${noteId}`,
    );
    expect(rows[0]).toEqual({ found: 0, chunks: 3 });
    const custody = await t.faro.database.db.execute<{ details: string }>(
      sql`select details::text from evidence_custody where item_id = ${noteId}`,
    );
    expect(JSON.stringify(custody.rows)).not.toContain(MARKER);
  });

  it('holds at most its limit, refused at the entry that would pass it', async () => {
    const full = expectStatus(await startNote(recorder), 201).body.id;
    const entry = Buffer.alloc(NOTE_ENTRY_MAX_BYTES, 0x61);
    const count = NOTE_MAX_BYTES / NOTE_ENTRY_MAX_BYTES;
    for (let seq = 1; seq <= count; seq += 1) expectStatus(await putEntry(recorder, full, seq, entry), 200);
    const refused = expectStatus(await putEntry(recorder, full, count + 1, Buffer.from('one more')), 413);
    expect(refused.body.error.details).toEqual({ limitBytes: NOTE_MAX_BYTES });
    expect(expectStatus(await client(t, recorder).get(`/api/evidence/${full}`), 200).body).toMatchObject({
      bytes: NOTE_MAX_BYTES,
      chunks: count,
    });
    // What it holds is whole: it finishes and verifies.
    expectStatus(await finish(recorder, full, { chunks: count }), 200);
  }, 120_000);
});

describe('a bundle with a note', () => {
  it('holds the note as a .txt, shows it is a note with when each entry arrived, and verifies', async () => {
    const [note] = (
      expectStatus(await client(t, legal).get(`/api/incidents/${incidentId}/evidence`), 200).body.items as {
        id: string;
        kind: string;
        chunks: number;
      }[]
    ).filter((item) => item.kind === 'note' && item.chunks === 3);
    const reply = await t.faro.app.inject({
      method: 'POST',
      url: '/api/evidence/export',
      headers: { ...legal.headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ itemIds: [note?.id], language: 'en' }),
    });
    expect(reply.statusCode).toBe(200);
    const file = path.join(dir, 'notes.zip');
    await writeFile(file, reply.rawPayload);
    const zipped = await entriesOf(file);
    const name = `originals/001-note-${note?.id}.txt`;
    expect([...zipped.keys()]).toEqual([name, 'manifest.json', 'manifest.html', 'signature.json']);
    expect(zipped.get(name)?.equals(Buffer.concat(entries))).toBe(true);

    const manifest = JSON.parse(String(zipped.get('manifest.json')));
    expect(manifest.items[0]).toMatchObject({
      kind: 'note',
      source: 'note',
      contentType: 'text/plain',
      chunks: 3,
    });
    expect(manifest.items[0].chunkHashes).toEqual(
      entries.map((entry) => ({
        bytes: entry.length,
        sha256: sha(entry),
        receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      })),
    );
    const html = String(zipped.get('manifest.html'));
    expect(html).toContain('<h3>Observer notes <code>');
    expect(html).toContain('Entries as the server received them: 3');
    for (const chunk of manifest.items[0].chunkHashes)
      expect(html).toContain(`<code>${chunk.receivedAt}</code>`);
    // The manifest is facts: the text is in the original only.
    expect(html).not.toContain(MARKER);

    const result = await verifyBundle(file);
    expect(result.lines.filter((line) => line.status === 'fail')).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.lines.map((line) => line.key)).toEqual(
      expect.arrayContaining(['fileOk', 'chainOk', 'custodyOk', 'signedFileOk']),
    );
    // A changed letter in the note is caught, and named.
    const at = reply.rawPayload.indexOf(Buffer.from(MARKER));
    const copy = Buffer.from(reply.rawPayload);
    copy[at] = (copy[at] ?? 0) ^ 0x01;
    const changed = path.join(dir, 'notes-changed.zip');
    await writeFile(changed, copy);
    const failed = await verifyBundle(changed);
    expect(failed.ok).toBe(false);
    expect(failed.lines.filter((line) => line.status === 'fail').map((line) => line.key)).toContain(
      'fileHash',
    );
  });
});
