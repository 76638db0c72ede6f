import { createHash, randomBytes, randomUUID } from 'node:crypto';
import sodium from 'libsodium-wrappers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartupError } from '../src/server/config.js';
import { columnName, describeStatus, keyStatus, resealAll } from '../src/server/crypto/rotation.js';
import { SEALED_COLUMNS } from '../src/server/crypto/sealed-registry.js';
import { keyId } from '../src/server/crypto/secret-box.js';
import { countSealedByKid } from '../src/server/db/reseal.js';
import { client, expectStatus } from './support/client.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { TEST_SECRET_KEY } from './support/keys.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { responderOutOnIncident } from './support/state.js';

/**
 * Issue 18, rotating the server key: data sealed with key A is re-sealed with key B while the
 * server keeps taking and reading reports; afterwards a process with only B reads everything
 * (digests unchanged), and one with only A refuses to start, saying why.
 */
const KEY_A = TEST_SECRET_KEY;
const KEY_B = randomBytes(32).toString('base64');
const kidA = keyId(Buffer.from(KEY_A, 'base64'));
const kidB = keyId(Buffer.from(KEY_B, 'base64'));
const SUBSCRIBER = 'rotation.reader@example.org';
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let db: TestDatabase;
let t: TestFaro | undefined;
let dispatcher: StaffSession;
let legal: StaffSession;
let zoneIds: string[] = [];
const sample = {
  reportId: '',
  callbackReportId: '',
  description: `rotation ${randomBytes(4).toString('hex')}`,
  caseId: '',
  caseNote: `note ${randomBytes(4).toString('hex')}`,
  itemId: '',
  original: Buffer.alloc(0),
  digestBefore: '',
};

// Mail is set up (nothing listens there: a confirmation job waits in the queue, its payload sealed).
const start = (env: Record<string, string>) =>
  startTestFaro({ db, env: { SMTP_URL: 'smtp://127.0.0.1:9', ...env } });
const subscriptionCount = async () =>
  Number((await db.database.pool.query('select count(*) as n from subscriptions')).rows[0].n);

/** A value sealed with key A the way Faro sealed before key ids. */
async function legacySeal(plaintext: string, context: string): Promise<string> {
  await sodium.ready;
  const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const key = Buffer.from(KEY_A, 'base64');
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, context, null, nonce, key);
  return `v1.${sodium.to_base64(nonce)}.${sodium.to_base64(ciphertext)}`;
}

/** What the samples read as through the services, as `faro` serves them now. */
async function readSamples(faro: TestFaro) {
  const report = expectStatus(
    await client(faro, dispatcher).get(`/api/reports/${sample.reportId}`),
    200,
  ).body;
  expect(report.report.description).toBe(sample.description);
  // Sealed before key ids existed (v1), then re-sealed: the same number either way.
  const called = expectStatus(
    await client(faro, dispatcher).get(`/api/reports/${sample.callbackReportId}`),
    200,
  );
  expect(called.body.callback).toBe('+13235550147');
  const kase = expectStatus(await client(faro, legal).get(`/api/cases/${sample.caseId}`), 200).body;
  expect(JSON.stringify(kase)).toContain(sample.caseNote);
  expect(JSON.stringify(kase)).toContain('Her brother');
  const original = await faro.faro.app.inject({
    method: 'GET',
    url: `/api/evidence/${sample.itemId}/original`,
    headers: legal.headers,
  });
  expect(original.statusCode).toBe(200);
  expect(sha(original.rawPayload)).toBe(sha(sample.original));
  // The same address again is found by its digest: no second subscription.
  const before = await subscriptionCount();
  expectStatus(
    await client(faro).post('/api/subscriptions', {
      channel: 'email',
      address: SUBSCRIBER,
      zoneIds,
      language: 'en',
    }),
    202,
  );
  expect(await subscriptionCount()).toBe(before);
  expect(faro.faro.box.digest('+13235550142', 'rotation-test')).toBe(sample.digestBefore);
}

