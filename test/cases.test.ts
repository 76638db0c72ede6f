import { randomBytes, randomInt } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, memberships, organizations } from '../src/server/db/schema.js';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';

/**
 * Issue 16 ("After a detention"), cases for the legal team: consent first, every personal field
 * sealed at rest, found by keyed digests of the A-number and the name, seen only by the team that
 * holds the case (and people it adds) — everyone else is told it does not exist — every reading
 * audited, and a referral moving the case to another organization's team.
 */
let t: TestFaro;
let orgA: string;
let orgB: string;
let legalA: StaffSession;
let legalA2: StaffSession;
let legalB: StaffSession;
let dispatcher: StaffSession;
let coalitionAdmin: StaffSession;

const tag = () => randomBytes(4).toString('hex');
const aNumber = () => String(randomInt(10_000_000, 99_999_999));

beforeAll(async () => {
  t = await startTestFaro();
  const db = t.faro.database.db;
  legalA = await staffSession(t.faro.database, 'legal');
  const [home] = await db
    .select({ id: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.userId, legalA.userId), eq(memberships.role, 'legal')));
  orgA = home?.id ?? '';
  const others = await db.select({ id: organizations.id }).from(organizations);
  orgB = others.find((o) => o.id !== orgA)?.id ?? '';
  expect(orgA && orgB).toBeTruthy();
  const b = await createPerson(t.faro.database, t.faro.box, { role: 'legal', organizationId: orgB });
  legalB = await sessionFor(t.faro.database, b.id);
  const a2 = await createPerson(t.faro.database, t.faro.box, { role: 'legal', organizationId: orgA });
  legalA2 = await sessionFor(t.faro.database, a2.id);
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  coalitionAdmin = await staffSession(t.faro.database, 'coalition_admin');
});
afterAll(async () => t?.stop());

/** Opens a case as `who` with consent, and returns its id. */
async function openCase(who: StaffSession, person: Record<string, unknown>, consent = true) {
  const reply = await client(t, who).post('/api/cases', {
    source: 'call',
    person,
    ...(consent ? { consent: { givenBy: 'Her brother', method: 'phone' } } : {}),
  });
  return expectStatus(reply, 201).body.id as string;
}

const auditCount = async (caseId: string, action: string) =>
  (
    await t.faro.database.db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, caseId), inArray(auditLog.action, [action as 'case.viewed'])))
  ).length;

