import { execFile } from 'node:child_process';
import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../src/server/modules/evidence/bundle-verify.js';
import { createEvidenceSigner } from '../src/server/modules/evidence/signing-key.js';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';
import { auditEntries, responderOutOnIncident } from './support/state.js';
import { entriesOf } from './support/zip.js';

/**
 * Issue 15, export for counsel: a ZIP bundle of originals, a manifest (JSON
 * and a page to read) with hashes, times, types and custody logs, signed by
 * the server's Ed25519 key published at /.well-known/faro-evidence-key; and
 * `faro evidence verify`, offline, saying exactly what fails.
 */
const run = promisify(execFile);
let t: TestFaro;
let dispatcher: StaffSession;
let legal: StaffSession;
let recorder: StaffSession;
let incidentId: string;
let dir: string;
let keyFile: string;
let fingerprint: string;
/** The clock moves on: a recording that stopped sending is partial after two minutes. */
let offsetMs = 0;
const LEGAL_NAME = 'Ana <img src=x onerror=alert(1)> & "Co"';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const webm = (size: number) => Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), randomBytes(size)]);
const ogg = (size: number) => Buffer.concat([Buffer.from('OggS'), randomBytes(size)]);
const videoSlices = [webm(30_000), randomBytes(40_000), randomBytes(20_000)];
const audioSlices = [ogg(15_000), randomBytes(15_000)];

