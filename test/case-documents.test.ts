import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, memberships, organizations } from '../src/server/db/schema.js';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { catalogDump, formsIn, formsOf } from './support/plaintext.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';

/**
 * Issue 16, a case's documents through the evidence store: the bytes sealed like any original
 * (nothing in clear in any table), read back byte for byte with their SHA-256, refused when they are
 * not a PDF or a photo or are too large (with nothing kept), reached exactly as the case is (404 to
 * anyone who may not know it, and never through the evidence routes), moved by a referral, deleted
 * with a reason (the custody log keeps that it existed) and with the case at the end of its retention.
 */
let t: TestFaro;
let orgA: string;
let orgB: string;
let legalA: StaffSession;
let legalB: StaffSession;
let dispatcher: StaffSession;
let coalitionAdmin: StaffSession;

const MARKER = `FARO-DOCUMENT-${randomBytes(8).toString('hex')}`;
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** A PDF of `size` bytes: its header, then random bytes with the marker every few KiB. */
function pdf(size: number): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = parts[0]?.length ?? 0;
  while (length < size) {
    const part = Buffer.concat([randomBytes(3000), Buffer.from(MARKER)]);
    parts.push(part);
    length += part.length;
  }
  return Buffer.concat(parts).subarray(0, size);
}
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(50_000)]);

beforeAll(async () => {
  t = await startTestFaro();
  const db = t.faro.database.db;
  legalA = await staffSession(t.faro.database, 'legal');
  const [home] = await db
    .select({ id: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.userId, legalA.userId), eq(memberships.role, 'legal')));
  orgA = home?.id ?? '';
  orgB = (await db.select({ id: organizations.id }).from(organizations)).find((o) => o.id !== orgA)?.id ?? '';
  expect(orgA && orgB).toBeTruthy();
  const b = await createPerson(t.faro.database, t.faro.box, { role: 'legal', organizationId: orgB });
  legalB = await sessionFor(t.faro.database, b.id);
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  coalitionAdmin = await staffSession(t.faro.database, 'coalition_admin');
});
afterAll(async () => t?.stop());

async function openCase(who: StaffSession, consent = true): Promise<string> {
  const reply = await client(t, who).post('/api/cases', {
    source: 'call',
    person: { name: `Documents ${randomBytes(3).toString('hex')}` },
    ...(consent ? { consent: { givenBy: 'Her sister', method: 'phone' } } : {}),
  });
  return expectStatus(reply, 201).body.id as string;
}

/** Uploads `bytes` as a document of the case: the body is the file, as a phone's browser sends it. */
async function upload(
  who: StaffSession,
  caseId: string,
  bytes: Buffer,
  options: { type?: string; title?: string; sha256?: string; length?: string } = {},
) {
  const response = await t.faro.app.inject({
    method: 'POST',
    url: `/api/cases/${caseId}/documents`,
    headers: {
      ...who.headers,
      'content-type': options.type ?? 'application/pdf',
      'x-document-title': encodeURIComponent(options.title ?? 'Notice to Appear'),
      ...(options.sha256 ? { 'x-content-sha256': options.sha256 } : {}),
      ...(options.length ? { 'content-length': options.length } : {}),
    },
    payload: bytes,
  });
  return { status: response.statusCode, body: response.json() };
}

async function download(who: StaffSession, caseId: string, documentId: string) {
  const response = await t.faro.app.inject({
    method: 'GET',
    url: `/api/cases/${caseId}/documents/${documentId}`,
    headers: who.headers,
  });
  return { status: response.statusCode, bytes: response.rawPayload, headers: response.headers };
}

const audits = async (caseId: string, action: string) =>
  (
    await t.faro.database.db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, caseId), inArray(auditLog.action, [action as 'case.viewed'])))
  ).length;

const kept = async (caseId: string) => {
  const { rows } = await t.faro.database.pool.query<{ items: number; documents: number; chunks: number }>(
    `select (select count(*)::int from evidence_items where case_id = $1) as items,
            (select count(*)::int from case_documents where case_id = $1) as documents,
            (select count(*)::int from evidence_chunks c join evidence_items i on i.id = c.item_id
              where i.case_id = $1) as chunks`,
    [caseId],
  );
  return rows[0];
};

