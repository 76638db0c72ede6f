import { randomBytes } from 'node:crypto';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, coalitions, memberships, organizations } from '../src/server/db/schema.js';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';
import { postInbound, smsProviderEnv, startSmsProvider } from './support/sms-provider.js';
import { reportsOfMessage } from './support/state.js';

/**
 * Issue 16 ("After a detention"), family status without an account: the legal team gives a family
 * contact a case code and a PIN; with both, by web or by text, the family learns the stage of the
 * case and whom to call — nothing else — in their language. A hostile caller learns nothing: an
 * unknown code, a revoked one, another coalition's and a wrong PIN are answered alike, and guesses
 * back off per code and per sender.
 */
const env = smsProviderEnv('', 'AC00000000000000000000000000000f16');
let t: TestFaro;
let provider: Awaited<ReturnType<typeof startSmsProvider>>;
// The test's clock: moved forward a day between tests, so one test's back-off is not the next one's.
let clock = new Date('2026-05-01T12:00:00Z').getTime();
const now = () => new Date(clock);
let legalAId: string;
let legalBId: string;
/** The next day, and fresh sessions on it (yesterday's have expired). */
const nextDay = async () => {
  clock += 86_400_000 + 3_600_000;
  legalA = await sessionFor(t.faro.database, legalAId, now);
  legalB = await sessionFor(t.faro.database, legalBId, now);
  dispatcher = await staffSession(t.faro.database, 'dispatcher', now);
};
let numbers = 0;
const phone = () => `+1213555${String(3000 + ++numbers).slice(-4)}`;
const tag = () => randomBytes(4).toString('hex');
const HOTLINE = '+1 (213) 555-0100';

let orgA: string;
let orgB: string;
let orgAName: string;
let orgBName: string;
let legalA: StaffSession;
let legalB: StaffSession;
let dispatcher: StaffSession;

beforeAll(async () => {
  provider = await startSmsProvider();
  t = await startTestFaro({ listen: true, now, env: smsProviderEnv(provider.url, env.TWILIO_ACCOUNT_SID) });
  const db = t.faro.database.db;
  legalA = await staffSession(t.faro.database, 'legal', now);
  const [home] = await db
    .select({ id: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.userId, legalA.userId), eq(memberships.role, 'legal')));
  orgA = home?.id ?? '';
  const all = await db.select({ id: organizations.id, name: organizations.name }).from(organizations);
  const b = all.find((o) => o.id !== orgA);
  orgB = b?.id ?? '';
  orgAName = all.find((o) => o.id === orgA)?.name ?? '';
  orgBName = b?.name ?? '';
  const personB = await createPerson(t.faro.database, t.faro.box, { role: 'legal', organizationId: orgB });
  legalB = await sessionFor(t.faro.database, personB.id, now);
  legalAId = legalA.userId;
  legalBId = personB.id;
  dispatcher = await staffSession(t.faro.database, 'dispatcher', now);
  const admin = await staffSession(t.faro.database, 'coalition_admin', now);
  expectStatus(
    await client(t, admin).put('/api/admin/publishing', {
      allowedHosts: [],
      blockedNames: [],
      contacts: { hotline: HOTLINE },
    }),
    200,
  );
});
afterAll(async () => {
  await t?.stop();
  await provider?.close();
});

const anonymous = () => client(t);
const sentTo = (to: string) =>
  provider.sent.filter((m) => m.fields.To === to).map((m) => m.fields.Body ?? '');
const drainTexts = async () => {
  const family = t.faro.jobDefinitions.familySms;
  if (!family) throw new Error('family texts are not configured');
  await t.faro.jobs.drain(family);
  await t.faro.jobs.drain(t.faro.jobDefinitions.smsReply ?? (null as never));
};

/** A case of organization A with consent and one family contact; its id and the contact's. */
async function caseWithContact(contact: Record<string, unknown> = {}) {
  const legal = client(t, legalA);
  const name = `Rosa Family ${tag()}`;
  const aNumber = String(100_000_000 + Math.floor(Math.random() * 800_000_000));
  const id = expectStatus(
    await legal.post('/api/cases', {
      source: 'call',
      person: { name, aNumber },
      consent: { givenBy: 'Her sister', method: 'phone' },
    }),
    201,
  ).body.id as string;
  const detail = expectStatus(
    await legal.post(`/api/cases/${id}/contacts`, {
      name: `Ana ${tag()}`,
      phone: phone(),
      language: 'Español',
      relation: 'sister',
      ...contact,
    }),
    200,
  ).body;
  const added = detail.contacts.at(-1) as { id: string; phone: string };
  return { id, contactId: added.id, contactPhone: added.phone, name, aNumber };
}

