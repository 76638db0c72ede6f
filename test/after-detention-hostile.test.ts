import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, memberships, organizations } from '../src/server/db/schema.js';
import { PLAN_NOTICE_AFTER } from '../src/server/modules/plans/unlock.js';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';
import { postInbound, smsProviderEnv, startSmsProvider } from './support/sms-provider.js';

/**
 * Issue 16 seen by someone hostile: what they get from the plan and family-status texts when the
 * provider delivers a message more than once, and which reads of a case's family access and which
 * refused hotline activations leave an audit row.
 */
const env = smsProviderEnv('', 'AC00000000000000000000000000000a16');
let t: TestFaro;
let provider: Awaited<ReturnType<typeof startSmsProvider>>;
let clock = new Date('2026-07-01T12:00:00Z').getTime();
const now = () => new Date(clock);
/** The next day (one test's back-off is not the next one's), and a fresh session on it. */
const nextDay = async () => {
  clock += 86_400_000 + 3_600_000;
  if (legal) legal = await sessionFor(t.faro.database, legal.userId, now);
};
let numbers = 0;
const phone = () => `+1213555${String(4000 + ++numbers).slice(-4)}`;
const tag = () => randomBytes(4).toString('hex');
let legalTeamId = '';
let legal: StaffSession;

beforeAll(async () => {
  provider = await startSmsProvider();
  t = await startTestFaro({ listen: true, now, env: smsProviderEnv(provider.url, env.TWILIO_ACCOUNT_SID) });
  legal = await staffSession(t.faro.database, 'legal', now);
  const [home] = await t.faro.database.db
    .select({ id: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.userId, legal.userId), eq(memberships.role, 'legal')));
  legalTeamId = home?.id ?? '';
  const all = await t.faro.database.db.select({ id: organizations.id }).from(organizations);
  expect(all.some((o) => o.id === legalTeamId)).toBe(true);
});
afterAll(async () => {
  await t?.stop();
  await provider?.close();
});

const token = () => smsProviderEnv(provider.url, env.TWILIO_ACCOUNT_SID).TWILIO_AUTH_TOKEN;
const sentTo = (to: string) =>
  provider.sent.filter((m) => m.fields.To === to).map((m) => m.fields.Body ?? '');
const text = (from: string, body: string, sid = `SM${randomBytes(16).toString('hex')}`) => ({
  MessageSid: sid,
  AccountSid: env.TWILIO_ACCOUNT_SID,
  From: from,
  To: env.TWILIO_FROM,
  Body: body,
  NumMedia: '0',
});
const deliver = async (fields: Record<string, string>, times: number) => {
  for (let i = 0; i < times; i++) expect((await postInbound(t.baseUrl, token(), fields)).status).toBe(200);
};
const drainAll = async () => {
  // A minute, not the default ten seconds: on a loaded two-core machine the queue is slow to start.
  for (const job of [
    t.faro.jobDefinitions.planSms,
    t.faro.jobDefinitions.familySms,
    t.faro.jobDefinitions.smsReply,
  ])
    if (job) await t.faro.jobs.drain(job, 60_000);
};

async function writePlan() {
  const contacts = [
    { phone: phone(), language: 'es', task: 'children', message: `Recoge a los niños ${tag()}` },
    { phone: phone(), language: 'en', task: 'lawyer', message: `Call the lawyer ${tag()}` },
  ];
  const input = {
    contacts,
    instructions: { children: '', medications: '', documents: '', legalOrganization: '' },
    memberPhone: phone(),
    memberLanguage: 'es',
    caseConsent: false,
    testMode: false,
    pin: '482915',
  };
  const created = expectStatus(await client(t).post('/api/plans', input), 201);
  return { input, code: created.body.code as string };
}

