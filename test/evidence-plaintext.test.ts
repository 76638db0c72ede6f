import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateNodeFS } from '../src/server/db/private-folder.js';
import { client, expectStatus } from './support/client.js';
import { createPgliteDatabaseIn, createTestDatabase, type TestDatabase } from './support/db.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import {
  catalogDump,
  filesUnder,
  formsIn,
  formsOf,
  searchFiles as searchFilesFor,
  withByteaDecoded,
} from './support/plaintext.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { responderOutOnIncident } from './support/state.js';

/**
 * Issue 15 ("Evidence"): the database dump and the data folder hold no
 * plaintext of an uploaded file. Files carrying a marker string hundreds of
 * times go up through the real tus path and the recording-slice path, with
 * the marker in every piece of metadata a client can send too. Then the
 * marker is searched for — as it is, and as UTF-16, hex and base64, the forms
 * a naive store could keep it in — in every row of every table (both
 * engines; pg_dump's output is searched by the browser tier, which may call
 * PostgreSQL's programs: test/e2e/database-dump.e2e.test.ts), in every file of
 * a real PGlite data folder after a checkpoint and a close and in PGlite's own
 * dump of it, and in whatever was written to the temp folder meanwhile. The
 * legal team reads each original back with the marker in it, and control
 * strings stored in clear are found by the same searches: finding nothing
 * means something.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);
const MARKER = `FARO-PLAINTEXT-${randomBytes(8).toString('hex')}`;
/** Stored in clear on purpose (a table of this test's own): each search must find it. */
const CONTROL = `FARO-CONTROL-${randomBytes(8).toString('hex')}`;
const marker = Buffer.from(MARKER);

const MARKER_FORMS = formsOf(MARKER);
const CONTROL_FORMS = formsOf(CONTROL);
/** The forms of `forms` (the marker's unless told) that `bytes` holds. */
const found = (bytes: Buffer, forms = MARKER_FORMS) => formsIn(bytes, forms);

/** Random bytes with the marker every few KiB: incompressible, so a store that compressed would show it too. */
function marked(size: number): Buffer {
  const parts: Buffer[] = [];
  let length = 0;
  while (length < size) {
    const filler = randomBytes(randomInt(500, 4000));
    parts.push(filler, marker);
    length += filler.length + marker.length;
  }
  return Buffer.concat(parts).subarray(0, size);
}
/** An MP4 as a camera roll has it (an `ftyp` box first), 2.5 MiB: two whole chunks and a tail. */
const VIDEO = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom'),
  Buffer.alloc(12),
  marker,
  marked(2.5 * 1024 * 1024),
]);
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), marker, marked(300_000)]);
/** A WebM recording's slices; the first starts with the EBML header. */
const SLICES = [
  Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), marker, marked(200_000)]),
  marked(300_000),
  Buffer.concat([marked(100_000), marker]),
];
/** Nothing but the marker: no type Faro keeps, refused on its first bytes. */
const MARKERS_ONLY = Buffer.from(MARKER.repeat(20_000));
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const b64 = (text: string) => Buffer.from(text).toString('base64');

let t: TestFaro;
let db: TestDatabase;
/** The folder of the PGlite data folder (and whatever Faro writes beside it). */
let folder = '';
let stopped = false;
let recorder: StaffSession;
let legal: StaffSession;
let incidentId: string;
const startedAt = Date.now();
/** The evidence items kept, with the bytes each must read back as. */
const kept: { id: string; bytes: Buffer }[] = [];

