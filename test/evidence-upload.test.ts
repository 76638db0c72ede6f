import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvidenceService } from '../src/server/modules/evidence/evidence.service.js';
import { client, expectStatus } from './support/client.js';
import { enqueueWorkingCopyOn } from './support/evidence.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { onShiftResponder, responderOutOnIncident } from './support/state.js';

/**
 * Issue 15: a file already on the phone goes up with the tus 1.0 protocol;
 * a connection cut in the middle of a chunk loses nothing that arrived, the
 * upload goes on from the byte the server holds, and the original that is
 * kept (sealed) opens to the same SHA-256. Refusals are clear JSON errors.
 */
let t: TestFaro;
let recorder: StaffSession;
let other: StaffSession;
let legal: StaffSession;
let incidentId: string;

/** An MP4 as a phone's camera roll has it: an `ftyp` box first. (12 MiB: three chunks and a bit.) */
const FILE = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom'),
  Buffer.alloc(12),
  randomBytes(12 * 1024 * 1024 + 4321),
]);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const b64 = (text: string) => Buffer.from(text).toString('base64');

beforeAll(async () => {
  t = await startTestFaro({ listen: true });
  legal = await staffSession(t.faro.database, 'legal');
  ({ incidentId, responder: recorder } = await responderOutOnIncident(t));
  other = await onShiftResponder(t);
});
afterAll(async () => t?.stop());

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One tus request over a real connection; `cutAfter` bytes of the body are sent, then the connection is cut. */
function tus(
  who: StaffSession | null,
  method: string,
  path: string,
  headers: Record<string, string | number>,
  body?: Buffer,
  cutAfter?: number,
): Promise<Answer | 'cut'> {
  const url = new URL(path, t.baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method, headers: { 'tus-resumable': '1.0.0', ...(who?.headers ?? {}), ...headers } },
      (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(parts).toString(),
          }),
        );
      },
    );
    request.on('error', (error) => (cutAfter !== undefined ? resolve('cut') : reject(error)));
    if (body && cutAfter !== undefined) {
      request.write(body.subarray(0, cutAfter), () => setTimeout(() => request.destroy(), 300));
    } else request.end(body);
  });
}
const answered = (answer: Answer | 'cut'): Answer => {
  if (answer === 'cut') throw new Error('the connection was cut');
  return answer;
};

const create = (who: StaffSession | null, length: number, metadata: Record<string, string>) =>
  tus(who, 'POST', '/api/evidence/uploads', {
    'upload-length': length,
    'upload-metadata': Object.entries(metadata)
      .map(([key, value]) => `${key} ${b64(value)}`)
      .join(','),
  });
const offsetOf = async (who: StaffSession | null, location: string) =>
  Number(answered(await tus(who, 'HEAD', location, {})).headers['upload-offset']);
const patch = (who: StaffSession, location: string, offset: number, body: Buffer, cutAfter?: number) =>
  tus(
    who,
    'PATCH',
    location,
    { 'upload-offset': offset, 'content-type': 'application/offset+octet-stream' },
    body,
    cutAfter,
  );