describe('consent first', () => {
  it('holds only a name and a contact until consent is recorded, then the rest', async () => {
    const legal = client(t, legalA);
    const refused = await legal.post('/api/cases', {
      source: 'call',
      person: { name: 'Rosa Q', contact: '+13235550100', aNumber: aNumber() },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.reason).toBe('consent_required');

    const id = await openCase(legalA, { name: 'Rosa Q', contact: '+13235550100' }, false);
    const before = expectStatus(await legal.get(`/api/cases/${id}`), 200).body;
    expect(before.consent).toBeNull();
    for (const [path, body] of [
      ['person', { aNumber: aNumber() }],
      ['person', { countryOfBirth: 'Guatemala' }],
      ['hearings', { at: new Date(Date.now() + 86_400_000).toISOString(), court: 'Adelanto', type: 'Bond' }],
      ['contacts', { name: 'Ana', phone: '+13235550101' }],
      ['custody', { status: 'detained' }],
      ['notes', { text: 'Seen at the facility' }],
    ] as const) {
      const reply = await legal.post(`/api/cases/${id}/${path}`, body);
      expect(reply.status, path).toBe(400);
      expect(reply.body.error.details.reason, path).toBe('consent_required');
    }
    // Seeking consent is work: a task and the contact may change.
    expectStatus(await legal.post(`/api/cases/${id}/tasks`, { text: 'Call the brother back' }), 200);
    expectStatus(await legal.post(`/api/cases/${id}/person`, { contact: '+13235550199' }), 200);

    const consented = expectStatus(
      await legal.post(`/api/cases/${id}/consent`, { givenBy: 'Rosa herself', method: 'in_person' }),
      200,
    ).body;
    expect(consented.consent).toMatchObject({ givenBy: 'Rosa herself', method: 'in_person' });
    const number = aNumber();
    const after = expectStatus(await legal.post(`/api/cases/${id}/person`, { aNumber: number }), 200).body;
    expect(after.person.aNumber).toBe(number.padStart(9, '0'));
    expect(after.person.contact).toBe('+13235550199');
  });
});

describe('search by keyed digests', () => {
  it('finds a case by its A-number however written, and by its name or an alias in any order, accents or case', async () => {
    const number = aNumber();
    const name = `María José García-López ${tag()}`;
    const id = await openCase(legalA, { name, aliases: [`Josefina ${tag()} Perez`], aNumber: number });
    const legal = client(t, legalA);
    const ids = async (query: Record<string, string>) =>
      (
        expectStatus(await legal.post('/api/cases/search', query), 200).body.cases as {
          id: string;
        }[]
      ).map((c) => c.id);

    expect(await ids({ aNumber: number })).toEqual([id]);
    expect(
      await ids({ aNumber: `A0${number.slice(0, 2)}-${number.slice(2, 5)}-${number.slice(5)}` }),
    ).toEqual([id]);
    const [first, second, third, fourth] = name.split(' ') as [string, string, string, string];
    expect(await ids({ name })).toEqual([id]);
    expect(
      await ids({ name: `${fourth}  ${third.toUpperCase()}, ${first.normalize('NFD')} ${second}` }),
    ).toEqual([id]);
    expect(await ids({ name: `maria jose garcia lopez ${fourth}` })).toEqual([id]);
    const detail = expectStatus(await legal.get(`/api/cases/${id}`), 200).body;
    expect(await ids({ name: detail.person.aliases[0].toLowerCase() })).toEqual([id]);
    expect(await ids({ name: 'María José' })).toEqual([]);
    expect((await legal.post('/api/cases/search', { aNumber: '1234' })).status).toBe(400);
    expect((await legal.post('/api/cases/search', {})).status).toBe(400);
    // Another organization's legal team finds nothing, however exact the query.
    const theirs = expectStatus(await client(t, legalB).post('/api/cases/search', { aNumber: number }), 200);
    expect(theirs.body.cases).toEqual([]);
  });
});

describe('need to know', () => {
  it('tells a dispatcher, another organization’s legal team and a coalition admin that a case does not exist (404)', async () => {
    const id = await openCase(legalA, { name: `Need ${tag()}` });
    expectStatus(await client(t, legalA2).get(`/api/cases/${id}`), 200);
    for (const [who, caller] of [
      ['dispatcher', dispatcher],
      ['other legal team', legalB],
      ['coalition admin', coalitionAdmin],
    ] as const) {
      const c = client(t, caller);
      expect((await c.get(`/api/cases/${id}`)).status, who).toBe(404);
      for (const [path, body] of [
        ['notes', { text: 'x' }],
        ['tasks', { text: 'x' }],
        ['consent', { givenBy: 'x', method: 'phone' }],
        ['referral', { organizationId: orgB, note: 'x' }],
        ['members', { userId: caller.userId }],
      ] as const)
        expect((await c.post(`/api/cases/${id}/${path}`, body)).status, `${who} ${path}`).toBe(404);
    }
    // The list and the search: a dispatcher and an admin may not use them; the other team sees none of A's.
    expect((await client(t, dispatcher).get('/api/cases')).status).toBe(403);
    expect((await client(t, coalitionAdmin).get('/api/cases')).status).toBe(403);
    const listB = expectStatus(await client(t, legalB).get('/api/cases'), 200).body;
    expect(listB.cases.map((c: { id: string }) => c.id)).not.toContain(id);
    // A case that does not exist looks the same.
    expect((await client(t, legalA).get('/api/cases/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('shows the case to someone the team adds, and audits every reading', async () => {
    const id = await openCase(legalA, { name: `Added ${tag()}` });
    const viewed = await auditCount(id, 'case.viewed');
    expectStatus(await client(t, legalA).get(`/api/cases/${id}`), 200);
    expectStatus(await client(t, legalA2).get(`/api/cases/${id}`), 200);
    expect(await auditCount(id, 'case.viewed')).toBe(viewed + 2);
    const listed = await auditCount(id, 'case.listed');
    expectStatus(await client(t, legalA).get('/api/cases'), 200);
    expect(await auditCount(id, 'case.listed')).toBe(listed + 1);
    // A refused reading is no reading, but who asked is kept: probing for cases shows in the log.
    const unknown = await client(t, dispatcher).get('/api/cases/00000000-0000-4000-8000-00000000abcd');
    const refused = await client(t, dispatcher).get(`/api/cases/${id}`);
    expect([refused.status, refused.text]).toEqual([unknown.status, unknown.text]);
    expect(await auditCount(id, 'case.viewed')).toBe(viewed + 2);
    const refusals = await t.faro.database.db
      .select({ actorId: auditLog.actorId })
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, id), eq(auditLog.action, 'case.access_refused')));
    expect(refusals).toEqual([{ actorId: dispatcher.userId }]);

    const withMember = expectStatus(
      await client(t, legalA).post(`/api/cases/${id}/members`, { userId: dispatcher.userId }),
      200,
    ).body;
    expect(withMember.members.map((m: { userId: string }) => m.userId)).toContain(dispatcher.userId);
    expectStatus(await client(t, dispatcher).get(`/api/cases/${id}`), 200);
    // Someone added works on it but does not move it.
    expect(
      (await client(t, dispatcher).post(`/api/cases/${id}/referral`, { organizationId: orgB, note: 'x' }))
        .status,
    ).toBe(403);
  });

  it('moves the case on referral: the sender keeps only the referral record; people it added lose it too', async () => {
    const name = `Referred ${tag()}`;
    const id = await openCase(legalA, { name });
    expectStatus(
      await client(t, legalA).post(`/api/cases/${id}/members`, { userId: dispatcher.userId }),
      200,
    );
    expect((await client(t, legalB).get(`/api/cases/${id}`)).status).toBe(404);
    const referred = await client(t, legalA).post(`/api/cases/${id}/referral`, {
      organizationId: orgB,
      note: 'They have a Spanish-speaking attorney at Adelanto',
    });
    expect(expectStatus(referred, 200).body).toEqual({ referred: true });
    expect((await client(t, legalA).get(`/api/cases/${id}`)).status).toBe(404);
    expect((await client(t, dispatcher).get(`/api/cases/${id}`)).status).toBe(404);
    const theirs = expectStatus(await client(t, legalB).get(`/api/cases/${id}`), 200).body;
    expect(theirs.person.name).toBe(name);
    expect(theirs.organizationId).toBe(orgB);
    const recordsRead = await auditCount(id, 'case.referrals_viewed');
    const records = expectStatus(await client(t, legalA).get('/api/cases/referrals'), 200).body.referrals;
    expect(await auditCount(id, 'case.referrals_viewed')).toBe(recordsRead + 1);
    const record = records.find((r: { caseId: string }) => r.caseId === id);
    expect(record).toMatchObject({ note: 'They have a Spanish-speaking attorney at Adelanto' });
    expect(JSON.stringify(records)).not.toContain(name);
    const listA = expectStatus(await client(t, legalA).get('/api/cases'), 200).body;
    expect(listA.cases.map((c: { id: string }) => c.id)).not.toContain(id);
    expect(await auditCount(id, 'case.referred')).toBe(1);
  });

  it('takes its tasks’ assignees off on referral, and refers only to an organization with a legal team', async () => {
    const id = await openCase(legalA, { name: `Tasks ${tag()}` });
    const withTask = expectStatus(
      await client(t, legalA).post(`/api/cases/${id}/tasks`, {
        text: 'Call the facility',
        assigneeId: legalA2.userId,
      }),
      200,
    ).body;
    expect(withTask.tasks[0].assigneeId).toBe(legalA2.userId);
    const [lonely] = await t.faro.database.db
      .insert(organizations)
      .values({
        coalitionId: (await t.faro.database.db.select().from(organizations))[0]?.coalitionId as string,
        name: `No legal ${tag()}`,
        slug: `no-legal-${tag()}`,
      })
      .returning();
    const refused = await client(t, legalA).post(`/api/cases/${id}/referral`, {
      organizationId: lonely?.id,
      note: 'x',
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('organizationId');
    expectStatus(
      await client(t, legalA).post(`/api/cases/${id}/referral`, { organizationId: orgB, note: 'x' }),
      200,
    );
    const theirs = expectStatus(await client(t, legalB).get(`/api/cases/${id}`), 200).body;
    expect(theirs.tasks[0]).toMatchObject({ assigneeId: null, assigneeName: null });
    // The task's former assignee does not get the case back through it.
    expect((await client(t, legalA2).get(`/api/cases/${id}`)).status).toBe(404);
  });

  it('lets the holding team take someone it added off the case; nobody else can', async () => {
    const id = await openCase(legalA, { name: `Members ${tag()}` });
    expectStatus(
      await client(t, legalA).post(`/api/cases/${id}/members`, { userId: dispatcher.userId }),
      200,
    );
    expectStatus(await client(t, dispatcher).get(`/api/cases/${id}`), 200);
    // Someone added cannot take people off; another team is told the case does not exist.
    expect((await client(t, dispatcher).delete(`/api/cases/${id}/members/${dispatcher.userId}`)).status).toBe(
      403,
    );
    expect((await client(t, legalB).delete(`/api/cases/${id}/members/${dispatcher.userId}`)).status).toBe(
      404,
    );
    const after = expectStatus(
      await client(t, legalA).delete(`/api/cases/${id}/members/${dispatcher.userId}`),
      200,
    ).body;
    expect(after.members).toEqual([]);
    expect((await client(t, dispatcher).get(`/api/cases/${id}`)).status).toBe(404);
    expect((await client(t, legalA).delete(`/api/cases/${id}/members/${dispatcher.userId}`)).status).toBe(
      404,
    );
  });
});

describe('the work on a case', () => {
  it('keeps custody history, hearings, contacts, tasks, notes and links; the list filters and counts', async () => {
    const legal = client(t, legalA);
    const facility = expectStatus(
      await client(t, coalitionAdmin).post('/api/admin/case-facilities', { name: `Adelanto ${tag()}` }),
      201,
    ).body;
    expect((await legal.post('/api/admin/case-facilities', { name: 'x' })).status).toBe(403);
    const id = await openCase(legalA, { name: `Worked ${tag()}`, language: 'es' });
    await legal.post(`/api/cases/${id}/custody`, { status: 'detained', facilityId: facility.id });
    await legal.post(`/api/cases/${id}/custody`, {
      status: 'transferred',
      facilityText: 'A county jail up north',
    });
    const hearingAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    await legal.post(`/api/cases/${id}/hearings`, {
      at: hearingAt,
      court: 'Adelanto Immigration Court',
      type: 'Master calendar',
      judge: 'Judge R',
    });
    await legal.post(`/api/cases/${id}/contacts`, {
      name: 'Ana',
      phone: '+13235550111',
      language: 'es',
      relation: 'sister',
    });
    const withTask = expectStatus(
      await legal.post(`/api/cases/${id}/tasks`, {
        text: 'File G-28',
        dueOn: '2030-01-02',
        assigneeId: legalA2.userId,
      }),
      200,
    ).body;
    const taskId = withTask.tasks[0].id;
    expectStatus(await legal.post(`/api/cases/${id}/tasks/${taskId}/done`, { done: true }), 200);
    await legal.post(`/api/cases/${id}/notes`, { text: '<script>alert(1)</script> spoke with Ana' });
    expectStatus(await legal.post(`/api/cases/${id}/attorney`, { attorneyId: legalA2.userId }), 200);
    const detail = expectStatus(await legal.get(`/api/cases/${id}`), 200).body;
    expect(detail.status).toBe('transferred');
    expect(detail.custody.map((e: { status: string }) => e.status)).toEqual([
      'unknown',
      'detained',
      'transferred',
    ]);
    expect(detail.facilityText).toBe('A county jail up north');
    expect(detail.hearings[0]).toMatchObject({
      court: 'Adelanto Immigration Court',
      judge: 'Judge R',
      at: hearingAt,
    });
    expect(detail.contacts[0]).toMatchObject({ name: 'Ana', relation: 'sister' });
    expect(detail.tasks[0]).toMatchObject({ text: 'File G-28', done: true, assigneeId: legalA2.userId });
    expect(detail.notes[0].text).toBe('<script>alert(1)</script> spoke with Ana');
    expect(detail.attorneyId).toBe(legalA2.userId);

    const list = expectStatus(await legal.get('/api/cases?status=transferred&hearingWithinDays=7'), 200).body;
    expect(list.cases.map((c: { id: string }) => c.id)).toContain(id);
    expect(list.counts.transferred).toBeGreaterThanOrEqual(1);
    expect(list.upcomingHearings).toBeGreaterThanOrEqual(1);
    const byFacility = expectStatus(await legal.get(`/api/cases?facilityId=${facility.id}`), 200).body;
    expect(byFacility.cases.map((c: { id: string }) => c.id)).toContain(id);
    const none = expectStatus(await legal.get('/api/cases?status=removed'), 200).body;
    expect(none.cases.map((c: { id: string }) => c.id)).not.toContain(id);
  });

  it('refuses what a hostile or careless caller sends, keeping what was there', async () => {
    const legal = client(t, legalA);
    const id = await openCase(legalA, { name: `Hostile ${tag()}` });
    const other = await openCase(legalA, { name: `Other ${tag()}` });
    const otherTask = expectStatus(await legal.post(`/api/cases/${other}/tasks`, { text: 'theirs' }), 200)
      .body.tasks[0].id;
    const bad: [string, unknown, number][] = [
      ['person', { aNumber: '12345' }, 400],
      ['person', { aNumber: '1234567890' }, 400],
      ['person', { dateOfBirth: 'yesterday' }, 400],
      ['custody', { status: 'deported' }, 400],
      ['custody', { status: 'detained', facilityId: '00000000-0000-4000-8000-000000000000' }, 400],
      ['links', { kind: 'incident', targetId: '00000000-0000-4000-8000-000000000000' }, 400],
      ['links', { kind: 'evidence', targetId: '00000000-0000-4000-8000-000000000000' }, 400],
      ['attorney', { attorneyId: legalB.userId }, 400],
      ['tasks', { text: 'x', assigneeId: legalB.userId }, 400],
      ['referral', { organizationId: '00000000-0000-4000-8000-000000000000', note: 'x' }, 400],
      [`tasks/${otherTask}/done`, { done: true }, 404],
      ['notes', { text: 'x'.repeat(10_001) }, 400],
    ];
    for (const [path, body, status] of bad)
      expect(
        (await legal.post(`/api/cases/${id}/${path}`, body)).status,
        `${path} ${JSON.stringify(body).slice(0, 60)}`,
      ).toBe(status);
    // Opening for an organization one is not on the legal team of.
    expect(
      (await legal.post('/api/cases', { source: 'call', organizationId: orgB, person: { name: 'x' } }))
        .status,
    ).toBe(403);
    expect((await legal.post('/api/cases', { source: 'incident', person: { name: 'x' } })).status).toBe(400);
    const detail = expectStatus(await legal.get(`/api/cases/${id}`), 200).body;
    expect(detail.person.aNumber).toBeNull();
    expect(detail.status).toBe('unknown');
    expect(detail.links).toEqual([]);
    const theirs = expectStatus(await legal.get(`/api/cases/${other}`), 200).body;
    expect(theirs.tasks[0].done).toBe(false);
  });
});

describe('sealed at rest', () => {
  it('keeps no name, A-number, contact, hearing, note or referral note in clear in any table', async () => {
    const marker = `FAROCASE${randomBytes(6).toString('hex')}`;
    const number = String(randomInt(100_000_000, 999_999_999));
    const legal = client(t, legalA);
    const id = await openCase(legalA, {
      name: `${marker} Name`,
      contact: `${marker}-contact`,
      aliases: [`${marker} Alias`],
      aNumber: number,
      countryOfBirth: `${marker}-country`,
      dateOfBirth: '1990-04-05',
    });
    await legal.post(`/api/cases/${id}/custody`, { status: 'detained', facilityText: `${marker}-facility` });
    await legal.post(`/api/cases/${id}/hearings`, {
      at: new Date().toISOString(),
      court: `${marker}-court`,
      type: 'x',
      judge: `${marker}-judge`,
    });
    await legal.post(`/api/cases/${id}/contacts`, { name: `${marker}-family`, phone: '+13235550142' });
    await legal.post(`/api/cases/${id}/tasks`, { text: `${marker}-task` });
    await legal.post(`/api/cases/${id}/notes`, { text: `${marker}-note` });
    await legal.post(`/api/cases/${id}/referral`, { organizationId: orgB, note: `${marker}-referral` });
    const pool = t.faro.database.pool;
    const { rows: tables } = await pool.query<{ name: string }>(
      `select format('%I.%I', n.nspname, c.relname) as name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
          and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'`,
    );
    const leaks: string[] = [];
    let casesSeen = false;
    for (const { name } of tables) {
      const { rows } = await pool.query<{ row: string }>(`select t::text as row from ${name} t`);
      const text = rows.map((r) => r.row).join('\n');
      if (name.endsWith('.cases') && text.includes(id)) casesSeen = true;
      for (const secret of [marker, number, number.padStart(9, '0'), marker.toLowerCase(), '3235550142'])
        if (text.includes(secret)) leaks.push(`${name}: ${secret}`);
    }
    expect(casesSeen).toBe(true);
    expect(leaks).toEqual([]);
    // …and the case is still found, and reads back whole, for the team that now holds it.
    const found = expectStatus(await client(t, legalB).post('/api/cases/search', { aNumber: number }), 200)
      .body.cases;
    expect(found.map((c: { id: string }) => c.id)).toEqual([id]);
    const byName = expectStatus(
      await client(t, legalB).post('/api/cases/search', { name: `name ${marker.toLowerCase()}` }),
      200,
    ).body.cases;
    expect(byName.map((c: { id: string }) => c.id)).toEqual([id]);
    const detail = expectStatus(await client(t, legalB).get(`/api/cases/${id}`), 200).body;
    expect(detail.hearings[0].court).toBe(`${marker}-court`);
    expect(detail.notes[0].text).toBe(`${marker}-note`);
  });
});

describe('export and retention', () => {
  it('exports the list as formula-safe CSV in the reader’s language, each row audited', async () => {
    const number = aNumber();
    const id = await openCase(legalA, {
      name: `=HYPERLINK("http://evil.example","x") ${tag()}`,
      aNumber: number,
    });
    const reply = await client(t, legalA).get('/api/cases/export.csv?language=es');
    expect(reply.status).toBe(200);
    expect(String(reply.headers['content-type'])).toContain('text/csv');
    const lines = reply.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toContain('Número A');
    const row = lines.find((line) => line.startsWith(id));
    expect(row).toContain(`A${number.padStart(9, '0')}`);
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example""`);
    expect(row).toContain('Desconocida');
    expect(await auditCount(id, 'case.exported')).toBe(1);
    expect((await client(t, dispatcher).get('/api/cases/export.csv')).status).toBe(403);
    const theirs = await client(t, legalB).get('/api/cases/export.csv');
    expect(theirs.text).not.toContain(id);
  });

  it('deletes a closed case after its retention unless on hold; the audit log keeps that it existed', async () => {
    const legal = client(t, legalA);
    const expired = await openCase(legalA, { name: `Expired ${tag()}` });
    const held = await openCase(legalA, { name: `Held ${tag()}` });
    const open = await openCase(legalA, { name: `Open ${tag()}` });
    await legal.post(`/api/cases/${expired}/notes`, { text: 'to be forgotten' });
    // Referred, then closed by the team that took it: the sender's record ends with the case.
    expectStatus(
      await legal.post(`/api/cases/${expired}/referral`, { organizationId: orgB, note: 'forgotten too' }),
      200,
    );
    expectStatus(await client(t, legalB).post(`/api/cases/${expired}/closing`, { closed: true }), 200);
    expectStatus(await legal.post(`/api/cases/${held}/closing`, { closed: true, hold: true }), 200);
    const closedList = expectStatus(await legal.get('/api/cases?closed=true'), 200).body;
    expect(closedList.cases.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([held]));
    await t.faro.database.pool.query(
      `update cases set closed_at = now() - interval '366 days' where id = any($1::uuid[])`,
      [[expired, held]],
    );
    const job = t.faro.jobDefinitions.retention;
    await t.faro.jobs.send(job, {});
    await t.faro.jobs.drain(job);
    expect((await client(t, legalB).get(`/api/cases/${expired}`)).status).toBe(404);
    expectStatus(await legal.get(`/api/cases/${held}`), 200);
    const records = expectStatus(await legal.get('/api/cases/referrals'), 200).body.referrals;
    expect(records.map((r: { caseId: string }) => r.caseId)).not.toContain(expired);
    expect(await auditCount(expired, 'case.referred')).toBe(1);
    expectStatus(await legal.get(`/api/cases/${open}`), 200);
    expect(await auditCount(expired, 'case.deleted')).toBe(1);
    expect(await auditCount(expired, 'case.opened')).toBe(1);
    const { rows } = await t.faro.database.pool.query(
      'select count(*)::int as n from case_notes where case_id = $1',
      [expired],
    );
    expect(rows[0].n).toBe(0);
  });
});
