import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coalitions, organizations } from '../src/server/db/schema.js';
import { PLAN_NOTICE_AFTER } from '../src/server/modules/plans/unlock.js';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';
import { smsProviderEnv, startSmsProvider, textFaro } from './support/sms-provider.js';
import { startSmtpServer } from './support/smtp.js';
import { reportsOfMessage } from './support/state.js';

/**
 * Issue 16, emergency plans: written without an account, kept sealed, found
 * only by code and PIN (a wrong code and a wrong PIN cannot be told apart),
 * activated from the web, by a text from any phone (once per provider
 * message) and by a hotline operator; each contact texted in their language.
 */
const env = smsProviderEnv('', 'AC00000000000000000000000000000e16');
let t: TestFaro;
let provider: Awaited<ReturnType<typeof startSmsProvider>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
// The test's clock: moved forward a day between tests, so one test's back-off is not the next one's.
let clock = new Date('2026-03-01T12:00:00Z').getTime();
const now = () => new Date(clock);
const nextDay = () => {
  clock += 86_400_000 + 3_600_000;
};
let numbers = 0;
let legalTeam: { id: string; name: string };
let otherTeam: { id: string; name: string };
let legal: StaffSession;
let otherLegal: StaffSession;
const phone = () => `+1213555${String(2000 + ++numbers).slice(-4)}`;

beforeAll(async () => {
  provider = await startSmsProvider();
  smtp = await startSmtpServer();
  t = await startTestFaro({
    listen: true,
    now,
    env: { ...smsProviderEnv(provider.url, env.TWILIO_ACCOUNT_SID), SMTP_URL: smtp.url },
  });
  legal = await staffSession(t.faro.database, 'legal');
  const orgs = await t.faro.database.db.select().from(organizations);
  const home = await t.faro.database.pool.query<{ id: string }>(
    `select organization_id as id from memberships where user_id = $1 and role = 'legal'`,
    [legal.userId],
  );
  const homeId = home.rows[0]?.id;
  const other = orgs.find((o) => o.id !== homeId);
  if (!other) throw new Error('the test coalition needs two organizations');
  const person = await createPerson(t.faro.database, t.faro.box, { role: 'legal', organizationId: other.id });
  otherLegal = await sessionFor(t.faro.database, person.id);
  const teams = expectStatus(await client(t).get('/api/plans/legal-organizations'), 200).body as {
    id: string;
    name: string;
  }[];
  legalTeam = teams.find((team) => team.id === homeId) ?? (null as never);
  otherTeam = teams.find((team) => team.id === other.id) ?? (null as never);
  expect(legalTeam && otherTeam).toBeTruthy();
});
afterAll(async () => {
  await t?.stop();
  await provider?.close();
  await smtp?.close();
});

const anonymous = () => client(t);
const drain = async () => {
  const job = t.faro.jobDefinitions.planSms;
  if (!job) throw new Error('plan texts are not configured');
  await t.faro.jobs.drain(job);
};
const sentTo = (to: string) =>
  provider.sent.filter((m) => m.fields.To === to).map((m) => m.fields.Body ?? '');

function planInput(overrides: Record<string, unknown> = {}) {
  const contacts = [
    {
      phone: phone(),
      language: 'es',
      task: 'children',
      message: `Recoge a los niños ${randomBytes(3).toString('hex')}`,
    },
    {
      phone: phone(),
      language: 'en',
      task: 'lawyer',
      message: `Call the lawyer ${randomBytes(3).toString('hex')}`,
    },
    {
      phone: phone(),
      language: 'en',
      task: 'family',
      message: `Tell the family ${randomBytes(3).toString('hex')}`,
    },
  ];
  return {
    contacts,
    instructions: {
      children: 'School pickup at 3',
      medications: '',
      documents: 'Blue folder',
      legalOrganization: 'CHIRLA',
    },
    memberPhone: phone(),
    memberLanguage: 'es',
    caseConsent: true,
    person: { name: `Rosa Elena Quintero ${randomBytes(3).toString('hex')}`, countryOfBirth: 'Guatemala' },
    legalOrganizationId: legalTeam.id,
    testMode: false,
    pin: '482915',
    ...overrides,
  };
}