async function issue(caseId: string, contactId: string, who = legalA, text = false) {
  return expectStatus(
    await client(t, who).post(`/api/cases/${caseId}/family-access`, { contactId, text }),
    201,
  ).body as { code: string; pin: string; texted: boolean };
}

const lookup = (code: string, pin: string) => anonymous().post('/api/family-status', { code, pin });

const audits = async (caseId: string, action: string) =>
  t.faro.database.db
    .select({ actorId: auditLog.actorId })
    .from(auditLog)
    .where(and(eq(auditLog.subjectId, caseId), inArray(auditLog.action, [action as 'case.viewed'])));

describe('family status on the web', () => {
  it('gives a code and PIN once; with both a family learns only the stage, the hearing’s date and whom to call', async () => {
    await nextDay();
    const { id, contactId, name, aNumber } = await caseWithContact();
    const legal = client(t, legalA);
    const facilityText = `Adelanto ${tag()}`;
    expectStatus(await legal.post(`/api/cases/${id}/custody`, { status: 'detained', facilityText }), 200);
    const hearingAt = new Date(clock + 10 * 86_400_000).toISOString();
    const court = `Court ${tag()}`;
    expectStatus(
      await legal.post(`/api/cases/${id}/hearings`, { at: hearingAt, court, type: 'Master' }),
      200,
    );
    const issued = await issue(id, contactId);
    expect(issued.code).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
    expect(issued.pin).toMatch(/^\d{6}$/);
    expect(issued.texted).toBe(false);

    const read = expectStatus(await lookup(issued.code, issued.pin), 200);
    expect(read.body).toEqual({
      stage: 'detained',
      hearingAt,
      organization: orgAName,
      phone: HOTLINE,
      language: 'es',
    });
    expect(read.headers['cache-control']).toBe('no-store');
    for (const secret of [name, aNumber, facilityText, court]) expect(read.text).not.toContain(secret);
    // The code as a person types it: lower case, a space for the dash.
    expectStatus(await lookup(issued.code.replace('-', ' ').toLowerCase(), issued.pin), 200);

    // Issuing audited with its author, each reading with nobody (no account), the case the subject.
    expect(await audits(id, 'case.family_access_issued')).toEqual([{ actorId: legalA.userId }]);
    expect(await audits(id, 'case.family_status_read')).toEqual([{ actorId: null }, { actorId: null }]);
    // Which contact holds a code, for the team.
    const listed = expectStatus(await legal.get(`/api/cases/${id}/family-access`), 200).body;
    expect(listed.access).toEqual([{ contactId, issuedAt: now().toISOString() }]);
  });

  it('follows the case: each stage worded for a family, a referral names the new organization, closing says so', async () => {
    await nextDay();
    const { id, contactId } = await caseWithContact();
    const { code, pin } = await issue(id, contactId);
    const legal = client(t, legalA);
    const stage = async () => expectStatus(await lookup(code, pin), 200).body;
    expect(await stage()).toMatchObject({ stage: 'looking', hearingAt: null });
    for (const [status, expected] of [
      ['detained', 'detained'],
      ['transferred', 'transferred'],
      ['released_on_bond', 'released'],
      ['released_on_recognizance', 'released'],
    ] as const) {
      expectStatus(await legal.post(`/api/cases/${id}/custody`, { status }), 200);
      expect((await stage()).stage, status).toBe(expected);
    }
    const hearingAt = new Date(clock + 3 * 86_400_000).toISOString();
    await legal.post(`/api/cases/${id}/hearings`, { at: hearingAt, court: 'X', type: 'Bond' });
    expect(await stage()).toMatchObject({ stage: 'released', hearingAt });
    expectStatus(await legal.post(`/api/cases/${id}/custody`, { status: 'removed' }), 200);
    expect(await stage()).toMatchObject({ stage: 'removed', hearingAt: null });

    expectStatus(
      await legal.post(`/api/cases/${id}/referral`, { organizationId: orgB, note: 'Theirs' }),
      200,
    );
    expect(await stage()).toMatchObject({ organization: orgBName });
    expectStatus(await client(t, legalB).post(`/api/cases/${id}/closing`, { closed: true }), 200);
    expect(await stage()).toMatchObject({ stage: 'closed', hearingAt: null, organization: orgBName });
  });

  it('lets only the holding team give or revoke a code; a revoked or replaced code finds nothing', async () => {
    await nextDay();
    const { id, contactId } = await caseWithContact();
    // Anyone who may not know the case: told it does not exist.
    for (const who of [legalB, dispatcher]) {
      const refused = await client(t, who).post(`/api/cases/${id}/family-access`, { contactId });
      expect(refused.status).toBe(404);
      expect((await client(t, who).get(`/api/cases/${id}/family-access`)).status).toBe(404);
    }
    // Someone the team added works on the case, but does not hand out its codes.
    const helper = await createPerson(t.faro.database, t.faro.box, { role: 'legal', organizationId: orgB });
    expectStatus(await client(t, legalA).post(`/api/cases/${id}/members`, { userId: helper.id }), 200);
    const added = client(t, await sessionFor(t.faro.database, helper.id, now));
    expect((await added.post(`/api/cases/${id}/family-access`, { contactId })).status).toBe(403);
    // A contact of another case: refused, and nothing issued.
    const other = await caseWithContact();
    const wrongContact = await client(t, legalA).post(`/api/cases/${id}/family-access`, {
      contactId: other.contactId,
    });
    expect(wrongContact.status).toBe(400);

    const first = await issue(id, contactId);
    const second = await issue(id, contactId);
    expect(second.code).not.toBe(first.code);
    const unknown = await lookup('ZZZZZ-ZZZZZ', first.pin);
    const replaced = await lookup(first.code, first.pin);
    expect([replaced.status, replaced.text]).toEqual([unknown.status, unknown.text]);
    expectStatus(await lookup(second.code, second.pin), 200);

    expect((await added.post(`/api/cases/${id}/family-access/${contactId}/revoke`, {})).status).toBe(403);
    expectStatus(await client(t, legalA).post(`/api/cases/${id}/family-access/${contactId}/revoke`, {}), 200);
    const revoked = await lookup(second.code, second.pin);
    expect([revoked.status, revoked.text]).toEqual([unknown.status, unknown.text]);
    expect(await audits(id, 'case.family_access_revoked')).toEqual([{ actorId: legalA.userId }]);
    expect(
      (await client(t, legalA).post(`/api/cases/${id}/family-access/${contactId}/revoke`, {})).status,
    ).toBe(404);
    expect(
      expectStatus(await client(t, legalA).get(`/api/cases/${id}/family-access`), 200).body.access,
    ).toEqual([]);
    // A closed case gets no new code.
    expectStatus(await client(t, legalA).post(`/api/cases/${id}/closing`, { closed: true }), 200);
    expect((await client(t, legalA).post(`/api/cases/${id}/family-access`, { contactId })).status).toBe(400);
  });

  it('keeps neither the code nor the PIN: only their digests', async () => {
    await nextDay();
    const { id, contactId } = await caseWithContact();
    const { code, pin } = await issue(id, contactId);
    const { rows } = await t.faro.database.pool.query(
      'select row_to_json(a)::text as row from case_family_access a where case_id = $1',
      [id],
    );
    expect(rows).toHaveLength(1);
    const stored = String(rows[0].row);
    for (const secret of [code, code.replace('-', ''), pin]) expect(stored).not.toContain(secret);
  });

  it('forgets the code with the case when retention deletes it', async () => {
    await nextDay();
    const { id, contactId } = await caseWithContact();
    const { code, pin } = await issue(id, contactId);
    expectStatus(await client(t, legalA).post(`/api/cases/${id}/closing`, { closed: true }), 200);
    expect(expectStatus(await lookup(code, pin), 200).body.stage).toBe('closed');
    await t.faro.database.pool.query(`update cases set closed_at = $2 where id = $1`, [
      id,
      new Date(clock - 400 * 86_400_000),
    ]);
    const job = t.faro.jobDefinitions.retention;
    await t.faro.jobs.send(job, {});
    await t.faro.jobs.drain(job);
    expect((await client(t, legalA).get(`/api/cases/${id}`)).status).toBe(404);
    expect((await lookup(code, pin)).status).toBe(404);
  });
});