describe('a case’s documents', () => {
  it('stores a PDF sealed, lists it, and gives it back byte for byte with its SHA-256; every step audited', async () => {
    const caseId = await openCase(legalA);
    const file = pdf(2.5 * 1024 * 1024);
    const title = `Aviso de comparecencia ${MARKER}`;
    const added = await upload(legalA, caseId, file, { title, sha256: sha(file) });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({
      title,
      contentType: 'application/pdf',
      bytes: file.length,
      complete: true,
      sha256: sha(file),
    });
    expect(added.body.addedBy).toBeTruthy();
    expect(await audits(caseId, 'case.document_added')).toBe(1);

    const list = expectStatus(await client(t, legalA).get(`/api/cases/${caseId}/documents`), 200).body;
    expect(list.documents).toEqual([added.body]);

    const got = await download(legalA, caseId, added.body.id);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(file)).toBe(true);
    expect(sha(got.bytes)).toBe(added.body.sha256);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['cache-control']).toBe('no-store');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(String(got.headers['content-disposition'])).toMatch(
      /^attachment; filename="[^"]*\.pdf"; filename\*=UTF-8''/,
    );
    expect(await audits(caseId, 'case.document_read')).toBe(1);
    // The evidence store's own log: received, completed (matching the sender's hash), downloaded.
    const { rows: custody } = await t.faro.database.pool.query<{
      event: string;
      details: { matchesUploader?: boolean };
    }>('select event, details from evidence_custody where item_id = $1 order by seq', [added.body.id]);
    expect(custody.map((row) => row.event)).toEqual(['received', 'completed', 'downloaded']);
    expect(custody[1]?.details.matchesUploader).toBe(true);

    // Neither the bytes nor the title are in clear in any table (in any form a store could keep them).
    const dump = await catalogDump(t.faro.database);
    const leaks: string[] = [];
    let stored = false;
    for (const [table, bytes] of dump) {
      for (const form of formsIn(bytes, formsOf(MARKER))) leaks.push(`${table}: ${form}`);
      if (table.endsWith('evidence_items') && bytes.includes(Buffer.from(added.body.id))) stored = true;
    }
    expect(stored).toBe(true);
    expect(leaks).toEqual([]);
  });

  it('takes a photo too, and refuses what is no document or too large, keeping nothing of it', async () => {
    const caseId = await openCase(legalA);
    const photo = await upload(legalA, caseId, JPEG, { type: 'image/jpeg', title: 'ID' });
    expect(photo.status).toBe(201);

    const lying = await upload(legalA, caseId, Buffer.from(`not a pdf at all ${MARKER}`), {
      type: 'application/pdf',
    });
    expect(lying.status).toBe(415);
    expect(lying.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const video = await upload(
      legalA,
      caseId,
      Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), randomBytes(100)]),
      {
        type: 'video/mp4',
      },
    );
    expect(video.status).toBe(415);
    expect(video.body.error.message).toContain('PDF');

    const tooLarge = await upload(legalA, caseId, pdf(25 * 1024 * 1024 + 1));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.details.limitBytes).toBe(25 * 1024 * 1024);

    const untitled = await upload(legalA, caseId, pdf(1000), { title: '' });
    expect(untitled.status).toBe(400);
    expect(untitled.body.error.details.fields[0].field).toBe('title');

    // Only the photo is kept.
    expect(await kept(caseId)).toMatchObject({ items: 1, documents: 1 });
    const list = expectStatus(await client(t, legalA).get(`/api/cases/${caseId}/documents`), 200).body;
    expect(list.documents.map((d: { title: string }) => d.title)).toEqual(['ID']);
  });

  it('needs consent recorded on the case first', async () => {
    const caseId = await openCase(legalA, false);
    const refused = await upload(legalA, caseId, pdf(1000));
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.reason).toBe('consent_required');
    expect(await kept(caseId)).toMatchObject({ items: 0, documents: 0 });
  });
});

