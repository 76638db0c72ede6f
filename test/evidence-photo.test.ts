import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodesHevc } from '../src/server/media/photo.js';
import { createEvidenceService } from '../src/server/modules/evidence/evidence.service.js';
import { client, expectStatus } from './support/client.js';
import { enqueueWorkingCopyOn } from './support/evidence.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { heicPhoto } from './support/photos.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { auditEntries, onShiftResponder, responderOutOnIncident } from './support/state.js';

/**
 * Issue 15, working copies: a photo uploaded as evidence is kept byte for
 * byte for the legal team, and a job makes a stripped working copy of it —
 * pixels only, upright, small — by the same rule as report photos, for those
 * who may see the item. A photo that cannot be decoded (a HEIC here, a
 * damaged file) is complete and kept all the same, and says it has no copy.
 * Retention takes the copy with its original; a legal hold keeps both.
 * Metadata is checked with ExifTool (a reader that is not the writer) and by
 * searching the bytes.
 */
const exiftool = new ExifTool({ taskTimeoutMillis: 20_000 });
let t: TestFaro;
let dir: string;
let legal: StaffSession;
let dispatcher: StaffSession;
let recorder: StaffSession;
let bystander: StaffSession;
let incidentId: string;

const SERIAL = 'R58R123ABC';
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const b64 = (text: string) => Buffer.from(text).toString('base64');