async function writePlan(overrides: Record<string, unknown> = {}) {
  const input = planInput(overrides);
  const created = expectStatus(await anonymous().post('/api/plans', input), 201);
  expect(created.body.code).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
  return { input, code: created.body.code as string };
}

describe('emergency plans', () => {
  it('stores a plan that opens with its code and PIN, and shows its content only then', async () => {
    nextDay();
    const { input, code } = await writePlan();
    const opened = expectStatus(await anonymous().post('/api/plans/open', { code, pin: input.pin }), 200);
    expect(opened.body.contacts).toEqual(input.contacts);
    expect(opened.body).toMatchObject({ state: 'active', caseConsent: true, memberLanguage: 'es' });
    expect(opened.body.caseConsentAt).toBe(now().toISOString());
    // The code as a person types it: lower case, no dash.
    expectStatus(
      await anonymous().post('/api/plans/open', {
        code: code.replace('-', ' ').toLowerCase(),
        pin: input.pin,
      }),
      200,
    );
  });

  it('answers a wrong PIN exactly as an unknown code: same status, same body', async () => {
    nextDay();
    const { code } = await writePlan();
    const wrongPin = await anonymous().post('/api/plans/open', { code, pin: '000000' });
    const unknown = await anonymous().post('/api/plans/open', { code: 'ZZZZZ-ZZZZZ', pin: '000000' });
    const garbage = await anonymous().post('/api/plans/open', { code: 'not a code', pin: '000000' });
    expect(wrongPin.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(garbage.status).toBe(404);
    expect(wrongPin.text).toBe(unknown.text);
    expect(garbage.text).toBe(unknown.text);
    for (const route of ['/api/plans/activate', '/api/plans/deactivate']) {
      const a = await anonymous().post(route, { code, pin: '111111' });
      const b = await anonymous().post(route, { code: 'YYYYY-YYYYY', pin: '111111' });
      expect([a.status, a.text]).toEqual([b.status, b.text]);
    }
  });

  it('backs off wrong PINs per code on the clock, and tells the first contact once, in their language', async () => {
    nextDay();
    const { input, code } = await writePlan();
    const first = input.contacts[0]?.phone ?? '';
    const statuses: number[] = [];
    for (let i = 0; i < PLAN_NOTICE_AFTER + 2; i++) {
      statuses.push((await anonymous().post('/api/plans/open', { code, pin: '999999' })).status);
      clock += 1000;
    }
    // Three free failures, then a block: the fifth attempt is refused while it lasts.
    expect(statuses.slice(0, 4)).toEqual([404, 404, 404, 404]);
    expect(statuses[4]).toBe(429);
    const blocked = await anonymous().post('/api/plans/open', { code, pin: input.pin });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    // Growing delays: after each wait, one more wrong PIN blocks for twice as long.
    clock += 20_000;
    expect((await anonymous().post('/api/plans/open', { code, pin: '999999' })).status).toBe(404);
    const second = await anonymous().post('/api/plans/open', { code, pin: '999999' });
    expect(second.status).toBe(429);
    expect(second.body.error.details.retryAfterSeconds).toBeGreaterThan(10);
    await drain();
    const notices = sentTo(first);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('PIN equivocado');
    // Once the block has passed the right PIN opens it, and the count starts again.
    clock += 3_600_000;
    expectStatus(await anonymous().post('/api/plans/open', { code, pin: input.pin }), 200);
    expect((await anonymous().post('/api/plans/open', { code, pin: '999999' })).status).toBe(404);
  });

  it('lets no one who knows a code lock its owner’s family out from one phone; many phones together are stopped, not the hotline', async () => {
    nextDay();
    const { input, code } = await writePlan();
    const [coalition] = await t.faro.database.db.select().from(coalitions);
    const plans = t.faro.services.plans;
    const open = (pin: string, sender: { kind: 'address' | 'phone' | 'operator'; value: string }) =>
      plans.open(coalition?.id as string, { code, pin }, sender).then(
        () => 'open',
        (error: { code?: string }) => error.code,
      );
    // Someone who found the code hammers wrong PINs from their phone: they are stopped…
    const attacker = { kind: 'phone' as const, value: phone() };
    const tries: (string | undefined)[] = [];
    for (let i = 0; i < 6; i++) tries.push(await open('000000', attacker));
    expect(tries).toEqual([
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
      'RATE_LIMITED',
      'RATE_LIMITED',
    ]);
    // …and the family, texting from another phone, is not.
    expect(await open(input.pin, { kind: 'phone', value: phone() })).toBe('open');
    // Twenty phones guessing together hold the code for everyone (a minute, then longer)…
    for (let i = 0; i < 21; i++) await open(String(100000 + i), { kind: 'phone', value: phone() });
    expect(await open(input.pin, { kind: 'phone', value: phone() })).toBe('RATE_LIMITED');
    // …but not a hotline operator entering it for a caller.
    const operator = await staffSession(t.faro.database, 'operator', now);
    expect(await open(input.pin, { kind: 'operator', value: operator.userId })).toBe('open');
  });

  it('backs off per sender too: many codes from one phone are refused', async () => {
    nextDay();
    const from = phone();
    for (let i = 0; i < 12; i++)
      await textFaro(
        t.baseUrl,
        smsProviderEnv(provider.url, env.TWILIO_ACCOUNT_SID),
        from,
        `PLAN ${'23456'}-${String(23456 + i).replace(/[01]/g, '2')} 1234`,
      );
    await t.faro.jobs.drain(t.faro.jobDefinitions.smsReply ?? (null as never));
    const replies = sentTo(from);
    expect(replies.at(0)).toContain('no plan matches');
    expect(replies.at(-1)).toContain('too many attempts');
  });

  it('activates from the web: each contact texted in their own language, the first contact confirmed', async () => {
    nextDay();
    const { input, code } = await writePlan();
    const activated = expectStatus(
      await anonymous().post('/api/plans/activate', { code, pin: input.pin }),
      202,
    );
    expect(activated.body).toEqual({ messages: 4, test: false });
    await drain();
    const [es, en1, en2] = input.contacts;
    const toSpanish = sentTo(es?.phone ?? '');
    expect(toSpanish).toContain(`Plan de emergencia Faro: ${es?.message}`);
    expect(toSpanish.some((body) => body.startsWith('Faro: se activo el plan'))).toBe(true);
    expect(sentTo(en1?.phone ?? '')).toEqual([`Faro emergency plan: ${en1?.message}`]);
    expect(sentTo(en2?.phone ?? '')).toEqual([`Faro emergency plan: ${en2?.message}`]);
    expect(sentTo(input.memberPhone)).toEqual([]);
  });

  it('e-mails a contact’s message too where the member gave an address, in the contact’s language (never in a test)', async () => {
    nextDay();
    const base = planInput();
    const to = `abuela.${randomBytes(3).toString('hex')}@example.org`;
    const withMail = base.contacts.map((contact, i) => (i === 0 ? { ...contact, email: to } : contact));
    const created = expectStatus(await anonymous().post('/api/plans', { ...base, contacts: withMail }), 201);
    const mailsTo = () => smtp.received.filter((m) => m.to.includes(to));
    expectStatus(
      await anonymous().post('/api/plans/activate', { code: created.body.code, pin: base.pin, test: true }),
      202,
    );
    await t.faro.jobs.drain(t.faro.jobDefinitions.planMail ?? (null as never));
    expect(mailsTo()).toHaveLength(0);
    expectStatus(
      await anonymous().post('/api/plans/activate', { code: created.body.code, pin: base.pin }),
      202,
    );
    await t.faro.jobs.drain(t.faro.jobDefinitions.planMail ?? (null as never));
    await expect.poll(() => mailsTo().length).toBe(1);
    const mail = smtp.text(mailsTo()[0] as never);
    expect(mail.subject).toBe('Plan de emergencia de Faro: un mensaje para usted');
    expect(mail.text).toContain(withMail[0]?.message);
    // Nobody else was e-mailed, and the address is sealed at rest like the number.
    const { rows } = await t.faro.database.pool.query<{ n: number }>(
      `select count(*)::int as n from emergency_plans where sealed like $1`,
      [`%${to}%`],
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('in a test texts only the member’s own number', async () => {
    nextDay();
    const { input, code } = await writePlan();
    const tested = expectStatus(
      await anonymous().post('/api/plans/activate', { code, pin: input.pin, test: true }),
      202,
    );
    expect(tested.body).toEqual({ messages: 3, test: true });
    await drain();
    for (const contact of input.contacts) expect(sentTo(contact.phone)).toEqual([]);
    const toMember = sentTo(input.memberPhone);
    expect(toMember).toHaveLength(3);
    expect(toMember.map((body) => body.slice(0, 15)).sort()).toEqual([
      'Faro PRUEBA 1/3',
      'Faro PRUEBA 2/3',
      'Faro PRUEBA 3/3',
    ]);
  });

  it('texts a plan’s contacts once a day and allows three tests: a plan is no way to text strangers again and again', async () => {
    nextDay();
    const { input, code } = await writePlan();
    const activate = (test = false) =>
      anonymous().post('/api/plans/activate', { code, pin: input.pin, test });
    expectStatus(await activate(), 202);
    const again = await activate();
    expect(again.status).toBe(409);
    expect(again.body.error.details).toMatchObject({ reason: 'plan_already_activated' });
    for (let i = 0; i < 3; i++) expectStatus(await activate(true), 202);
    expect((await activate(true)).status).toBe(429);
    await drain();
    const [first] = input.contacts;
    // One message and one confirmation to the first contact; the member got three tests of three.
    expect(sentTo(first?.phone ?? '')).toHaveLength(2);
    expect(sentTo(input.memberPhone)).toHaveLength(9);
    // A day later the plan can be activated again.
    nextDay();
    expectStatus(await activate(), 202);
  });

  it('activates by a text from any phone, once however often the provider delivers it', async () => {
    nextDay();
    const { input, code } = await writePlan();
    const from = phone();
    const fields = {
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      AccountSid: env.TWILIO_ACCOUNT_SID,
      From: from,
      To: env.TWILIO_FROM,
      Body: `activar ${code.replace('-', ' ')} ${input.pin}`,
      NumMedia: '0',
    };
    const { postInbound } = await import('./support/sms-provider.js');
    const token = smsProviderEnv(provider.url, env.TWILIO_ACCOUNT_SID).TWILIO_AUTH_TOKEN;
    expect((await postInbound(t.baseUrl, token, fields)).status).toBe(200);
    expect((await postInbound(t.baseUrl, token, fields)).status).toBe(200);
    await drain();
    await t.faro.jobs.drain(t.faro.jobDefinitions.smsReply ?? (null as never));
    for (const contact of input.contacts)
      expect(sentTo(contact.phone).filter((b) => b.includes(contact.message))).toHaveLength(1);
    expect(sentTo(from)).toEqual(['Faro: plan activado. Se esta enviando un mensaje a sus contactos.']);
  });

  it('opens a case for the chosen legal team when a consented plan is activated by text: once, with the plan’s facts, seen by nobody else', async () => {
    nextDay();
    const number = String(10_000_000 + randomBytes(3).readUIntBE(0, 3));
    const { input, code } = await writePlan({
      person: {
        name: `Rosa Elena Quintero ${randomBytes(3).toString('hex')}`,
        aNumber: `A${number}`,
        countryOfBirth: 'Guatemala',
        dateOfBirth: '1988-04-02',
      },
      legalOrganizationId: legalTeam.id,
    });
    input.contacts[0] = { ...(input.contacts[0] as (typeof input.contacts)[0]) };
    const fields = {
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      AccountSid: env.TWILIO_ACCOUNT_SID,
      From: phone(),
      To: env.TWILIO_FROM,
      Body: `PLAN ${code} ${input.pin}`,
      NumMedia: '0',
    };
    const { postInbound } = await import('./support/sms-provider.js');
    const token = smsProviderEnv(provider.url, env.TWILIO_ACCOUNT_SID).TWILIO_AUTH_TOKEN;
    expect((await postInbound(t.baseUrl, token, fields)).status).toBe(200);
    expect((await postInbound(t.baseUrl, token, fields)).status).toBe(200);
    await t.faro.jobs.drain(t.faro.jobDefinitions.planCase ?? (null as never));
    await drain();

    const team = client(t, legal);
    const found = expectStatus(await team.post('/api/cases/search', { aNumber: number }), 200).body.cases as {
      id: string;
    }[];
    expect(found).toHaveLength(1);
    const byName = expectStatus(await team.post('/api/cases/search', { name: input.person.name }), 200).body
      .cases as { id: string }[];
    expect(byName.map((c) => c.id)).toEqual(found.map((c) => c.id));
    const detail = expectStatus(await team.get(`/api/cases/${found[0]?.id}`), 200).body;
    expect(detail).toMatchObject({
      source: 'plan',
      organizationId: legalTeam.id,
      person: {
        name: input.person.name,
        aNumber: number.padStart(9, '0'),
        countryOfBirth: 'Guatemala',
        dateOfBirth: '1988-04-02',
        contact: input.memberPhone,
      },
      consent: { givenBy: input.person.name, method: 'plan', recordedBy: null },
    });
    expect(detail.contacts.map((c: { phone: string }) => c.phone)).toEqual(
      input.contacts.map((c) => c.phone),
    );
    expect(detail.contacts[0]).toMatchObject({ language: 'es', relation: 'Recoge a los niños' });
    expect(detail.notes).toHaveLength(1);
    expect(detail.notes[0].text).toContain('Hijos: School pickup at 3');
    expect(detail.notes[0].text).toContain('Documentos: Blue folder');
    expect(detail.notes[0].author).toBeNull();
    // Another organization's legal team and a dispatcher are told it does not exist.
    expectStatus(await client(t, otherLegal).get(`/api/cases/${found[0]?.id}`), 404);
    const dispatcher = await staffSession(t.faro.database, 'dispatcher', now);
    expectStatus(await client(t, dispatcher).get(`/api/cases/${found[0]?.id}`), 404);
    const { rows } = await t.faro.database.pool.query<{ opened: Date | null }>(
      'select case_opened_at as opened from plan_activations where id = $1',
      [found[0]?.id],
    );
    expect(rows[0]?.opened).toBeInstanceOf(Date);
  });

  it('opens no case for a test, without consent, or twice when the job runs again', async () => {
    nextDay();
    const count = async () =>
      (
        await t.faro.database.pool.query<{ n: number }>(
          `select count(*)::int as n from cases where source = 'plan'`,
        )
      ).rows[0]?.n ?? 0;
    const before = await count();
    const tested = await writePlan();
    expectStatus(
      await anonymous().post('/api/plans/activate', { ...tested.input, code: tested.code, test: true }),
      202,
    );
    const refusedNoConsent = await writePlan({
      caseConsent: false,
      person: undefined,
      legalOrganizationId: undefined,
    });
    expectStatus(
      await anonymous().post('/api/plans/activate', {
        code: refusedNoConsent.code,
        pin: refusedNoConsent.input.pin,
      }),
      202,
    );
    await t.faro.jobs.drain(t.faro.jobDefinitions.planCase ?? (null as never));
    expect(await count()).toBe(before);

    const real = await writePlan({ legalOrganizationId: otherTeam.id });
    expectStatus(
      await anonymous().post('/api/plans/activate', { code: real.code, pin: real.input.pin }),
      202,
    );
    await t.faro.jobs.drain(t.faro.jobDefinitions.planCase ?? (null as never));
    expect(await count()).toBe(before + 1);
    const { rows } = await t.faro.database.pool.query<{ id: string }>(
      `select id from plan_activations where case_opened_at is not null order by at desc limit 1`,
    );
    const activationId = rows[0]?.id ?? '';
    // The job delivered again (a retry after a crash): the same case, nothing more.
    await t.faro.services.plans.openCaseFor(activationId);
    await t.faro.database.pool.query('update plan_activations set case_opened_at = null where id = $1', [
      activationId,
    ]);
    await t.faro.services.plans.openCaseFor(activationId);
    expect(await count()).toBe(before + 1);
    expectStatus(await client(t, otherLegal).get(`/api/cases/${activationId}`), 200);
    expectStatus(await client(t, legal).get(`/api/cases/${activationId}`), 404);
  });

  it('asks for the name and a legal team before it accepts consent', async () => {
    nextDay();
    const noName = await anonymous().post('/api/plans', planInput({ person: { name: '' } }));
    expect(noName.status).toBe(400);
    expect(JSON.stringify(noName.body)).toContain('person.name');
    const notATeam = await anonymous().post(
      '/api/plans',
      planInput({ legalOrganizationId: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(notATeam.status).toBe(400);
    expect(JSON.stringify(notATeam.body)).toContain('legalOrganizationId');
    const badANumber = await anonymous().post(
      '/api/plans',
      planInput({ person: { name: 'Rosa', aNumber: '12' } }),
    );
    expect(badANumber.status).toBe(400);
  });

  it('adds a passkey only with the code and PIN, and refuses a passkey it does not know as it refuses a wrong PIN', async () => {
    nextDay();
    const { input, code } = await writePlan();
    const wrong = await anonymous().post('/api/plans/passkeys/options', { code, pin: '000000' });
    const unknown = await anonymous().post('/api/plans/passkeys/options', {
      code: 'ZZZZZ-ZZZZZ',
      pin: '000000',
    });
    expect([wrong.status, wrong.text]).toEqual([unknown.status, unknown.text]);
    expect(wrong.status).toBe(404);
    const options = expectStatus(
      await anonymous().post('/api/plans/passkeys/options', { code, pin: input.pin, language: 'es' }),
      200,
    ).body;
    // Discoverable, verified by the phone's lock, named generically, with a random handle.
    expect(options.options.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      userVerification: 'required',
    });
    expect(options.options.user.name).toBe('Plan de emergencia de Faro');
    expect(JSON.stringify(options)).not.toContain(code);
    const fake = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: {}, clientExtensionResults: {} };
    // A made-up attestation is refused, and the challenge is spent by the attempt.
    expect(
      (await anonymous().post('/api/plans/passkeys', { challengeId: options.challengeId, response: fake }))
        .status,
    ).toBe(400);
    expect(
      (await anonymous().post('/api/plans/passkeys', { challengeId: options.challengeId, response: fake }))
        .status,
    ).toBe(400);

    const challenge = expectStatus(await anonymous().post('/api/plans/passkey-challenge'), 200).body;
    expect(challenge.options.allowCredentials ?? []).toEqual([]);
    const forged = await anonymous().post('/api/plans/passkey-activate', {
      challengeId: challenge.challengeId,
      response: fake,
    });
    const stale = await anonymous().post('/api/plans/passkey-activate', {
      challengeId: '00000000-0000-4000-8000-000000000000',
      response: fake,
    });
    expect(forged.status).toBe(404);
    expect([forged.status, forged.text]).toEqual([stale.status, stale.text]);
    const removed = expectStatus(
      await anonymous().post('/api/plans/passkeys/remove', { code, pin: input.pin }),
      200,
    );
    expect(removed.body).toEqual({ removed: 0 });
    expect(
      expectStatus(await anonymous().post('/api/plans/open', { code, pin: input.pin }), 200).body.passkeys,
    ).toBe(0);
  });

  it('lets a hotline operator activate a caller’s plan (audited), and refuses a deactivated plan', async () => {
    nextDay();
    const { input, code } = await writePlan();
    const operator = client(t, await staffSession(t.faro.database, 'operator', now));
    expectStatus(await operator.post('/api/hotline/plans/activate', { code, pin: input.pin }), 202);
    const responder = client(t, await staffSession(t.faro.database, 'responder', now));
    expectStatus(await responder.post('/api/hotline/plans/activate', { code, pin: input.pin }), 403);
    expectStatus(await anonymous().post('/api/hotline/plans/activate', { code, pin: input.pin }), 401);
    const { rows } = await t.faro.database.pool.query<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'plan.activated'`,
    );
    expect(rows[0]?.n).toBeGreaterThanOrEqual(1);
    expectStatus(await anonymous().post('/api/plans/deactivate', { code, pin: input.pin }), 204);
    expectStatus(await operator.post('/api/hotline/plans/activate', { code, pin: input.pin }), 409);
  });

  it('keeps nothing personal in the clear: no number or message in any table', async () => {
    nextDay();
    const marker = `FARO-PLAN-${randomBytes(8).toString('hex')}`;
    const input = planInput();
    const contacts = input.contacts.map((c) => ({ ...c, message: `${c.message} ${marker}` }));
    const created = expectStatus(
      await anonymous().post('/api/plans', {
        ...input,
        contacts,
        instructions: { ...input.instructions, medications: marker },
      }),
      201,
    );
    const { code } = created.body;
    expectStatus(await anonymous().post('/api/plans/activate', { code, pin: input.pin }), 202);
    await drain();
    const secrets = [marker, code, code.replace('-', ''), ...contacts.map((c) => c.phone), input.memberPhone];
    const { rows: tables } = await t.faro.database.pool.query<{ name: string }>(
      `select format('%I.%I', n.nspname, c.relname) as name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
          and n.nspname not like 'pg\\_toast%'`,
    );
    const leaks: string[] = [];
    for (const { name } of tables) {
      const { rows } = await t.faro.database.pool.query<{ row: string }>(
        `select t::text as row from ${name} t`,
      );
      const text = rows.map((r) => r.row).join('\n');
      for (const secret of secrets) if (text.includes(secret)) leaks.push(`${name}: ${secret}`);
    }
    expect(leaks).toEqual([]);
    // The search finds what is there: the contacts did get the marker.
    expect(sentTo(contacts[1]?.phone ?? '').join()).toContain(marker);
  });

  it('refuses bad plans with a reason and stores nothing; a wrong PIN changes nothing', async () => {
    nextDay();
    const before = await t.faro.database.pool.query<{ n: number }>(
      'select count(*)::int as n from emergency_plans',
    );
    const tooMany = planInput({
      contacts: Array.from({ length: 16 }, () => ({
        phone: phone(),
        language: 'en',
        task: 'family',
        message: 'x',
      })),
    });
    expect((await anonymous().post('/api/plans', tooMany)).status).toBe(400);
    const good = planInput();
    const badPhone = {
      ...good,
      contacts: good.contacts.map((c, i) => (i === 0 ? { ...c, phone: 'call me' } : c)),
    };
    // A number Faro does not text (another country, a premium-rate range): refused by name.
    const abroad = {
      ...good,
      contacts: good.contacts.map((c, i) => (i === 1 ? { ...c, phone: '+447700900123' } : c)),
    };
    const notServed = await anonymous().post('/api/plans', abroad);
    expect(notServed.status).toBe(400);
    expect(JSON.stringify(notServed.body.error.details)).toContain('contacts.1.phone');
    const premium = {
      ...good,
      contacts: good.contacts.map((c, i) => (i === 0 ? { ...c, phone: '+19005550123' } : c)),
    };
    expect((await anonymous().post('/api/plans', premium)).status).toBe(400);
    const refused = await anonymous().post('/api/plans', badPhone);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.error.details)).toContain('contacts.0.phone');
    expect((await anonymous().post('/api/plans', planInput({ pin: '12' }))).status).toBe(400);
    const noOwnNumber = planInput({ testMode: true });
    delete (noOwnNumber as Partial<typeof noOwnNumber>).memberPhone;
    expect((await anonymous().post('/api/plans', noOwnNumber)).status).toBe(400);
    const after = await t.faro.database.pool.query<{ n: number }>(
      'select count(*)::int as n from emergency_plans',
    );
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);

    const { input, code } = await writePlan();
    const changed = {
      ...planInput(),
      contacts: [{ phone: phone(), language: 'en', task: 'other', message: 'hijacked' }],
    };
    const { pin: _pin, ...content } = changed;
    expect((await anonymous().post('/api/plans/update', { code, pin: '000000', plan: content })).status).toBe(
      404,
    );
    const opened = expectStatus(await anonymous().post('/api/plans/open', { code, pin: input.pin }), 200);
    expect(opened.body.contacts).toEqual(input.contacts);
  });

  it('never keeps a PLAN text as a report, and answers a wrong code in the sender’s language', async () => {
    nextDay();
    const from = phone();
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const { postInbound } = await import('./support/sms-provider.js');
    const token = smsProviderEnv(provider.url, env.TWILIO_ACCOUNT_SID).TWILIO_AUTH_TOKEN;
    const fields = {
      MessageSid: sid,
      AccountSid: env.TWILIO_ACCOUNT_SID,
      From: from,
      To: env.TWILIO_FROM,
      NumMedia: '0',
    };
    expect(
      (await postInbound(t.baseUrl, token, { ...fields, Body: 'ACTIVAR ZZZZZ-ZZZZZ 123456' })).status,
    ).toBe(200);
    await t.faro.jobs.drain(t.faro.jobDefinitions.smsReply ?? (null as never));
    expect(await reportsOfMessage(t, sid)).toEqual([]);
    expect(sentTo(from)).toEqual([
      'Faro: ningun plan coincide con ese codigo y PIN. Reviselos y envie de nuevo PLAN, el codigo y el PIN.',
    ]);
    // Typed another way, a code and perhaps a PIN in it: still never a report; the format in reply.
    const other = `SM${randomBytes(16).toString('hex')}`;
    expect(
      (
        await postInbound(t.baseUrl, token, {
          ...fields,
          MessageSid: other,
          Body: 'Activar: ZZZZZ-ZZZZZ clave',
        })
      ).status,
    ).toBe(200);
    await t.faro.jobs.drain(t.faro.jobDefinitions.smsReply ?? (null as never));
    expect(await reportsOfMessage(t, other)).toEqual([]);
    expect(sentTo(from).at(-1)).toContain('para activar un plan de emergencia, envie PLAN');
  });

  it('reminds the member three weeks before a year without confirmation, then deletes the plan (retention job)', async () => {
    nextDay();
    const { input, code } = await writePlan();
    const retention = t.faro.jobDefinitions.retention;
    clock += 340 * 86_400_000;
    await retention.handler({});
    await drain();
    expect(sentTo(input.memberPhone)).toEqual([]);
    clock += 5 * 86_400_000;
    await retention.handler({});
    await retention.handler({});
    await drain();
    const reminders = sentTo(input.memberPhone);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toContain('se borrara el');
    clock += 21 * 86_400_000;
    await retention.handler({});
    expect((await anonymous().post('/api/plans/open', { code, pin: input.pin })).status).toBe(404);
    const { rows } = await t.faro.database.pool.query<{ n: number }>(
      'select count(*)::int as n from emergency_plans',
    );
    expect(rows[0]?.n).toBe(0);
  });
});