describe('a plan text delivered again by the provider', { timeout: 90_000 }, () => {
  it('counts a wrong PIN once and answers it once, however often the same message arrives', async () => {
    await nextDay();
    const { input, code } = await writePlan();
    const from = phone();
    // One wrong text, delivered as often as it takes to reach the "someone is trying" notice.
    await deliver(text(from, `PLAN ${code} 000000`), PLAN_NOTICE_AFTER + 1);
    await drainAll();
    expect(sentTo(from)).toHaveLength(1);
    expect(sentTo(from)[0]).toContain('no plan matches');
    // One failure, not six: no notice to the first contact, and the right PIN is not held back.
    expect(sentTo(input.contacts[0]?.phone ?? '')).toEqual([]);
    await deliver(text(from, `PLAN ${code} ${input.pin}`), 1);
    await drainAll();
    expect(sentTo(from).at(-1)).toContain('plan activated');
  });

  it('answers a garbled plan text once', async () => {
    await nextDay();
    const from = phone();
    await deliver(text(from, 'Activar: ZZZZZ-ZZZZZ clave'), 3);
    await drainAll();
    expect(sentTo(from)).toHaveLength(1);
    expect(sentTo(from)[0]).toContain('para activar un plan de emergencia, envie PLAN');
  });
});

/** A case of the legal team's organization with consent and one family contact. */
async function caseWithContact() {
  const team = client(t, legal);
  const id = expectStatus(
    await team.post('/api/cases', {
      source: 'call',
      person: { name: `Rosa ${tag()}` },
      consent: { givenBy: 'Her sister', method: 'phone' },
    }),
    201,
  ).body.id as string;
  const detail = expectStatus(
    await team.post(`/api/cases/${id}/contacts`, { name: `Ana ${tag()}`, phone: phone(), language: 'es' }),
    200,
  ).body;
  return { id, contactId: (detail.contacts.at(-1) as { id: string }).id };
}

describe('a family-status text delivered again by the provider', { timeout: 90_000 }, () => {
  it('answers a garbled STATUS text once', async () => {
    await nextDay();
    const from = phone();
    await deliver(text(from, 'estado ABCDE-23456 mi clave'), 3);
    await drainAll();
    expect(sentTo(from)).toHaveLength(1);
    expect(sentTo(from)[0]).toContain('ESTADO ABCDE-23456 123456');
  });

  it('answers a wrong PIN once however often it arrives, and counts it once', async () => {
    await nextDay();
    const { id, contactId } = await caseWithContact();
    const issued = expectStatus(
      await client(t, legal).post(`/api/cases/${id}/family-access`, { contactId, text: false }),
      201,
    ).body as { code: string; pin: string };
    const from = phone();
    await deliver(text(from, `ESTADO ${issued.code} 000000`), 6);
    await drainAll();
    expect(sentTo(from)).toHaveLength(1);
    // Counted once: the right PIN from the same phone is answered at once.
    await deliver(text(from, `ESTADO ${issued.code} ${issued.pin}`), 1);
    await drainAll();
    expect(sentTo(from)).toHaveLength(2);
    expect(sentTo(from)[1]).not.toContain('ningun caso');
  });
});

const auditsOf = async (subjectId: string) =>
  (
    await t.faro.database.db
      .select({ action: auditLog.action, actorId: auditLog.actorId })
      .from(auditLog)
      .where(eq(auditLog.subjectId, subjectId))
  ).map((row) => `${row.action}:${row.actorId}`);

describe('reads and refusals that leave an audit row', () => {
  it('audits who read which family contacts of a case hold a code', async () => {
    await nextDay();
    const { id, contactId } = await caseWithContact();
    expectStatus(
      await client(t, legal).post(`/api/cases/${id}/family-access`, { contactId, text: false }),
      201,
    );
    const before = (await auditsOf(id)).filter((a) => a === `case.viewed:${legal.userId}`).length;
    expectStatus(await client(t, legal).get(`/api/cases/${id}/family-access`), 200);
    const after = (await auditsOf(id)).filter((a) => a === `case.viewed:${legal.userId}`).length;
    expect(after).toBe(before + 1);
  });
});
describe('refusals that leave an audit row', () => {
  it('audits a hotline operator’s refused activation (a PIN guessed for someone else’s code)', async () => {
    await nextDay();
    const { code } = await writePlan();
    const operator = await staffSession(t.faro.database, 'operator', now);
    const refused = await client(t, operator).post('/api/hotline/plans/activate', { code, pin: '000000' });
    expect(refused.status).toBe(404);
    const rows = await t.faro.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.actorId, operator.userId));
    expect(rows.map((r) => r.action)).toContain('plan.activation_refused');
    // The row names no plan (there may be none): the operator, the act, the time.
    const unknown = await client(t, operator).post('/api/hotline/plans/activate', {
      code: 'ZZZZZ-ZZZZZ',
      pin: '000000',
    });
    expect([unknown.status, unknown.text]).toEqual([refused.status, refused.text]);
  });
});