beforeAll(async () => {
  if (onPostgres) db = await createTestDatabase();
  else {
    folder = await mkdtemp(path.join(tmpdir(), 'faro-plaintext-'));
    db = await createPgliteDatabaseIn(path.join(folder, 'data'));
  }
  t = await startTestFaro({ listen: true, db });
  legal = await staffSession(t.faro.database, 'legal');
  ({ incidentId, responder: recorder } = await responderOutOnIncident(t));
  await db.database.pool.query('create table test_plaintext_control (note text, bytes bytea)');
  await db.database.pool.query('insert into test_plaintext_control values ($1, $2)', [
    `${CONTROL} in clear`,
    Buffer.from(`${CONTROL} as bytes`),
  ]);
});
afterAll(async () => {
  if (!stopped) {
    await t?.stop();
    await db?.database.close();
  }
  await db?.drop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** A request over a real connection, as the marker's own device (its User-Agent says so too). */
async function send(
  who: StaffSession | null,
  method: string,
  url: string,
  headers: Record<string, string | number>,
  body?: Buffer | string,
) {
  const response = await fetch(new URL(url, t.baseUrl), {
    method,
    headers: Object.fromEntries(
      Object.entries({ 'user-agent': MARKER, ...(who?.headers ?? {}), ...headers }).map(([k, v]) => [
        k,
        String(v),
      ]),
    ),
    body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}
const tus = (
  who: StaffSession,
  method: string,
  url: string,
  headers: Record<string, string | number>,
  body?: Buffer,
) => send(who, method, url, { 'tus-resumable': '1.0.0', ...headers }, body);
const createUpload = (length: number, metadata: Record<string, string>) =>
  tus(recorder, 'POST', '/api/evidence/uploads', {
    'upload-length': length,
    'upload-metadata': Object.entries(metadata)
      .map(([key, value]) => `${key} ${b64(value)}`)
      .join(','),
  });
const patch = (url: string, offset: number, bytes: Buffer) =>
  tus(
    recorder,
    'PATCH',
    url,
    { 'upload-offset': offset, 'content-type': 'application/offset+octet-stream' },
    bytes,
  );
const putSlice = (itemId: string, seq: number, bytes: Buffer, hash = sha(bytes)) =>
  send(
    recorder,
    'PUT',
    `/api/evidence/${itemId}/slices/${seq}`,
    {
      'content-type': 'application/octet-stream',
      'x-content-sha256': hash,
    },
    bytes,
  );
const json = (who: StaffSession, method: string, url: string, body: object) =>
  send(who, method, url, { 'content-type': 'application/json' }, JSON.stringify(body));

/** Where each file holds the marker's forms (and, for the control, which files hold the control). */
const searchFiles = (files: string[], tolerant = false) =>
  searchFilesFor(files, { marker: MARKER_FORMS, control: CONTROL_FORMS }, tolerant);

describe('the search', () => {
  it('finds the marker in every form a naive store could keep it in', () => {
    const wrapped = (bytes: Buffer) => Buffer.concat([randomBytes(1000), bytes, randomBytes(1000)]);
    expect(found(wrapped(marker))).toContain('plain');
    expect(found(wrapped(Buffer.from(MARKER, 'utf16le')))).toContain('utf-16le');
    for (const shift of [0, 1, 2]) {
      const file = Buffer.concat([randomBytes(30 + shift), marker, randomBytes(30)]);
      expect(found(Buffer.from(`\\x${file.toString('hex')}`))).toContain('hex');
      // Kept as base64 in a bytea column, which a dump shows as the hex of the base64.
      const row = `(1,"\\\\x${Buffer.from(file.toString('base64')).toString('hex')}")`;
      expect(found(withByteaDecoded(row))).toContain(`base64/${(30 + shift) % 3}`);
      expect(found(Buffer.from(file.toString('hex').toUpperCase()))).toContain('HEX');
      expect(found(Buffer.from(file.toString('base64')))).toContain(`base64/${(30 + shift) % 3}`);
      expect(found(Buffer.from(file.toString('base64url')))).toContain(`base64url/${(30 + shift) % 3}`);
    }
    expect(found(randomBytes(1_000_000))).toEqual([]);
  });
});

describe('an uploaded file and everything a client says about it', () => {
  it('goes up with tus; no name, path or field the client adds is kept', async () => {
    // Metadata that carries the marker where Faro cannot take it: refused, nothing made.
    for (const [metadata, status] of [
      [{ kind: 'video', filetype: `video/mp4; name=${MARKER}`, incidentId }, 415],
      [{ kind: 'video', filetype: MARKER, incidentId }, 415],
      [{ kind: MARKER, filetype: 'video/mp4', incidentId }, 400],
      [{ kind: 'video', filetype: 'video/mp4', incidentId: MARKER }, 400],
    ] as const) {
      const refused = await createUpload(VIDEO.length, metadata);
      expect(refused.status, refused.text).toBe(status);
      expect(refused.text).not.toContain(MARKER);
    }

    // What a tus client (Uppy, tus-js-client) sends, and fields of anyone's own.
    const created = await createUpload(VIDEO.length, {
      kind: 'video',
      filetype: 'video/mp4',
      incidentId,
      sha256: sha(VIDEO),
      filename: `${MARKER}.mp4`,
      name: `${MARKER}.mp4`,
      type: 'video/mp4',
      relativePath: `DCIM/${MARKER}/${MARKER}.mp4`,
      note: `recorded by ${MARKER}`,
      [MARKER]: MARKER,
    });
    expect(created.status, created.text).toBe(201);
    const at = String(created.headers.get('location'));
    // Two requests, the first ending inside a chunk: its part is kept (sealed) and continued.
    const first = 1024 * 1024 + 4321;
    expect((await patch(at, 0, VIDEO.subarray(0, first))).status).toBe(204);
    const head = await tus(recorder, 'HEAD', at, {});
    expect(Number(head.headers.get('upload-offset'))).toBe(first);
    expect(head.headers.get('upload-metadata') ?? '').not.toContain(b64(MARKER).slice(0, 20));
    expect((await patch(at, first, VIDEO.subarray(first))).status).toBe(204);
    const id = at.split('/').at(-1) as string;
    expect(expectStatus(await client(t, legal).get(`/api/evidence/${id}`), 200).body).toMatchObject({
      state: 'complete',
      sha256: sha(VIDEO),
      contentType: 'video/mp4',
    });
    kept.push({ id, bytes: VIDEO });

    // A photo whose id and hash fields are the marker: a fresh id, the hash ignored.
    const photo = await createUpload(PHOTO.length, {
      id: MARKER,
      kind: 'photo',
      filetype: 'image/jpeg',
      incidentId,
      sha256: MARKER,
      filename: `${MARKER}.jpg`,
    });
    expect(photo.status, photo.text).toBe(201);
    const photoAt = String(photo.headers.get('location'));
    expect(photoAt).toMatch(/\/[0-9a-f-]{36}$/);
    expect((await patch(photoAt, 0, PHOTO)).status).toBe(204);
    kept.push({ id: photoAt.split('/').at(-1) as string, bytes: PHOTO });

    // Bytes of no type Faro keeps: refused on their first bytes, nothing of them stored.
    const liar = await createUpload(MARKERS_ONLY.length, {
      kind: 'video',
      filetype: 'video/mp4',
      incidentId,
    });
    const liarAt = String(liar.headers.get('location'));
    const refused = await patch(liarAt, 0, MARKERS_ONLY);
    expect(refused.status).toBe(415);
    expect(refused.text).not.toContain(MARKER);
    expect(Number((await tus(recorder, 'HEAD', liarAt, {})).headers.get('upload-offset'))).toBe(0);
  });

  it('is recorded slice by slice; the type’s parameters are not kept', async () => {
    expect(
      (
        await json(recorder, 'POST', `/api/incidents/${incidentId}/evidence`, {
          kind: 'video',
          contentType: MARKER,
        })
      ).status,
    ).toBe(415);
    const started = await json(recorder, 'POST', `/api/incidents/${incidentId}/evidence`, {
      kind: 'video',
      contentType: `video/webm;codecs="${MARKER}"`,
      deviceStartedAt: new Date().toISOString(),
    });
    expect(started.status, started.text).toBe(201);
    const item = JSON.parse(started.text);
    expect(item.contentType).toBe('video/webm');
    // A hash that is not one: refused before anything is read into the item.
    expect((await putSlice(item.id, 1, SLICES[0] as Buffer, MARKER)).status).toBe(400);
    for (const [index, slice] of SLICES.entries())
      expect((await putSlice(item.id, index + 1, slice)).status).toBe(200);
    const whole = Buffer.concat(SLICES);
    const done = await json(recorder, 'POST', `/api/evidence/${item.id}/finish`, {
      chunks: SLICES.length,
      sha256: sha(whole),
      durationMs: 9_000,
    });
    expect(done.status, done.text).toBe(200);
    expect(JSON.parse(done.text)).toMatchObject({ state: 'complete', sha256: sha(whole) });
    kept.push({ id: item.id, bytes: whole });

    // A first slice of no type Faro keeps: refused, nothing stored.
    const other = JSON.parse(
      (
        await json(recorder, 'POST', `/api/incidents/${incidentId}/evidence`, {
          kind: 'audio',
          contentType: 'audio/ogg',
        })
      ).text,
    );
    const refused = await putSlice(other.id, 1, MARKERS_ONLY);
    expect(refused.status).toBe(415);
    expect(refused.text).not.toContain(MARKER);
  });

  it('is written as an observer’s notes, entry by entry', async () => {
    const started = await json(recorder, 'POST', `/api/incidents/${incidentId}/evidence`, {
      kind: 'note',
      contentType: 'text/plain',
    });
    expect(started.status, started.text).toBe(201);
    const item = JSON.parse(started.text);
    const entries = [1, 2, 3].map((n) =>
      Buffer.from(`14:0${n}:00 -07:00\nEntry ${n}: ${MARKER} seen near the corner ${MARKER}\n`),
    );
    for (const [index, entry] of entries.entries())
      expect((await putSlice(item.id, index + 1, entry)).status).toBe(200);
    const done = await json(recorder, 'POST', `/api/evidence/${item.id}/finish`, { chunks: entries.length });
    expect(done.status, done.text).toBe(200);
    kept.push({ id: item.id, bytes: Buffer.concat(entries) });
  });

  it('reads back whole, marker and all, for the legal team (so that the searches below mean something)', async () => {
    expect(kept).toHaveLength(4);
    for (const { id, bytes } of kept) {
      const original = await fetch(new URL(`/api/evidence/${id}/original`, t.baseUrl), {
        headers: legal.headers,
      });
      expect(original.status).toBe(200);
      const body = Buffer.from(await original.arrayBuffer());
      expect(sha(body)).toBe(sha(bytes));
      expect(found(body)).toContain('plain');
    }
  });
});

describe('where the uploads are kept', () => {
  it('no row of any table holds the marker in any form (bytea read as hex)', async () => {
    const dump = await catalogDump(t.faro.database);
    expect([...dump.keys()]).toEqual(
      expect.arrayContaining(['public.evidence_items', 'public.evidence_chunks', 'public.evidence_custody']),
    );
    // The controls: text in clear, bytes as hex.
    const control = dump.get('public.test_plaintext_control') as Buffer;
    expect(found(control, CONTROL_FORMS)).toEqual(expect.arrayContaining(['plain', 'hex']));
    // The sealed originals are there: a few MiB of chunks.
    expect((dump.get('public.evidence_chunks') as Buffer).length).toBeGreaterThan(2 * 3 * 1024 * 1024);
    const leaks = [...dump].flatMap(([table, text]) => found(text).map((form) => `${table}: ${form}`));
    expect(leaks).toEqual([]);
  });

  it.runIf(!onPostgres)(
    'no file of the PGlite data folder holds the marker after a checkpoint and a close, nor PGlite’s dump',
    async () => {
      const { rows } = await db.database.pool.query<{ n: number }>(
        'select count(*)::int as n from evidence_chunks',
      );
      await db.database.pool.query('checkpoint');
      stopped = true;
      await t.stop();
      await db.database.close();

      const files = await filesUnder(folder);
      expect(files.some((file) => file.includes(`${path.sep}pg_wal${path.sep}`))).toBe(true);
      expect(files.some((file) => file.includes(`${path.sep}base${path.sep}`))).toBe(true);
      const { leaks, controls } = await searchFiles(files);
      // The control row reached the heap (and the log): what was written is there to be found.
      expect(controls.length).toBeGreaterThan(0);
      expect(leaks).toEqual([]);

      // Opened again: the originals are still there, and PGlite's own dump holds no marker either.
      const lite = new PGlite({ fs: new PrivateNodeFS(path.join(folder, 'data')) });
      try {
        const again = await lite.query<{ n: number }>('select count(*)::int as n from evidence_chunks');
        expect(again.rows[0]?.n).toBe(rows[0]?.n);
        expect(rows[0]?.n).toBeGreaterThanOrEqual(7);
        const dump = Buffer.from(await (await lite.dumpDataDir('none')).arrayBuffer());
        expect(found(dump, CONTROL_FORMS)).toContain('plain');
        expect(found(dump)).toEqual([]);
      } finally {
        await lite.close();
      }
    },
  );

  it('nothing written to the temp folder meanwhile holds the marker', async () => {
    const controlFile = path.join(await mkdtemp(path.join(tmpdir(), 'faro-plaintext-control-')), 'control');
    await writeFile(controlFile, CONTROL);
    try {
      const written: string[] = [];
      for (const file of await filesUnder(tmpdir(), { skip: folder || undefined, tolerant: true })) {
        const info = await stat(file).catch(() => undefined);
        if (info && info.mtimeMs >= startedAt - 1000) written.push(file);
      }
      const { leaks, controls } = await searchFiles(written, true);
      expect(controls).toContain(controlFile);
      expect(leaks).toEqual([]);
    } finally {
      await rm(path.dirname(controlFile), { recursive: true, force: true });
    }
  });
});