/** Sealed values in every text column of the database sealed with key A or before key ids. */
async function oldTextValues(): Promise<string[]> {
  const { rows } = await db.database.pool.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns
     where table_schema = 'public' and data_type = 'text'`,
  );
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of rows) {
    const result = await db.database.pool.query(
      `select count(*) as n from "${table}" where "${column}" like 'v1.%' or "${column}" like $1`,
      [`v2.${kidA}.%`],
    );
    if (Number(result.rows[0].n) > 0) found.push(`${table}.${column}`);
  }
  return found;
}

beforeAll(async () => {
  db = await createTestDatabase();
  // Before the rotation: key A (the test key) seals everything.
  t = await start({});
  dispatcher = await staffSession(db.database, 'dispatcher');
  legal = await staffSession(db.database, 'legal');
  zoneIds = [(await client(t).get('/api/zones')).body.zones[0].id];
  sample.digestBefore = t.faro.box.digest('+13235550142', 'rotation-test');

  sample.reportId = expectStatus(
    await client(t).post(
      '/api/reports',
      buildReportInput({ description: sample.description, markings: 'vest 51f0', activity: 'raid' }),
    ),
    201,
  ).body.id;
  const operator = await staffSession(db.database, 'operator');
  sample.callbackReportId = expectStatus(
    await client(t, operator).post('/api/intake/hotline', {
      ...buildReportInput(),
      callback: '+1 (323) 555-0147',
    }),
    201,
  ).body.id;
  // As an earlier version stored it: `v1.<nonce>.<ct>`, no key id.
  const { rows } = await db.database.pool.query('select callback from reports where id = $1', [
    sample.callbackReportId,
  ]);
  const number = t.faro.box.open(rows[0].callback, `report-callback:${sample.callbackReportId}`);
  await db.database.pool.query('update reports set callback = $2 where id = $1', [
    sample.callbackReportId,
    await legacySeal(number, `report-callback:${sample.callbackReportId}`),
  ]);
  sample.caseId = expectStatus(
    await client(t, legal).post('/api/cases', {
      source: 'call',
      person: { name: 'Rosa Q', contact: '+13235550100' },
      consent: { givenBy: 'Her brother', method: 'phone' },
    }),
    201,
  ).body.id;
  for (const [path, body] of [
    ['notes', { text: sample.caseNote }],
    ['tasks', { text: 'Call the brother back' }],
    ['contacts', { name: 'Ana', phone: '+13235550101' }],
    ['hearings', { at: new Date(Date.now() + 86_400_000).toISOString(), court: 'Adelanto', type: 'Bond' }],
  ] as const)
    expectStatus(await client(t, legal).post(`/api/cases/${sample.caseId}/${path}`, body), 200);
  expectStatus(
    await client(t).post('/api/subscriptions', {
      channel: 'email',
      address: SUBSCRIBER,
      zoneIds,
      language: 'en',
    }),
    202,
  );

  const { incidentId, responder } = await responderOutOnIncident(t);
  expectStatus(
    await client(t, dispatcher).post(`/api/incidents/${incidentId}/notes`, { text: 'observer on scene' }),
    204,
  );
  expectStatus(
    await client(t, responder).post(`/api/incidents/${incidentId}/messages`, { text: 'on my way' }),
    200,
  );
  sample.original = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), randomBytes(20_000)]);
  sample.itemId = expectStatus(
    await client(t, responder).post(`/api/incidents/${incidentId}/evidence`, {
      id: randomUUID(),
      kind: 'video',
      contentType: 'video/webm',
    }),
    201,
  ).body.id;
  expectStatus(
    await client(t, responder).put(`/api/evidence/${sample.itemId}/slices/1`, sample.original, {
      'content-type': 'application/octet-stream',
      'x-content-sha256': sha(sample.original),
    }),
    200,
  );
  expectStatus(
    await client(t, responder).post(`/api/evidence/${sample.itemId}/finish`, {
      chunks: 1,
      sha256: sha(sample.original),
    }),
    200,
  );
  expectStatus(
    await client(t, legal).put(`/api/evidence/${sample.itemId}/hold`, { reason: 'Bond hearing 12/18' }),
    200,
  );
  await readSamples(t);
  await t.stop();
  t = undefined;
});
afterAll(async () => {
  await t?.stop();
  await db?.database.close();
  await db?.drop();
});

describe('rotating the server key', () => {
  it('reads everything with the new key current and the old one listed, and re-seals while serving', async () => {
    t = await start({ FARO_SECRET_KEY: KEY_B, FARO_OLD_SECRET_KEYS: KEY_A });
    const faro = t;
    expect(faro.faro.box.currentKid).toBe(kidB);
    await readSamples(faro);
    // Values sealed with A are there, in more than one column, before.
    expect((await oldTextValues()).length).toBeGreaterThan(3);

    // Interrupted after one small batch: some done, not all.
    const first = await resealAll(db.database, faro.faro.box, { batchSize: 2, maxBatches: 1 });
    expect(first.complete).toBe(false);
    expect(first.resealed).toBeGreaterThan(0);
    expect((await oldTextValues()).length).toBeGreaterThan(0);

    // Run again, while reports are posted and read: none of those fails.
    const failures: string[] = [];
    let stop = false;
    const load = (async () => {
      let n = 0;
      while (!stop || n < 5) {
        n += 1;
        const posted = await client(faro).post(
          '/api/reports',
          buildReportInput({ description: `during ${n}` }),
        );
        if (posted.status !== 201) failures.push(`post ${posted.status}`);
        else {
          const read = await client(faro, dispatcher).get(`/api/reports/${posted.body.id}`);
          if (read.status !== 200 || read.body.report.description !== `during ${n}`)
            failures.push(`read ${read.status}`);
        }
        const old = await client(faro, dispatcher).get(`/api/reports/${sample.reportId}`);
        if (old.status !== 200 || old.body.report.description !== sample.description)
          failures.push(`old ${old.status}`);
      }
    })();
    const result = await resealAll(db.database, faro.faro.box, { batchSize: 3 });
    stop = true;
    await load;
    expect(failures).toEqual([]);
    expect(result.complete).toBe(true);
    expect(result.failed).toEqual([]);

    // No declared column keeps a value sealed with A or before key ids; nor does any text column.
    for (const col of SEALED_COLUMNS.filter((c) => !c.immutable)) {
      const kids = [...(await countSealedByKid(db.database.db, col)).keys()];
      expect(
        kids.filter((kid) => kid !== kidB),
        columnName(col),
      ).toEqual([]);
    }
    expect(await oldTextValues()).toEqual([]);
    await readSamples(faro);

    // Job payloads sealed with A (the subscription's confirmation) keep A in use until they are gone.
    const status = await keyStatus(db.database, faro.faro.box);
    expect(status.jobs.some((job) => job.kid === kidA)).toBe(true);
    expect(status.stillUsed).toEqual([kidA]);
    expect(status.usedByImmutable).toEqual([kidA]); // the hold's reason in the chain of custody
    expect(describeStatus(status, faro.faro.box.kids()).join('\n')).toContain('Still in use');
    await db.database.pool.query(`delete from pgboss.job where data::text like '%"v2.${kidA}.%'`);
    await db.database.pool.query(`delete from pgboss.archive where data::text like '%"v2.${kidA}.%'`);
    const after = await keyStatus(db.database, faro.faro.box);
    expect(after.stillUsed).toEqual([]);
    expect(after.usedByImmutable).toEqual([kidA]);
    expect(describeStatus(after, faro.faro.box.kids()).join('\n')).toContain('can be retired');

    // A second run finds nothing to do.
    expect((await resealAll(db.database, faro.faro.box)).resealed).toBe(0);
    await faro.stop();
    t = undefined;
  });

  it('starts with only the new key once the old one is retired, with every digest as before', async () => {
    t = await start({ FARO_SECRET_KEY: KEY_B });
    await readSamples(t);
    await t.stop();
    t = undefined;
  });

  it('refuses to start with only the old key, saying which key the data needs', async () => {
    const refused = start({ FARO_SECRET_KEY: KEY_A });
    await expect(refused).rejects.toThrow(StartupError);
    await expect(refused).rejects.toThrow(`sealed with the key ${kidB}`);
  });
});
