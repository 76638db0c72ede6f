import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSendKey } from '../src/shared/report.js';
import { PHOTO_TYPES } from '../src/shared/report-fields.js';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';

/**
 * Photos from the public form: re-encoded so nothing but pixels survives.
 * Checked with ExifTool (a real reader of EXIF, GPS, XMP and IPTC; the copy
 * `exiftool-vendored` brings from npm, run by the perl every machine has), not
 * with the library that wrote them.
 */
const exiftool = new ExifTool({ taskTimeoutMillis: 20_000 });
let t: TestFaro;
let dir: string;
let dispatcher: StaffSession;
let responder: StaffSession;

beforeAll(async () => {
  t = await startTestFaro();
  dir = await mkdtemp(path.join(tmpdir(), 'faro-photos-'));
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  responder = await staffSession(t.faro.database, 'responder');
});
afterAll(async () => {
  await exiftool.end();
  await t?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A phone photo: sideways (orientation tag), with GPS, camera, owner and an XMP comment. */
async function phonePhoto(): Promise<Buffer> {
  const file = path.join(dir, `photo-${Date.now()}.jpg`);
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
        '-SerialNumber=R58R123ABC',
        '-Artist=Maria Lopez',
        '-XMP-dc:Description=Taken from my kitchen window',
        '-Orientation#=6',
      ],
    },
  );
  return readFile(file);
}

async function metadataOf(bytes: Buffer): Promise<Record<string, unknown>> {
  const file = path.join(dir, `check-${Date.now()}-${Math.random()}.jpg`);
  await writeFile(file, bytes);
  return (await exiftool.readRaw(file, { readArgs: ['-a', '-G1'] })) as Record<string, unknown>;
}

const upload = (body: Buffer, type = 'image/jpeg') =>
  t.faro.app.inject({
    method: 'POST',
    url: '/api/reports/photos',
    headers: { 'content-type': type },
    payload: body,
  });

describe('photos on public reports', () => {
  it('keeps the pixels and nothing else: no GPS, camera, owner or XMP; turned upright; at most 1600 px', async () => {
    const original = await phonePhoto();
    const before = await metadataOf(original);
    expect(JSON.stringify(before)).toContain('Samsung');
    expect(Object.keys(before).some((key) => key.includes('GPSLatitude'))).toBe(true);

    const uploaded = await upload(original);
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const photo = uploaded.json() as { id: string; width: number; height: number };
    // Orientation 6 means "turn right": the stored picture is upright, so portrait.
    expect(photo).toMatchObject({ width: 800, height: 1600 });

    const created = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports',
      payload: buildReportInput({ photoIds: [photo.id] }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, photosAttached } = created.json() as { id: string; photosAttached: number };
    expect(photosAttached).toBe(1);

    const detail = await t.faro.app.inject({ url: `/api/reports/${id}`, headers: dispatcher.headers });
    expect(detail.json().report.photoIds).toEqual([photo.id]);
    const stored = await t.faro.app.inject({
      url: `/api/reports/${id}/photos/${photo.id}`,
      headers: dispatcher.headers,
    });
    expect(stored.statusCode).toBe(200);
    expect(stored.headers['content-type']).toBe('image/jpeg');
    expect(stored.headers['cache-control']).toBe('private, no-store');
    const after = await metadataOf(stored.rawPayload);
    const text = JSON.stringify(after);
    for (const leak of [
      'GPS',
      'Samsung',
      'SM-A125U',
      'R58R123ABC',
      'Maria',
      'kitchen',
      'XMP',
      'Orientation',
    ]) {
      expect(text, `${leak} survived`).not.toContain(leak);
    }

    // At rest it is sealed: not a JPEG in the database.
    const { rows } = await t.faro.database.pool.query<{ sealed: Buffer }>(
      'select sealed from report_photos where id = $1',
      [photo.id],
    );
    expect(rows[0]?.sealed.subarray(0, 3).toString('hex')).not.toBe('ffd8ff');
    // Responders do not open restricted fields, photos included.
    expect(
      (await t.faro.app.inject({ url: `/api/reports/${id}/photos/${photo.id}`, headers: responder.headers }))
        .statusCode,
    ).toBe(403);
  });

  it('refuses what is not a picture, with a clear error', async () => {
    const response = await upload(Buffer.from('%PDF-1.7 not a photo'), 'image/png');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain('not a photo');
    expect((await upload(Buffer.from('x'), 'application/pdf')).statusCode).toBe(415);
  });

  it('takes a photo sent as any type the form sends as it is, judging it by what it holds', async () => {
    const picture = await sharp({
      create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 120, b: 40 } },
    })
      .jpeg()
      .toBuffer();
    for (const type of PHOTO_TYPES) expect((await upload(picture, type)).statusCode, type).toBe(201);
  });

  it('a report with photos sent again (its answer lost) is the first one, with the photos it attached', async () => {
    const photo = (await upload(await phonePhoto())).json() as { id: string };
    const input = buildReportInput({ photoIds: [photo.id], sendKey: newSendKey() });
    const send = () => t.faro.app.inject({ method: 'POST', url: '/api/reports', payload: input });
    const first = await send();
    expect(first.statusCode, first.body).toBe(201);
    const again = await send();
    expect(again.statusCode, again.body).toBe(201);
    // The page tells the person no photo is missing (it said 0 attached before: all missing).
    expect(again.json()).toEqual(first.json());
    expect(first.json()).toMatchObject({ photosAttached: 1 });
  });

  it('deletes photos no report claimed within the hour, and photos of reports past retention', async () => {
    const pending = (await upload(await phonePhoto())).json() as { id: string };
    const kept = (await upload(await phonePhoto())).json() as { id: string };
    await t.faro.database.pool.query(
      `update report_photos set created_at = now() - interval '2 hours' where id = $1`,
      [pending.id],
    );
    const job = t.faro.jobDefinitions.retention;
    await t.faro.jobs.send(job, {});
    await t.faro.jobs.drain(job);
    const ids = (await t.faro.database.pool.query<{ id: string }>('select id from report_photos')).rows.map(
      (r) => r.id,
    );
    expect(ids).not.toContain(pending.id);
    expect(ids).toContain(kept.id);
    // A report sent too late to claim the expired photo is still stored, and says so.
    const late = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports',
      payload: buildReportInput({ photoIds: [pending.id] }),
    });
    expect(late.statusCode).toBe(201);
    expect(late.json().photosAttached).toBe(0);
  });
});