describe('what a hostile caller gets', () => {
  it('answers a wrong PIN, an unknown code, garbage and another coalition’s code exactly alike', async () => {
    await nextDay();
    const { id, contactId } = await caseWithContact();
    const { code, pin } = await issue(id, contactId);
    const wrongPin = await lookup(code, '000000');
    const unknown = await lookup('ZZZZZ-ZZZZZ', '000000');
    const garbage = await lookup('not a code', '000000');
    for (const reply of [wrongPin, unknown, garbage]) {
      expect(reply.status).toBe(404);
      expect(reply.text).toBe(unknown.text);
    }
    // The same code, kept by another coalition: nothing here.
    const [elsewhere] = await t.faro.database.db
      .insert(coalitions)
      .values({ slug: `elsewhere-${tag()}`, name: 'Elsewhere' })
      .returning({ id: coalitions.id });
    await t.faro.database.pool.query('update case_family_access set coalition_id = $2 where case_id = $1', [
      id,
      elsewhere?.id,
    ]);
    const foreign = await lookup(code, pin);
    expect([foreign.status, foreign.text]).toEqual([unknown.status, unknown.text]);
    // Nothing was audited against the case for the refused attempts.
    expect(await audits(id, 'case.family_status_read')).toEqual([]);
  });

  it('backs off wrong PINs per code on the clock; the right PIN waits too, then opens', async () => {
    await nextDay();
    const { id, contactId } = await caseWithContact();
    const { code, pin } = await issue(id, contactId);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await lookup(code, '999999')).status);
      clock += 1000;
    }
    // Three free failures, then a block: refused while it lasts, whoever asks and whatever the PIN.
    expect(statuses).toEqual([404, 404, 404, 404, 429]);
    const blocked = await lookup(code, pin);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    clock += 20_000;
    expect((await lookup(code, '999999')).status).toBe(404);
    const longer = await lookup(code, '999999');
    expect(longer.status).toBe(429);
    expect(longer.body.error.details.retryAfterSeconds).toBeGreaterThan(10);
    clock += 3_600_000;
    expectStatus(await lookup(code, pin), 200);
  });

  it('backs off per sender too: many codes guessed from one phone are refused', async () => {
    await nextDay();
    const from = phone();
    const token = smsProviderEnv(provider.url, env.TWILIO_ACCOUNT_SID).TWILIO_AUTH_TOKEN;
    for (let i = 0; i < 12; i++) {
      await postInbound(t.baseUrl, token, {
        MessageSid: `SM${randomBytes(16).toString('hex')}`,
        AccountSid: env.TWILIO_ACCOUNT_SID,
        From: from,
        To: env.TWILIO_FROM,
        Body: `STATUS ${randomBytes(5)
          .toString('hex')
          .toUpperCase()
          .replace(/[01IOLU]/g, 'Z')
          .slice(0, 10)} 123456`,
        NumMedia: '0',
      });
      clock += 1000;
    }
    await drainTexts();
    const replies = sentTo(from);
    expect(replies).toHaveLength(12);
    expect(replies.slice(0, 10).every((r) => r.includes('no case matches'))).toBe(true);
    expect(replies.at(-1)).toContain('too many attempts');
  });
});