beforeAll(async () => {
  t = await startTestFaro({
    now: () => new Date(Date.now() + offsetMs),
    env: { LOOKUP_RATE_LIMIT_PER_MINUTE: '8' },
  });
  dir = await mkdtemp(path.join(tmpdir(), 'faro-bundles-'));
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  const counsel = await createPerson(t.faro.database, t.faro.box, { role: 'legal', displayName: LEGAL_NAME });
  legal = await sessionFor(t.faro.database, counsel.id);
  ({ incidentId, responder: recorder } = await responderOutOnIncident(t));
});
afterAll(async () => {
  await t?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A recording sent slice by slice; finished unless `finish` is false (the phone taken). */
async function record(kind: 'video' | 'audio', slices: Buffer[], finish = true): Promise<string> {
  const contentType = kind === 'video' ? 'video/webm' : 'audio/ogg';
  const item = expectStatus(
    await client(t, recorder).post(`/api/incidents/${incidentId}/evidence`, { kind, contentType }),
    201,
  ).body;
  for (const [index, bytes] of slices.entries())
    expectStatus(
      await client(t, recorder).put(`/api/evidence/${item.id}/slices/${index + 1}`, bytes, {
        'content-type': 'application/octet-stream',
      }),
      200,
    );
  if (finish)
    expectStatus(
      await client(t, recorder).post(`/api/evidence/${item.id}/finish`, {
        chunks: slices.length,
        sha256: sha(Buffer.concat(slices)),
        durationMs: 9_000,
      }),
      200,
    );
  return item.id;
}

/** Asks for a bundle as `who`; the ZIP saved to a file when it comes. */
async function exportBundle(who: StaffSession | null, body: object, name = `${Math.random()}.zip`) {
  const reply = await t.faro.app.inject({
    method: 'POST',
    url: '/api/evidence/export',
    headers: { ...who?.headers, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  const file = path.join(dir, name);
  if (reply.statusCode === 200) await writeFile(file, reply.rawPayload);
  return { reply, file, zip: reply.rawPayload };
}

/** A copy of the bundle with one byte changed at the first place `marker` appears (plus `shift`). */
async function withFlippedByte(zip: Buffer, marker: Buffer, shift: number, name: string) {
  const at = zip.indexOf(marker);
  expect(at, 'the marker is in the bundle').toBeGreaterThan(0);
  const copy = Buffer.from(zip);
  copy[at + shift] = (copy[at + shift] ?? 0) ^ 0x01;
  const file = path.join(dir, name);
  await writeFile(file, copy);
  return file;
}

const failures = (result: Awaited<ReturnType<typeof verifyBundle>>) =>
  result.lines.filter((line) => line.status === 'fail').map((line) => line.text);

const faroCli = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/faro.ts', ...args], {
    // Offline and with no database: an address where nothing answers, and no data folder.
    env: {
      ...process.env,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none',
      FARO_DATA_DIR: '/nonexistent',
    },
    timeout: 60_000,
  });

describe('the server’s evidence key', () => {
  it('is published at /.well-known/faro-evidence-key to anyone, within a limit, and is one key for every process', async () => {
    const published = expectStatus(await client(t).get('/.well-known/faro-evidence-key'), 200);
    expect(published.headers['cache-control']).toBe('public, max-age=3600');
    const key = createPublicKey(published.body.publicKeyPem);
    expect(key.asymmetricKeyType).toBe('ed25519');
    fingerprint = sha(key.export({ type: 'spki', format: 'der' }));
    expect(published.body.fingerprint).toBe(fingerprint);
    expect(published.body.jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: fingerprint });
    keyFile = path.join(dir, 'faro-evidence-key.json');
    await writeFile(keyFile, published.text);

    // Two more processes making it at once, as on first use: the first to store it wins, all read it.
    const others = await Promise.all(
      [1, 2].map(() => createEvidenceSigner({ db: t.faro.database.db, box: t.faro.box }).key()),
    );
    expect(others.map((other) => other.fingerprint)).toEqual([fingerprint, fingerprint]);
    // Kept sealed: the private key is nowhere in the clear.
    const { rows } = await t.faro.database.pool.query<{ sealed: string }>(
      `select sealed from server_keys where name = 'evidence-signing'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.sealed).not.toMatch(/MC4CAQAwBQYDK2Vw/); // the start of every Ed25519 PKCS#8 key

    let limited = 0;
    for (let i = 0; i < 10; i += 1)
      if ((await client(t).get('/.well-known/faro-evidence-key')).status === 429) limited += 1;
    expect(limited).toBeGreaterThan(0);
  });
});

/** The first bundle: a complete recording and a partial one, untouched. */
let complete: string;
let partial: string;
let bundle: { file: string; zip: Buffer; bundleId: string };

describe('a bundle for counsel', () => {
  it('holds the originals, a signed manifest and its readable copy; an untouched bundle passes', async () => {
    complete = await record('video', videoSlices);
    partial = await record('audio', audioSlices, false);
    offsetMs = 3 * 60_000; // the phone stopped sending: partial

    const { reply, file, zip } = await exportBundle(legal, { incidentId, language: 'es' }, 'bundle.zip');
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('application/zip');
    expect(reply.headers['cache-control']).toBe('private, no-store');
    // Written while it is sent: no length known in advance.
    expect(reply.headers['content-length']).toBeUndefined();
    const bundleId = String(reply.headers['x-faro-bundle-id']);
    expect(reply.headers['content-disposition']).toBe(`attachment; filename="faro-evidence-${bundleId}.zip"`);
    bundle = { file, zip, bundleId };

    const entries = await entriesOf(file);
    const manifest = JSON.parse(String(entries.get('manifest.json')));
    expect([...entries.keys()]).toEqual([
      `originals/001-video-${complete}.webm`,
      `originals/002-audio-${partial}.ogg`,
      'manifest.json',
      'manifest.html',
      'signature.json',
    ]);
    expect(entries.get(`originals/001-video-${complete}.webm`)?.equals(Buffer.concat(videoSlices))).toBe(
      true,
    );
    expect(entries.get(`originals/002-audio-${partial}.ogg`)?.equals(Buffer.concat(audioSlices))).toBe(true);
    expect(manifest).toMatchObject({
      bundleId,
      coalition: { name: expect.any(String) },
      exportedBy: { name: LEGAL_NAME, role: 'legal' },
      selection: { incidentId },
      signingKey: { algorithm: 'Ed25519', fingerprint },
    });
    const [video, audio] = manifest.items;
    expect(video).toMatchObject({
      id: complete,
      incidentId,
      kind: 'video',
      contentType: 'video/webm',
      state: 'complete',
      bytes: Buffer.concat(videoSlices).length,
      sha256: sha(Buffer.concat(videoSlices)),
      completedSha256: sha(Buffer.concat(videoSlices)),
      chunks: 3,
      recordedRole: 'responder',
      durationMs: 9_000,
      storeCheck: { ok: true },
      file: `originals/001-video-${complete}.webm`,
    });
    // Each chunk with when the server received it.
    expect(video.chunkHashes).toEqual(
      videoSlices.map((slice) => ({
        bytes: slice.length,
        sha256: sha(slice),
        receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      })),
    );
    for (const field of ['receivedAt', 'lastReceivedAt', 'completedAt', 'createdAt'])
      expect(field === 'createdAt' ? manifest.createdAt : video[field]).toMatch(/^\d{4}-\d\d-\d\dT/);
    // The partial recording: in the bundle, marked partial, verifiable up to its last chunk.
    expect(audio).toMatchObject({ state: 'partial', chunks: 2, completedSha256: null, completedAt: null });
    expect(audio.sha256).toBe(sha(Buffer.concat(audioSlices)));
    // The custody log, with this export in it, and its check.
    expect(video.custody.check).toEqual({ ok: true, entries: 3 });
    expect(video.custody.entries.map((entry: { event: string }) => entry.event)).toEqual([
      'received',
      'completed',
      'exported',
    ]);
    expect(video.custody.entries[2]).toMatchObject({ actorRole: 'legal', details: { bundleId } });
    expect(video.custody.entries[2].hash).toMatch(/^[0-9a-f]{64}$/);

    // The page to read: in the language asked for, every value escaped.
    const html = String(entries.get('manifest.html'));
    expect(html).toContain('<html lang="es">');
    expect(html).toContain(`Paquete de evidencia ${bundleId}`);
    expect(html).toContain('Parcial: se interrumpió');
    expect(html).toContain('Exportada para el equipo legal');
    expect(html).toContain('Ana &lt;img src=x onerror=alert(1)&gt; &amp; &quot;Co&quot;');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');

    const result = await verifyBundle(file, { key: keyFile });
    expect(failures(result)).toEqual([]);
    expect(result.ok).toBe(true);
    const keys = result.lines.map((line) => line.key);
    for (const key of ['keyPinned', 'signedFileOk', 'fileOk', 'chainOk', 'custodyOk'])
      expect(keys).toContain(key);
    expect(result.lines.find((line) => line.key === 'notComplete')?.text).toBe(
      `· item ${partial} is partial: it verifies up to its last chunk (2 chunks, ${Buffer.concat(audioSlices).length} bytes)`,
    );
    // With only the fingerprint, as read out over the phone.
    expect((await verifyBundle(file, { key: fingerprint.toUpperCase() })).ok).toBe(true);
  });

  it('is audited, and in each item’s chain of custody', async () => {
    const audited = await auditEntries(t, { action: 'evidence.exported', actorId: legal.userId });
    expect(audited.map((entry) => entry.subjectId).sort()).toEqual([complete, partial].sort());
    const custody = expectStatus(await client(t, legal).get(`/api/evidence/${partial}/custody`), 200).body;
    expect(custody.entries.at(-1)).toMatchObject({
      event: 'exported',
      details: { bundleId: bundle.bundleId },
    });
    expect(custody.check.ok).toBe(true);
  });

  it('fails, naming the file, when one byte of an original is changed', async () => {
    // Stored uncompressed: the second slice's bytes are in the ZIP as they are.
    const file = await withFlippedByte(bundle.zip, videoSlices[1] as Buffer, 100, 'flipped-original.zip');
    const result = await verifyBundle(file, { key: keyFile });
    expect(result.ok).toBe(false);
    const name = `originals/001-video-${complete}.webm`;
    expect(failures(result)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^✗ ${name}: its SHA-256 is [0-9a-f]{64}, the manifest says ${sha(Buffer.concat(videoSlices))}: the file was changed$`,
        ),
      ),
      `✗ ${name}: chunk 2 of 3 (bytes ${videoSlices[0]?.length} to ${(videoSlices[0]?.length ?? 0) + (videoSlices[1]?.length ?? 0) - 1}) is not the chunk the manifest hashes`,
    ]);
    // What was not touched still holds.
    expect(result.lines.filter((line) => line.key === 'signedFileOk')).toHaveLength(2);
  });

  it('fails on the signature when one byte of the manifest is changed', async () => {
    const file = await withFlippedByte(
      bundle.zip,
      Buffer.from(`"bundleId": "${bundle.bundleId}"`),
      16,
      'flipped-manifest.zip',
    );
    const result = await verifyBundle(file, { key: keyFile });
    expect(result.ok).toBe(false);
    expect(failures(result)).toEqual([
      expect.stringMatching(
        /^✗ the server's signature does not hold for manifest\.json: it is not the file that was signed \(its SHA-256 is [0-9a-f]{64}, the signature covers [0-9a-f]{64}\)$/,
      ),
      expect.stringMatching(/^✗ the signature is for bundle .*, the manifest says /),
    ]);
  });

  it('fails on the signature when the signature or the key is not the server’s', async () => {
    const file = await withFlippedByte(
      bundle.zip,
      Buffer.from('"signature": "'),
      20,
      'flipped-signature.zip',
    );
    expect(failures(await verifyBundle(file, { key: keyFile }))).toEqual([
      '✗ the signature does not hold: signature.json was altered, or was not made with this key',
    ]);
    const other = await verifyBundle(bundle.file, { key: 'ab'.repeat(32) });
    expect(failures(other)).toEqual([
      `✗ the bundle was signed with key ${fingerprint}, not the key you gave (${'ab'.repeat(32)})`,
    ]);
    // No key given: it says whose key to compare, and with what.
    const unpinned = await verifyBundle(bundle.file);
    expect(unpinned.lines.find((line) => line.status === 'warn')?.text).toMatch(
      new RegExp(
        `^! signing key ${fingerprint} is the one the bundle names: compare it with the key published at .*/.well-known/faro-evidence-key, or pass --key$`,
      ),
    );
  });

  it('names the custody row that was edited in the database before the export', async () => {
    const item = await record('video', [webm(5_000)]);
    await t.faro.database.db.execute(sql`alter table evidence_custody disable trigger user`);
    await t.faro.database.db.execute(
      sql`update evidence_custody set actor_role = 'dispatcher' where item_id = ${item} and seq = 2`,
    );
    await t.faro.database.db.execute(sql`alter table evidence_custody enable trigger user`);
    const { reply, file, zip } = await exportBundle(legal, { itemIds: [item] });
    expect(reply.statusCode).toBe(200);
    const manifest = JSON.parse(String((await entriesOf(file)).get('manifest.json')));
    expect(manifest.items[0].custody.check).toEqual({ ok: false, seq: 2, reason: 'hash' });
    expect(zip.includes(Buffer.from('The chain of custody does not hold at row 2'))).toBe(true);
    const result = await verifyBundle(file, { key: keyFile });
    expect(failures(result)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^✗ item ${item}: chain of custody row 2 \\(Completed, .*\\) does not hold: the row was changed after it was written$`,
        ),
      ),
    ]);
  });

  it('holds what verifies of an original whose stored chunk was damaged, and says which chunk', async () => {
    const slices = [webm(8_000), randomBytes(8_000), randomBytes(8_000)];
    const item = await record('video', slices);
    await t.faro.database.db.execute(
      sql`update evidence_chunks set sealed = overlay(sealed placing '\\x00'::bytea from 40 for 1) where item_id = ${item} and seq = 2`,
    );
    const { file } = await exportBundle(legal, { itemIds: [item] });
    const entries = await entriesOf(file);
    expect(entries.get(`originals/001-video-${item}.webm`)?.equals(slices[0] as Buffer)).toBe(true);
    const manifest = JSON.parse(String(entries.get('manifest.json')));
    expect(manifest.items[0]).toMatchObject({
      chunks: 1,
      storedChunks: 3,
      storeCheck: { ok: false, seq: 2, reason: 'seal' },
    });
    expect(failures(await verifyBundle(file, { key: keyFile }))).toEqual([
      `✗ item ${item}: chunk 2 did not verify on the server when it was exported (its seal does not open); the file holds the chunks before it`,
    ]);
  });
  it('lists an original deleted at the end of its retention with its custody log, and no file', async () => {
    const item = await record('audio', [ogg(3_000)]);
    await t.faro.database.db.execute(
      sql`update evidence_items set retain_until = now() - interval '1 day' where id = ${item}`,
    );
    const job = t.faro.jobDefinitions.retention;
    await t.faro.jobs.send(job, {});
    await t.faro.jobs.drain(job);
    const { reply, file } = await exportBundle(legal, { itemIds: [item] });
    expect(reply.statusCode).toBe(200);
    const entries = await entriesOf(file);
    expect([...entries.keys()]).toEqual(['manifest.json', 'manifest.html', 'signature.json']);
    const manifest = JSON.parse(String(entries.get('manifest.json')));
    expect(manifest.items[0]).toMatchObject({ deleted: true, file: null, sha256: null, bytes: 0 });
    expect(manifest.items[0].custody.entries.map((entry: { event: string }) => entry.event)).toEqual([
      'received',
      'completed',
      'deleted',
      'exported',
    ]);
    const result = await verifyBundle(file, { key: keyFile });
    expect(result.ok).toBe(true);
    expect(result.lines.find((line) => line.key === 'noFile')?.text).toBe(
      `· item ${item}: no original in the bundle (deleted at the end of its retention)`,
    );
  });
});

describe('who may export', () => {
  it('refuses anonymous callers, dispatchers and responders, and knows no other coalition’s items', async () => {
    const item = await record('audio', [ogg(2_000)]);
    const exportedBefore = (await auditEntries(t, { action: 'evidence.exported' })).length;
    expect((await exportBundle(null, { itemIds: [item] })).reply.statusCode).toBe(401);
    expect((await exportBundle(dispatcher, { itemIds: [item] })).reply.statusCode).toBe(403);
    expect((await exportBundle(recorder, { itemIds: [item] })).reply.statusCode).toBe(403);
    expect((await exportBundle(recorder, { incidentId })).reply.statusCode).toBe(403);

    // An item of another coalition on the same database: not found, alone or beside one of ours.
    const foreign = await record('audio', [ogg(2_000)]);
    await t.faro.database.pool.query(
      `with other as (insert into coalitions (name, slug) values ('Elsewhere', 'elsewhere-export') returning id)
       update evidence_items set coalition_id = (select id from other) where id = $1`,
      [foreign],
    );
    for (const body of [
      { itemIds: [foreign] },
      { itemIds: [item, foreign] },
      { itemIds: ['00000000-0000-4000-8000-000000000000'] },
      { incidentId: '00000000-0000-4000-8000-000000000000' },
    ]) {
      const { reply } = await exportBundle(legal, body);
      expect(reply.statusCode, JSON.stringify(body)).toBe(404);
      expect(reply.json().error.code).toBe('NOT_FOUND');
      expect(reply.body).not.toContain('Elsewhere');
    }
    for (const body of [{}, { incidentId, itemIds: [item] }, { itemIds: [] }, { itemIds: ['not-an-id'] }]) {
      const { reply } = await exportBundle(legal, body);
      expect(reply.statusCode, JSON.stringify(body)).toBe(400);
      expect(reply.json().error.code).toBe('VALIDATION');
    }
    // Nothing refused left a trace of an export.
    expect((await auditEntries(t, { action: 'evidence.exported' })).length).toBe(exportedBefore);
    const custody = expectStatus(await client(t, legal).get(`/api/evidence/${item}/custody`), 200).body;
    expect(custody.entries.map((entry: { event: string }) => entry.event)).toEqual(['received', 'completed']);
  });
});

describe('faro evidence verify', { timeout: 120_000 }, () => {
  it('runs offline with no database, prints a line per check, and exits 0 only when everything holds', async () => {
    const passed = await faroCli(['evidence', 'verify', bundle.file, '--key', keyFile]);
    expect(passed.stdout).toMatch(/^Checking .*bundle\.zip$/m);
    expect(passed.stdout).toMatch(/^✓ the server's signature holds for manifest\.json \(Ed25519\)$/m);
    expect(passed.stdout.trim().split('\n').at(-1)).toMatch(/^The bundle holds: all \d+ checks passed\.$/);

    const broken = await withFlippedByte(bundle.zip, videoSlices[2] as Buffer, 7, 'cli-broken.zip');
    const failed = await faroCli(['evidence', 'verify', broken, '--key', fingerprint, '--lang', 'es']).catch(
      (error) => error,
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^✗ originals\/001-video-.*\.webm: el fragmento 3 de 3 /m);
    expect(failed.stdout.trim().split('\n').at(-1)).toMatch(
      /^El paquete NO es íntegro: fallaron 2 de \d+ comprobaciones\.$/,
    );

    const notZip = path.join(dir, 'not-a-bundle.zip');
    await writeFile(notZip, 'hello');
    const refused = await faroCli(['evidence', 'verify', notZip]).catch((error) => error);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^✗ .*not-a-bundle\.zip cannot be read as a ZIP bundle: /m);
  });
});