describe('a resumable upload', () => {
  const video = { kind: 'video', filetype: 'video/mp4', incidentId: '' };
  let location = '';

  it('survives two connections cut mid-chunk and completes to the same SHA-256', async () => {
    const created = answered(
      await create(recorder, FILE.length, { ...video, incidentId, sha256: sha(FILE) }),
    );
    expect(created.status).toBe(201);
    location = String(created.headers.location);
    expect(location).toMatch(/^\/api\/evidence\/uploads\/[0-9a-f-]{36}$/);

    // Cut 2.5 MiB in (half way through the third chunk): what arrived is kept.
    expect(await patch(recorder, location, 0, FILE, 2.5 * 1024 * 1024)).toBe('cut');
    await expect
      .poll(() => offsetOf(recorder, location), { timeout: 10_000 })
      .toBeGreaterThan(2 * 1024 * 1024);
    const first = await offsetOf(recorder, location);
    // A resume at a wrong offset: 409.
    expect(answered(await patch(recorder, location, first + 1, FILE.subarray(first + 1))).status).toBe(409);

    expect(await patch(recorder, location, first, FILE.subarray(first), 3 * 1024 * 1024 + 777)).toBe('cut');
    // What arrived before the cut is kept; the last bytes sent may not have (a cut socket drops what
    // the server had not read yet — on a busy machine, tens of KiB).
    await expect
      .poll(() => offsetOf(recorder, location), { timeout: 10_000 })
      .toBeGreaterThan(first + 2 * 1024 * 1024);
    const second = await offsetOf(recorder, location);

    const last = answered(await patch(recorder, location, second, FILE.subarray(second)));
    expect(last.status).toBe(204);
    expect(Number(last.headers['upload-offset'])).toBe(FILE.length);

    const id = location.split('/').at(-1);
    const facts = expectStatus(await client(t, legal).get(`/api/evidence/${id}`), 200).body;
    expect(facts).toMatchObject({
      state: 'complete',
      sha256: sha(FILE),
      bytes: FILE.length,
      source: 'upload',
    });
    const original = await t.faro.app.inject({ url: `/api/evidence/${id}/original`, headers: legal.headers });
    expect(sha(original.rawPayload)).toBe(sha(FILE));
    expect(expectStatus(await client(t, legal).get(`/api/evidence/${id}/verify`), 200).body).toMatchObject({
      ok: true,
      complete: true,
      sha256: sha(FILE),
    });
  });

  it('hashes a file of whole chunks, and one continued by another Faro process, the same way', async () => {
    const whole = Buffer.concat([FILE.subarray(0, 24), randomBytes(2 * 1024 * 1024 - 24)]);
    const created = answered(
      await create(recorder, whole.length, { ...video, incidentId, sha256: sha(whole) }),
    );
    const at = String(created.headers.location);
    expect(answered(await patch(recorder, at, 0, whole)).status).toBe(204);
    const id = at.split('/').at(-1);
    expect(expectStatus(await client(t, legal).get(`/api/evidence/${id}`), 200).body).toMatchObject({
      state: 'complete',
      sha256: sha(whole),
    });

    // Half sent to this process, the rest to another (a second service on the same database).
    const other = createEvidenceService({
      database: t.faro.database,
      box: t.faro.box,
      now: () => new Date(),
      retentionDays: 90,
      enqueueWorkingCopy: enqueueWorkingCopyOn(t),
    });
    const split = answered(await create(recorder, FILE.length, { ...video, incidentId }));
    const where = String(split.headers.location);
    const half = 5 * 1024 * 1024 + 17;
    expect(answered(await patch(recorder, where, 0, FILE.subarray(0, half))).status).toBe(204);
    const actor = {
      userId: recorder.userId,
      roles: ['responder'],
      permissions: ['evidence:record' as const],
      tokenHash: 'x',
    };
    const [row] = (
      await t.faro.database.db.execute<{ coalition_id: string }>(
        sql`select coalition_id from evidence_items where id = ${where.split('/').at(-1)}`,
      )
    ).rows;
    const end = await other.appendUpload(
      row?.coalition_id ?? '',
      actor,
      where.split('/').at(-1) ?? '',
      half,
      [FILE.subarray(half)],
    );
    expect(end).toBe(FILE.length);
    expect(
      expectStatus(await client(t, legal).get(`/api/evidence/${where.split('/').at(-1)}`), 200).body,
    ).toMatchObject({ state: 'complete', sha256: sha(FILE) });
  });

  it('tells a hostile or mistaken caller no more than it must', async () => {
    // Nobody signed in; someone else's upload; a role that does not record.
    expect(answered(await create(null, 100, { ...video, incidentId })).status).toBe(401);
    expect(answered(await tus(other, 'HEAD', location, {})).status).toBe(404);
    expect(answered(await patch(other, location, 0, Buffer.from('x'))).status).toBe(404);
    expect(answered(await create(legal, 100, { ...video, incidentId })).status).toBe(403);
    // An incident the responder is not out on.
    expect(answered(await create(other, 100, { ...video, incidentId })).status).toBe(404);
    // Evidence is not deleted by its uploader.
    expect(answered(await tus(recorder, 'DELETE', location, {})).status).toBe(403);
    // An incident id that is none: said so, never handed to the database.
    const notAnId = answered(await create(recorder, 100, { ...video, incidentId: "x' or 1=1 --" }));
    expect(notAnId.status).toBe(400);
    expect(JSON.parse(notAnId.body).error.code).toBe('VALIDATION');
  });

  it('answers a failure on its own side as every route does: JSON, nothing of the query', async () => {
    await t.faro.database.pool.query('alter table evidence_items rename to evidence_items_away');
    try {
      const failed = answered(await create(recorder, 100, { ...video, incidentId }));
      expect(failed.status).toBe(500);
      expect(JSON.parse(failed.body)).toEqual({ error: { code: 'INTERNAL', message: expect.any(String) } });
      expect(failed.body).not.toMatch(/evidence_items|select|insert|params/i);
    } finally {
      await t.faro.database.pool.query('alter table evidence_items_away rename to evidence_items');
    }
  });

  it('refuses bytes that are not what the upload says, and a length past the limit, as JSON', async () => {
    const liar = answered(await create(recorder, 4096, { ...video, incidentId }));
    const at = String(liar.headers.location);
    const refused = answered(
      await patch(recorder, at, 0, Buffer.concat([Buffer.from('MZ'), randomBytes(4094)])),
    );
    expect(refused.status, refused.body).toBe(415);
    expect(JSON.parse(refused.body).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await offsetOf(recorder, at)).toBe(0);

    const huge = answered(await create(recorder, 3 * 1024 ** 3, { ...video, incidentId }));
    expect(huge.status).toBe(413);
    const photo = answered(
      await create(recorder, 65 * 1024 ** 2, { kind: 'photo', filetype: 'image/jpeg', incidentId }),
    );
    expect(photo.status).toBe(413);
    expect(JSON.parse(photo.body).error.code).toBe('PAYLOAD_TOO_LARGE');
    const typeless = answered(
      await create(recorder, 100, { kind: 'video', filetype: 'application/zip', incidentId }),
    );
    expect(typeless.status).toBe(415);
  });
});