describe('family status by text', () => {
  const token = () => smsProviderEnv(provider.url, env.TWILIO_ACCOUNT_SID).TWILIO_AUTH_TOKEN;
  const fieldsOf = (from: string, body: string) => ({
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    AccountSid: env.TWILIO_ACCOUNT_SID,
    From: from,
    To: env.TWILIO_FROM,
    Body: body,
    NumMedia: '0',
  });

  it('texts the code alone to the contact, in their language; never the PIN', async () => {
    await nextDay();
    const { id, contactId, contactPhone } = await caseWithContact();
    const issued = await issue(id, contactId, legalA, true);
    expect(issued.texted).toBe(true);
    await drainTexts();
    const texts = sentTo(contactPhone);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(issued.code);
    expect(texts[0]).not.toContain(issued.pin);
    expect(texts[0]).toContain('Envie ESTADO');
    expect(texts[0]).toContain(orgAName);
    // A contact without a phone: said plainly, nothing issued.
    const none = await caseWithContact({ phone: undefined });
    const refused = await client(t, legalA).post(`/api/cases/${none.id}/family-access`, {
      contactId: none.contactId,
      text: true,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fields[0].field).toBe('text');
    expect(
      expectStatus(await client(t, legalA).get(`/api/cases/${none.id}/family-access`), 200).body.access,
    ).toEqual([]);
  });

  it('answers ESTADO <code> <PIN> in the contact’s language, once however often the provider delivers it, never as a report', async () => {
    await nextDay();
    const { id, contactId } = await caseWithContact();
    const legal = client(t, legalA);
    expectStatus(await legal.post(`/api/cases/${id}/custody`, { status: 'detained' }), 200);
    const { code, pin } = await issue(id, contactId);
    const from = phone();
    // Sent in English, answered in the contact's Spanish; the same delivery twice.
    const fields = fieldsOf(from, `status: my code is ${code.replace('-', ' ').toLowerCase()} pin ${pin}.`);
    expect((await postInbound(t.baseUrl, token(), fields)).status).toBe(200);
    expect((await postInbound(t.baseUrl, token(), fields)).status).toBe(200);
    await drainTexts();
    const replies = sentTo(from);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('esta bajo custodia');
    expect(replies[0]).toContain(orgAName);
    expect(replies[0]).toContain(HOTLINE);
    expect(await reportsOfMessage(t, fields.MessageSid)).toHaveLength(0);
    expect(await audits(id, 'case.family_status_read')).toEqual([{ actorId: null }]);
    // Texts and jobs hold neither the PIN nor the answer in the clear.
    const { rows } = await t.faro.database.pool.query(
      `select data::text as data from pgboss.job where name = 'cases.family_sms'`,
    );
    for (const row of rows) {
      expect(row.data).not.toContain(pin);
      expect(row.data).not.toContain(from);
      expect(row.data).not.toContain('custodia');
    }
  });

  it('answers a wrong PIN like an unknown code, in the keyword’s language, and a garbled one with the format', async () => {
    await nextDay();
    const { id, contactId } = await caseWithContact({ language: 'Mixteco' });
    const { code } = await issue(id, contactId);
    const a = phone();
    const b = phone();
    const c = phone();
    await postInbound(t.baseUrl, token(), fieldsOf(a, `ESTADO ${code} 000000`));
    await postInbound(t.baseUrl, token(), fieldsOf(b, 'ESTADO ZZZZZ-ZZZZZ 000000'));
    const garbled = fieldsOf(c, `estado ${code} mi clave`);
    await postInbound(t.baseUrl, token(), garbled);
    await drainTexts();
    expect(sentTo(a)).toEqual(sentTo(b));
    expect(sentTo(a)[0]).toContain('ningun caso coincide');
    expect(sentTo(c)[0]).toContain('ESTADO ABCDE-23456 123456');
    expect(await reportsOfMessage(t, garbled.MessageSid)).toHaveLength(0);
    // A report that merely starts with the word stays a report.
    const report = fieldsOf(phone(), 'Estado de la redada en la escuela 1234: agentes afuera');
    await postInbound(t.baseUrl, token(), report);
    expect(await reportsOfMessage(t, report.MessageSid)).toHaveLength(1);
  });
});

describe('the code’s records', () => {
  it('leaves no revoked code in force', async () => {
    await nextDay();
    const { id, contactId } = await caseWithContact();
    await issue(id, contactId);
    await issue(id, contactId);
    const { caseFamilyAccess } = await import('../src/server/db/schema.js');
    const inForce = await t.faro.database.db
      .select({ id: caseFamilyAccess.id })
      .from(caseFamilyAccess)
      .where(and(eq(caseFamilyAccess.caseId, id), isNull(caseFamilyAccess.revokedAt)));
    expect(inForce).toHaveLength(1);
  });
});