describe('need to know', () => {
  it('answers 404 to another organization’s legal team, a dispatcher and a coalition admin, and for another case’s document', async () => {
    const caseId = await openCase(legalA);
    const file = pdf(10_000);
    const added = await upload(legalA, caseId, file);
    expect(added.status).toBe(201);
    const documentId = added.body.id as string;
    for (const [who, caller] of [
      ['other legal team', legalB],
      ['dispatcher', dispatcher],
      ['coalition admin', coalitionAdmin],
    ] as const) {
      const c = client(t, caller);
      expect((await c.get(`/api/cases/${caseId}/documents`)).status, who).toBe(404);
      expect((await download(caller, caseId, documentId)).status, who).toBe(404);
      expect((await upload(caller, caseId, pdf(1000))).status, who).toBe(404);
      expect(
        (await c.delete(`/api/cases/${caseId}/documents/${documentId}`, { reason: 'x' })).status,
        who,
      ).toBe(404);
    }
    expect(await kept(caseId)).toMatchObject({ items: 1, documents: 1 });
    // A document of one case asked for through another the same person holds: no such document.
    const other = await openCase(legalA);
    expect((await download(legalA, other, documentId)).status).toBe(404);
    expect(
      (await client(t, legalA).delete(`/api/cases/${other}/documents/${documentId}`, { reason: 'x' })).status,
    ).toBe(404);
    expect((await download(legalA, caseId, randomUUID())).status).toBe(404);
    expectStatus(await client(t, legalA).get(`/api/cases/${caseId}/documents`), 200);
  });

  it('is never reached through the evidence routes, even by a legal team that opens originals', async () => {
    const caseId = await openCase(legalA);
    const added = await upload(legalA, caseId, pdf(10_000));
    expect(added.status).toBe(201);
    const documentId = added.body.id as string;
    const unknown = randomUUID();
    // Legal B opens incidents' originals (evidence:legal) but is not on this case; legal A holds it.
    for (const caller of [legalB, legalA]) {
      const c = client(t, caller);
      const routes = t.faro.routeAccess.filter(
        (r) => r.url.startsWith('/api/evidence/') && r.url.includes(':id'),
      );
      expect(routes.length).toBeGreaterThanOrEqual(9);
      for (const route of routes) {
        const url = (id: string) => route.url.replace(':id', id).replace(':seq', '1');
        const body =
          route.method === 'POST' && route.url.endsWith('/hold')
            ? { set: true, reason: 'x' }
            : route.method === 'POST' && route.url.endsWith('/finish')
              ? { chunks: 1 }
              : undefined;
        const ask = async (id: string) => {
          const response = await t.faro.app.inject({
            method: route.method as 'GET',
            url: url(id),
            headers: {
              ...caller.headers,
              ...(route.method === 'PUT' ? { 'content-type': 'application/octet-stream' } : {}),
              ...(route.url.includes('uploads') ? { 'tus-resumable': '1.0.0', 'upload-offset': '0' } : {}),
              ...(route.method === 'PATCH' ? { 'content-type': 'application/offset+octet-stream' } : {}),
            },
            ...(route.method === 'PUT' || route.method === 'PATCH'
              ? { payload: Buffer.from('%PDF-1.7 more') }
              : body
                ? { payload: body }
                : {}),
          });
          return response.statusCode;
        };
        const forDocument = await ask(documentId);
        // Told apart from nothing by no route: the same answer as for an id that does not exist.
        expect(forDocument, `${route.method} ${route.url}`).toBe(await ask(unknown));
        if (caller === legalB && route.method === 'GET' && !route.url.includes('uploads'))
          expect(forDocument, `${route.method} ${route.url}`).toBe(404);
      }
      // Not in the lists the legal page and the board read, nor exportable by id.
      const recent = expectStatus(await c.get('/api/evidence'), 200).body;
      expect(JSON.stringify(recent)).not.toContain(documentId);
      const exported = await c.post('/api/evidence/export', { itemIds: [documentId], language: 'en' });
      expect(exported.status).toBe(404);
    }
    // What the legal team did not see, nothing touched: the document's log has its upload only.
    const { rows } = await t.faro.database.pool.query<{ event: string }>(
      'select event from evidence_custody where item_id = $1 order by seq',
      [documentId],
    );
    expect(rows.map((row) => row.event)).toEqual(['received', 'completed']);
  });

  it('moves with a referral: the receiving team reads the documents, the sender no longer does', async () => {
    const caseId = await openCase(legalA);
    const file = pdf(300_000);
    const added = await upload(legalA, caseId, file, { title: 'Bond receipt' });
    expect(added.status).toBe(201);
    expectStatus(
      await client(t, legalA).post(`/api/cases/${caseId}/referral`, { organizationId: orgB, note: 'yours' }),
      200,
    );
    const theirs = expectStatus(await client(t, legalB).get(`/api/cases/${caseId}/documents`), 200).body;
    expect(theirs.documents.map((d: { title: string }) => d.title)).toEqual(['Bond receipt']);
    const got = await download(legalB, caseId, added.body.id);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(file)).toBe(true);
    expect((await client(t, legalA).get(`/api/cases/${caseId}/documents`)).status).toBe(404);
    expect((await download(legalA, caseId, added.body.id)).status).toBe(404);
  });
});