beforeAll(async () => {
  t = await startTestFaro();
  dir = await mkdtemp(path.join(tmpdir(), 'faro-evidence-photo-'));
  legal = await staffSession(t.faro.database, 'legal');
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  ({ incidentId, responder: recorder } = await responderOutOnIncident(t));
  bystander = await onShiftResponder(t);
});
afterAll(async () => {
  await exiftool.end();
  await t?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A phone's photo, held sideways: GPS, camera and its serial, owner, time and an XMP note. */
async function phonePhoto(): Promise<Buffer> {
  const file = path.join(dir, `photo-${randomUUID()}.jpg`);
  const pixels = await sharp({ create: { width: 2400, height: 1200, channels: 3, background: '#3a6ea5' } })
    .jpeg()
    .toBuffer();
  await writeFile(file, pixels);
  await exiftool.write(
    file,
    {},
    {
      writeArgs: [
        '-overwrite_original',
        '-GPSLatitude=34.0472',
        '-GPSLatitudeRef=N',
        '-GPSLongitude=118.2195',
        '-GPSLongitudeRef=W',
        '-Make=Samsung',
        '-Model=SM-A125U',
        `-SerialNumber=${SERIAL}`,
        '-DateTimeOriginal=2025:03:14 07:41:09',
        '-Artist=Maria Lopez',
        '-XMP-dc:Description=Taken from my kitchen window',
        '-Orientation#=6',
      ],
    },
  );
  return readFile(file);
}

async function exifOf(bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, `check-${randomUUID()}.jpg`);
  await writeFile(file, bytes);
  return JSON.stringify(await exiftool.readRaw(file, { readArgs: ['-a', '-G1'] }));
}

/** The recorder sends a photo from the camera roll through the resumable path (tus), whole. */
async function uploadPhoto(bytes: Buffer, filetype = 'image/jpeg'): Promise<string> {
  const metadata = { kind: 'photo', filetype, incidentId, sha256: sha(bytes) };
  const created = await t.faro.app.inject({
    method: 'POST',
    url: '/api/evidence/uploads',
    headers: {
      ...recorder.headers,
      'tus-resumable': '1.0.0',
      'upload-length': String(bytes.length),
      'upload-metadata': Object.entries(metadata)
        .map(([key, value]) => `${key} ${b64(value)}`)
        .join(','),
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  const location = String(created.headers.location);
  const sent = await t.faro.app.inject({
    method: 'PATCH',
    url: location,
    headers: {
      ...recorder.headers,
      'tus-resumable': '1.0.0',
      'upload-offset': '0',
      'content-type': 'application/offset+octet-stream',
    },
    payload: bytes,
  });
  expect(sent.statusCode, sent.body).toBe(204);
  return location.split('/').at(-1) ?? '';
}

/** Waits for the working-copy jobs sent so far to finish. */
const copiesMade = () => t.faro.jobs.drain(t.faro.jobDefinitions.evidenceWorkingCopy, 30_000);
const facts = async (itemId: string, who = legal) =>
  expectStatus(await client(t, who).get(`/api/evidence/${itemId}`), 200).body;
const workingCopy = (itemId: string, who: StaffSession | null) =>
  t.faro.app.inject({ url: `/api/evidence/${itemId}/working-copy`, headers: who?.headers ?? {} });
const original = (itemId: string) =>
  t.faro.app.inject({ url: `/api/evidence/${itemId}/original?download=1`, headers: legal.headers });
const custodyEvents = async (itemId: string) =>
  expectStatus(await client(t, legal).get(`/api/evidence/${itemId}/custody`), 200).body as {
    entries: { event: string; details: Record<string, unknown> }[];
    check: { ok: boolean };
  };

describe('a photo’s working copy', () => {
  let photo: Buffer;
  let itemId: string;

  it('is made after the photo completes: pixels only, upright, at most 1600 px', async () => {
    photo = await phonePhoto();
    const before = await exifOf(photo);
    for (const marker of ['GPSLatitude', SERIAL, 'Samsung', 'kitchen']) expect(before).toContain(marker);

    itemId = await uploadPhoto(photo);
    // Complete at once, whatever the copy's state: the upload never waits on a decode.
    expect(await facts(itemId)).toMatchObject({ kind: 'photo', state: 'complete', sha256: sha(photo) });
    await copiesMade();
    expect((await facts(itemId)).workingCopy).toEqual({ state: 'ready', width: 800, height: 1600 });

    const copy = await workingCopy(itemId, dispatcher);
    expect(copy.statusCode).toBe(200);
    expect(copy.headers['content-type']).toBe('image/jpeg');
    expect(copy.headers['cache-control']).toBe('private, no-store');
    expect(copy.headers['x-content-type-options']).toBe('nosniff');
    const stored = await sharp(copy.rawPayload).metadata();
    expect(stored).toMatchObject({ format: 'jpeg', width: 800, height: 1600 });
    expect(stored.exif).toBeUndefined();
    expect(stored.xmp).toBeUndefined();
    expect(stored.iptc).toBeUndefined();
    expect(stored.orientation).toBeUndefined();
    for (const marker of ['Exif\0\0', 'GPS', SERIAL, 'Samsung', 'SM-A125U', 'Maria', 'kitchen', '2025:03:14'])
      expect(copy.rawPayload.includes(Buffer.from(marker, 'latin1')), `${marker} survived`).toBe(false);
    const after = await exifOf(copy.rawPayload);
    for (const leak of [
      'GPS',
      SERIAL,
      'Samsung',
      'Maria',
      'kitchen',
      'XMP',
      'Orientation',
      'DateTimeOriginal',
    ])
      expect(after, `${leak} survived`).not.toContain(leak);

    // The copy's making is in the chain of custody, naming the copy's hash.
    const custody = await custodyEvents(itemId);
    expect(custody.check.ok).toBe(true);
    expect(custody.entries.map((entry) => entry.event)).toEqual([
      'received',
      'completed',
      'working_copy_made',
    ]);
    expect(custody.entries[2]?.details).toMatchObject({
      copySha256: sha(copy.rawPayload),
      width: 800,
      height: 1600,
    });
  });

  it('leaves the original byte for byte, with its metadata, for the legal team', async () => {
    const kept = await original(itemId);
    expect(kept.statusCode).toBe(200);
    expect(sha(kept.rawPayload)).toBe(sha(photo));
    expect(kept.rawPayload.equals(photo)).toBe(true);
    expect((await sharp(kept.rawPayload).metadata()).exif?.includes(SERIAL)).toBe(true);
    const exif = await exifOf(kept.rawPayload);
    for (const marker of ['GPSLatitude', SERIAL, 'Samsung']) expect(exif).toContain(marker);
  });

  it('is sealed at rest', async () => {
    const { rows } = await t.faro.database.pool.query<{ sealed: Buffer }>(
      'select sealed from evidence_working_copies where item_id = $1',
      [itemId],
    );
    const sealed = rows[0]?.sealed;
    expect(sealed?.length).toBeGreaterThan(1000);
    expect(sealed?.subarray(0, 3).toString('hex')).not.toBe('ffd8ff');
    expect(sealed?.includes(Buffer.from('JFIF'))).toBe(false);
  });

  it('is shown to the legal team, dispatchers and its recorder, each showing audited; to nobody else', async () => {
    // The matrix of who gets the copy: as with the item's facts, anyone else is told nothing exists.
    const matrix: [string, StaffSession | null, 200 | 401 | 404][] = [
      ['legal', legal, 200],
      ['dispatcher', dispatcher, 200],
      ['recorder', recorder, 200],
      ['other responder', bystander, 404],
      ['approver', await staffSession(t.faro.database, 'approver'), 404],
      ['coalition admin', await staffSession(t.faro.database, 'coalition_admin'), 404],
      ['anonymous', null, 401],
    ];
    for (const [name, who, status] of matrix) {
      const answer = await workingCopy(itemId, who);
      expect(answer.statusCode, name).toBe(status);
      if (status !== 200) {
        expect(answer.headers['content-type'], name).toContain('application/json');
        expect(answer.json().error.code, name).toBe(status === 401 ? 'UNAUTHENTICATED' : 'NOT_FOUND');
        if (who) {
          const facts = await client(t, who).get(`/api/evidence/${itemId}`);
          expect(facts.status, `${name}: the facts answer the same`).toBe(status);
        }
        continue;
      }
      expect((await sharp(answer.rawPayload).metadata()).exif, name).toBeUndefined();
      const audited = await auditEntries(t, { action: 'evidence.working_copy_viewed', actorId: who?.userId });
      expect(
        audited.some((entry) => entry.subjectId === itemId),
        name,
      ).toBe(true);
    }
    // A refused caller leaves no trace of a showing.
    const shownTo = (await auditEntries(t, { action: 'evidence.working_copy_viewed' })).map(
      (entry) => entry.actorId,
    );
    expect(shownTo).not.toContain(bystander.userId);
    // An id that is no item, and an item that is no photo: nothing to show either.
    expect((await workingCopy(randomUUID(), legal)).statusCode).toBe(404);
    const video = expectStatus(
      await client(t, recorder).post(`/api/incidents/${incidentId}/evidence`, {
        kind: 'video',
        contentType: 'video/webm',
      }),
      201,
    ).body;
    expect(video.workingCopy).toBeNull();
    expect((await workingCopy(video.id, legal)).statusCode).toBe(404);
  });

  it('is made again for a photo whose job was lost, when a worker starts', async () => {
    // As if the photo completed while no worker ran, and its job failed for good.
    await t.faro.database.db.execute(sql`delete from evidence_working_copies where item_id = ${itemId}`);
    await t.faro.database.db.execute(
      sql`update evidence_items set working_copy = null, working_copy_width = null, working_copy_height = null where id = ${itemId}`,
    );
    expect((await facts(itemId)).workingCopy).toEqual({ state: 'pending' });
    expect((await workingCopy(itemId, legal)).statusCode).toBe(404);
    // Another process's evidence service on the same database, started as a worker is.
    const worker = createEvidenceService({
      database: t.faro.database,
      box: t.faro.box,
      now: () => new Date(),
      retentionDays: 90,
      enqueueWorkingCopy: enqueueWorkingCopyOn(t),
    });
    expect(await worker.requestMissingWorkingCopies()).toBeGreaterThanOrEqual(1);
    await copiesMade();
    expect((await facts(itemId)).workingCopy).toEqual({ state: 'ready', width: 800, height: 1600 });
    expect((await workingCopy(itemId, dispatcher)).statusCode).toBe(200);
  });
});

describe('a photo no copy can be made of', () => {
  it('is complete and kept when its bytes start like a JPEG and are not one', async () => {
    const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200_000, 0x5a)]);
    const itemId = await uploadPhoto(garbage);
    await copiesMade();
    const item = await facts(itemId);
    expect(item).toMatchObject({
      state: 'complete',
      sha256: sha(garbage),
      workingCopy: { state: 'none', reason: 'damaged' },
    });
    // The recorder and dispatchers are told the same.
    expect((await facts(itemId, recorder)).workingCopy).toEqual({ state: 'none', reason: 'damaged' });
    const none = await workingCopy(itemId, dispatcher);
    expect(none.statusCode).toBe(404);
    expect(none.json().error.message).toContain('no working copy');
    // Nothing lost: the original, byte for byte, and it verifies.
    expect((await original(itemId)).rawPayload.equals(garbage)).toBe(true);
    expect(
      expectStatus(await client(t, legal).get(`/api/evidence/${itemId}/verify`), 200).body,
    ).toMatchObject({ ok: true, complete: true, sha256: sha(garbage) });
    const custody = await custodyEvents(itemId);
    expect(custody.entries.find((entry) => entry.event === 'working_copy_not_made')?.details).toEqual({
      reason: 'damaged',
    });
    expect(custody.check.ok).toBe(true);
  });

  it('is complete and kept when it is a HEIC this server cannot decode', async () => {
    const heic = heicPhoto();
    const itemId = await uploadPhoto(heic, 'image/heic');
    await copiesMade();
    expect(await facts(itemId)).toMatchObject({
      state: 'complete',
      contentType: 'image/heic',
      workingCopy: { state: 'none', reason: (await decodesHevc()) ? 'damaged' : 'format' },
    });
    expect((await original(itemId)).rawPayload.equals(heic)).toBe(true);
  });
});

describe('retention of working copies', () => {
  it('deletes the copy with its original, and keeps both under a legal hold', async () => {
    const [held, free] = [await uploadPhoto(await phonePhoto()), await uploadPhoto(await phonePhoto())];
    await copiesMade();
    for (const id of [held, free]) expect((await facts(id)).workingCopy).toMatchObject({ state: 'ready' });
    expectStatus(await client(t, legal).put(`/api/evidence/${held}/hold`, { reason: 'Bond hearing' }), 200);
    await t.faro.database.db.execute(
      sql`update evidence_items set retain_until = now() - interval '1 day' where id in (${held}, ${free})`,
    );
    const job = t.faro.jobDefinitions.retention;
    await t.faro.jobs.send(job, {});
    await t.faro.jobs.drain(job);

    expect((await workingCopy(held, dispatcher)).statusCode).toBe(200);
    expect((await facts(held)).workingCopy).toMatchObject({ state: 'ready' });
    expect((await workingCopy(free, dispatcher)).statusCode).toBe(410);
    expect(await facts(free)).toMatchObject({ deleted: true, workingCopy: null });
    const { rows } = await t.faro.database.pool.query<{ item_id: string }>(
      'select item_id from evidence_working_copies where item_id = any($1)',
      [[held, free]],
    );
    expect(rows.map((row) => row.item_id)).toEqual([held]);
  });
});