describe('deleting', () => {
  it('deletes a document with a reason: its bytes go, its custody log keeps that it existed', async () => {
    const caseId = await openCase(legalA);
    const added = await upload(legalA, caseId, pdf(50_000));
    const id = added.body.id as string;
    const legal = client(t, legalA);
    expect((await legal.delete(`/api/cases/${caseId}/documents/${id}`, { reason: '' })).status).toBe(400);
    const after = expectStatus(
      await legal.delete(`/api/cases/${caseId}/documents/${id}`, { reason: 'Uploaded to the wrong case' }),
      200,
    ).body;
    expect(after.documents).toEqual([]);
    expect((await download(legalA, caseId, id)).status).toBe(404);
    expect(await audits(caseId, 'case.document_deleted')).toBe(1);
    expect(await kept(caseId)).toMatchObject({ items: 1, documents: 0, chunks: 0 });
    const { rows } = await t.faro.database.pool.query<{ event: string; details: { reason?: string } }>(
      'select event, details from evidence_custody where item_id = $1 order by seq',
      [id],
    );
    expect(rows.map((row) => row.event)).toEqual(['received', 'completed', 'deleted']);
    // The reason is sealed in the log.
    expect(rows[2]?.details.reason).not.toContain('wrong case');
  });

  it('deletes the documents with the case at the end of its retention; a case on hold keeps them', async () => {
    const legal = client(t, legalA);
    const expired = await openCase(legalA);
    const held = await openCase(legalA);
    const gone = await upload(legalA, expired, pdf(20_000));
    const stays = await upload(legalA, held, pdf(20_000));
    expectStatus(await legal.post(`/api/cases/${expired}/closing`, { closed: true }), 200);
    expectStatus(await legal.post(`/api/cases/${held}/closing`, { closed: true, hold: true }), 200);
    await t.faro.database.pool.query(
      `update cases set closed_at = now() - interval '366 days' where id = any($1::uuid[])`,
      [[expired, held]],
    );
    const job = t.faro.jobDefinitions.retention;
    await t.faro.jobs.send(job, {});
    await t.faro.jobs.drain(job);
    expect((await legal.get(`/api/cases/${expired}`)).status).toBe(404);
    expect(await kept(expired)).toMatchObject({ documents: 0, chunks: 0 });
    const { rows } = await t.faro.database.pool.query<{ deleted: boolean }>(
      'select deleted_at is not null as deleted from evidence_items where id = $1',
      [gone.body.id],
    );
    expect(rows[0]?.deleted).toBe(true);
    const got = await download(legalA, held, stays.body.id);
    expect(got.status).toBe(200);
    expect(await kept(held)).toMatchObject({ items: 1, documents: 1 });
  });
});
