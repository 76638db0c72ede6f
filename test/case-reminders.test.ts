import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseReminders, memberships } from '../src/server/db/schema.js';
import { smsCost } from '../src/server/modules/alerts/sms-segments.js';
import { caseReference } from '../src/shared/case-calendar.js';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { startPushService } from './support/push-service.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';
import { smsProviderEnv, startSmsProvider } from './support/sms-provider.js';
import { startSmtpServer } from './support/smtp.js';

/**
 * Issue 16, reminders: a hearing is reminded a week and a day ahead, a task the morning before its
 * due date — by push and e-mail to the people who need it, by text to a family contact who asked —
 * once per hearing time and kind however often the sweep runs, on a clock the test moves. Nothing
 * sent names the detained person.
 */
let t: TestFaro;
let push: Awaited<ReturnType<typeof startPushService>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
// Tuesday 1 December 2026, 9:00 in Los Angeles (the tests' FARO_TIMEZONE).
let clock = Date.parse('2026-12-01T17:00:00Z');
const now = () => new Date(clock);
const DAY = 86_400_000;
const PUBLIC_URL = 'https://faro.network.example';

let orgA: string;
let legalA: StaffSession;
let legalA2: StaffSession;
let legalB: StaffSession;
let emailOf: Record<string, string>;
let phoneA: string;

const NAME = 'Marisol Quintanilla';
const A_NUMBER = '203456789';

beforeAll(async () => {
  [push, smtp, sms] = await Promise.all([startPushService(), startSmtpServer(), startSmsProvider()]);
  t = await startTestFaro({
    now,
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Faro <faro@network.example>',
      PUBLIC_URL,
      ...smsProviderEnv(sms.url),
    },
  });
  const db = t.faro.database.db;
  legalA = await staffSession(t.faro.database, 'legal', now);
  const [home] = await db
    .select({ id: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.userId, legalA.userId), eq(memberships.role, 'legal')));
  orgA = home?.id ?? '';
  const a2 = await createPerson(t.faro.database, t.faro.box, { role: 'legal', organizationId: orgA });
  legalA2 = await sessionFor(t.faro.database, a2.id, now);
  const team = expectStatus(await client(t, legalA).get('/api/cases/team'), 200).body;
  const orgB = team.organizations.find((o: { id: string }) => o.id !== orgA).id as string;
  const b = await createPerson(t.faro.database, t.faro.box, { role: 'legal', organizationId: orgB });
  legalB = await sessionFor(t.faro.database, b.id, now);
  emailOf = { [legalA.userId]: '', [legalA2.userId]: a2.email, [legalB.userId]: b.email };
  const people = await db.query.users.findMany();
  for (const person of people) emailOf[person.id] = person.email;
  // legalA reads Faro in Spanish on the phone they registered for notifications.
  const key = (await t.faro.app.inject({ url: '/api/subscriptions/channels' })).json().pushKey as string;
  const browser = await push.subscribe(key);
  expectStatus(
    await client(t, legalA).post('/api/account/push', {
      subscription: { endpoint: browser.endpoint, keys: browser.keys },
      language: 'es',
    }),
    204,
  );
  phoneA = browser.clientHash;
});
afterAll(async () => {
  await t?.stop();
  await Promise.all([push?.close(), smtp?.close(), sms?.close()]);
});

const fresh = (session: StaffSession) => sessionFor(t.faro.database, session.userId, now);

async function openCase(who: StaffSession) {
  const legal = client(t, await fresh(who));
  const reply = await legal.post('/api/cases', {
    source: 'call',
    person: { name: NAME, aNumber: A_NUMBER },
    consent: { givenBy: 'Her sister', method: 'phone' },
  });
  return expectStatus(reply, 201).body.id as string;
}

/** Runs the sweep (as the five-minute job does) and waits until every send it queued has run. */
async function sweep() {
  await t.faro.services.caseReminders.sweep();
  await t.faro.jobs.drain(t.faro.jobDefinitions.caseReminderSend, 15_000);
}

const mailsTo = (userId: string) =>
  smtp.received.filter((m) => m.to.includes(emailOf[userId] ?? '?')).map((m) => smtp.text(m));
const pushes = () => push.received(phoneA).map((p) => JSON.parse(p) as Record<string, string>);
const textsTo = (phone: string) =>
  sms.sent.filter((m) => m.fields.To === phone).map((m) => m.fields.Body ?? '');

const squash = (text: string | undefined) => (text ?? '').replace(/\s+/g, '');

/** What every message must never carry: the person's name or A-number. */
function expectNoPersonalData(text: string) {
  expect(text).not.toContain('Marisol');
  expect(text).not.toContain('Quintanilla');
  expect(text).not.toContain(A_NUMBER);
  expect(text).not.toContain(A_NUMBER.slice(1));
}

describe('hearing reminders', () => {
  it('reminds a week and a day ahead, once each, to the team holding the case; a moved hearing again; the family by text only when ticked', async () => {
    const caseId = await openCase(legalA);
    const legal = () => fresh(legalA).then((s) => client(t, s));
    // Friday 11 December 2026, 9:00 in Los Angeles: ten days out.
    const hearingAt = Date.parse('2026-12-11T17:00:00Z');
    const court = 'Tribunal de Inmigración de Los Ángeles';
    const withHearing = expectStatus(
      await (await legal()).post(`/api/cases/${caseId}/hearings`, {
        at: new Date(hearingAt).toISOString(),
        court,
        type: 'Master calendar',
      }),
      200,
    ).body;
    const hearingId = withHearing.hearings[0].id as string;
    // A contact who asked for texts (in Spanish), and one who did not.
    const withContacts = expectStatus(
      await (await legal()).post(`/api/cases/${caseId}/contacts`, {
        name: 'Lucía Quintanilla',
        phone: '(323) 555-0177',
        language: 'Español',
        textReminders: true,
      }),
      200,
    ).body;
    expect(withContacts.contacts[0]).toMatchObject({ textReminders: true });
    const second = expectStatus(
      await (await legal()).post(`/api/cases/${caseId}/contacts`, {
        name: 'Tomás Q',
        phone: '(323) 555-0178',
        language: 'en',
      }),
      200,
    ).body;
    const untickedId = second.contacts.find((c: { name: string }) => c.name === 'Tomás Q').id as string;
    // Ticking needs a number Faro can text.
    const noPhone = await (await legal()).post(`/api/cases/${caseId}/contacts`, {
      name: 'Someone',
      textReminders: true,
    });
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.error.details.fields[0].field).toBe('phone');

    await sweep();
    expect(mailsTo(legalA2.userId)).toEqual([]);
    expect(pushes()).toEqual([]);
    expect(sms.sent).toEqual([]);

    // Seven days ahead (and five minutes): the week reminder, by push and e-mail, to each of the team.
    clock = hearingAt - 7 * DAY + 5 * 60_000;
    await sweep();
    const [push1, ...morePushes] = pushes();
    expect(morePushes).toEqual([]);
    expect(push1).toMatchObject({
      type: 'staff',
      title: 'Audiencia en 7 días',
      url: `/cases?case=${caseId}`,
    });
    expect(push1?.body).toContain('viernes, 11 de diciembre');
    expect(push1?.body).toContain('9:00');
    expect(push1?.body).toContain(court);
    // The Spanish reader's e-mail is in Spanish only; the other's (no language known) in both.
    const [mailA, ...moreA] = mailsTo(legalA.userId);
    expect(moreA).toEqual([]);
    expect(squash(mailA?.subject)).toContain(squash('Faro: audiencia en 7 días'));
    expect(mailA?.subject).not.toContain('Hearing');
    expect(mailA?.text).toContain(`${PUBLIC_URL}/cases?case=${caseId}`);
    expect(mailA?.text).toContain(caseReference(caseId));
    const [mailA2, ...moreA2] = mailsTo(legalA2.userId);
    expect(moreA2).toEqual([]);
    // (The test's mail reader leaves spaces where long encoded subjects were folded.)
    expect(squash(mailA2?.subject)).toContain(squash('Faro: hearing in 7 days (Friday, December 11 at 9:00'));
    expect(squash(mailA2?.subject)).toContain(squash('audiencia en 7 días (viernes, 11 de diciembre'));
    // Another organization's legal team hears nothing of it.
    expect(mailsTo(legalB.userId)).toEqual([]);
    // The family contact who asked: date, time and court, in Spanish, plain GSM-7; the other: nothing.
    const [text1, ...moreTexts] = textsTo('+13235550177');
    expect(moreTexts).toEqual([]);
    expect(text1).toBe(
      'Recordatorio: audiencia el viernes, 11 de diciembre, 9:00, Tribunal de Inmigracion de Los Angeles.',
    );
    expect(smsCost(text1 ?? '').encoding).toBe('GSM-7');
    expect(textsTo('+13235550178')).toEqual([]);
    for (const text of [
      JSON.stringify(push1),
      mailA?.subject ?? '',
      mailA?.text ?? '',
      mailA2?.subject ?? '',
      mailA2?.text ?? '',
      text1 ?? '',
    ])
      expectNoPersonalData(text);

    // Run again, and twice at once (two processes): nothing new.
    await sweep();
    await Promise.all([t.faro.services.caseReminders.sweep(), t.faro.services.caseReminders.sweep()]);
    await sweep();
    expect(pushes()).toHaveLength(1);
    expect(mailsTo(legalA2.userId)).toHaveLength(1);
    expect(textsTo('+13235550177')).toHaveLength(1);

    // The contact untick-ed before the day reminder, the other ticked: the texts follow.
    expectStatus(
      await (await legal()).post(`/api/cases/${caseId}/contacts/${untickedId}/reminders`, {
        textReminders: true,
      }),
      200,
    );

    // A day ahead: the second reminder.
    clock = hearingAt - DAY + 5 * 60_000;
    await sweep();
    expect(pushes().map((p) => p.title)).toEqual(['Audiencia en 7 días', 'Audiencia mañana']);
    expect(mailsTo(legalA2.userId).map((m) => m.subject)).toEqual([
      expect.stringContaining('hearing in 7 days'),
      expect.stringContaining('hearing tomorrow'),
    ]);
    expect(textsTo('+13235550177')).toHaveLength(2);
    expect(textsTo('+13235550178')).toEqual([
      'Reminder: hearing tomorrow, Friday, December 11 at 9:00 AM, Tribunal de Inmigracion de Los Angeles.',
    ]);
    await sweep();
    expect(pushes()).toHaveLength(2);

    // Moved three days later (four days out now): no week reminder, then the day one for its new date.
    const movedAt = hearingAt + 3 * DAY;
    const moved = expectStatus(
      await (await legal()).post(`/api/cases/${caseId}/hearings/${hearingId}`, {
        at: new Date(movedAt).toISOString(),
      }),
      200,
    ).body;
    expect(moved.hearings[0]).toMatchObject({ at: new Date(movedAt).toISOString(), court });
    await sweep();
    expect(pushes()).toHaveLength(2);
    clock = movedAt - DAY + 60_000;
    await sweep();
    expect(pushes().map((p) => p.title)).toEqual([
      'Audiencia en 7 días',
      'Audiencia mañana',
      'Audiencia mañana',
    ]);
    expect(pushes().at(-1)?.body).toContain('lunes, 14 de diciembre');
    const rows = await t.faro.database.db
      .select()
      .from(caseReminders)
      .where(eq(caseReminders.caseId, caseId));
    expect(rows.map((r) => r.kind).sort()).toEqual(['hearing_day', 'hearing_day', 'hearing_week']);
  });

  it('reminds only the attorney when one is set; nothing for a closed case', async () => {
    clock = Date.parse('2026-12-20T17:00:00Z');
    const caseId = await openCase(legalA);
    const legal = () => fresh(legalA).then((s) => client(t, s));
    expectStatus(
      await (await legal()).post(`/api/cases/${caseId}/attorney`, { attorneyId: legalA2.userId }),
      200,
    );
    const hearingAt = clock + DAY - 60 * 60_000;
    expectStatus(
      await (await legal()).post(`/api/cases/${caseId}/hearings`, {
        at: new Date(hearingAt).toISOString(),
        court: 'Adelanto Immigration Court',
        type: 'Bond hearing',
      }),
      200,
    );
    const closedId = await openCase(legalA);
    expectStatus(
      await (await legal()).post(`/api/cases/${closedId}/hearings`, {
        at: new Date(hearingAt).toISOString(),
        court: 'Otay Mesa Immigration Court',
        type: 'Bond hearing',
      }),
      200,
    );
    expectStatus(await (await legal()).post(`/api/cases/${closedId}/closing`, { closed: true }), 200);
    const before = {
      a: mailsTo(legalA.userId).length,
      a2: mailsTo(legalA2.userId).length,
      push: pushes().length,
    };
    await sweep();
    expect(mailsTo(legalA.userId)).toHaveLength(before.a);
    expect(pushes()).toHaveLength(before.push);
    const fresh2 = mailsTo(legalA2.userId).slice(before.a2);
    expect(fresh2).toHaveLength(1);
    expect(fresh2[0]?.text).toContain('Adelanto Immigration Court');
    expect(smtp.received.some((m) => m.raw.includes('Otay Mesa'))).toBe(false);
  });
});

describe('task reminders', () => {
  it('reminds the assignee from 9:00 the day before the due date, once; nobody else, nothing once done', async () => {
    // Wednesday 23 December, 8:30 in Los Angeles.
    clock = Date.parse('2026-12-23T16:30:00Z');
    const caseId = await openCase(legalA);
    const legal = () => fresh(legalA).then((s) => client(t, s));
    const task = `File the bond motion ${randomBytes(2).toString('hex')}`;
    const withTasks = expectStatus(
      await (await legal()).post(`/api/cases/${caseId}/tasks`, {
        text: task,
        dueOn: '2026-12-24',
        assigneeId: legalA2.userId,
      }),
      200,
    ).body;
    const doneLater = expectStatus(
      await (await legal()).post(`/api/cases/${caseId}/tasks`, {
        text: 'Call the consulate',
        dueOn: '2026-12-24',
        assigneeId: legalA2.userId,
      }),
      200,
    ).body.tasks.find((x: { text: string }) => x.text === 'Call the consulate').id as string;
    expect(withTasks.tasks).toHaveLength(1);
    expectStatus(
      await (await legal()).post(`/api/cases/${caseId}/tasks/${doneLater}/done`, { done: true }),
      200,
    );
    const before = {
      a: mailsTo(legalA.userId).length,
      a2: mailsTo(legalA2.userId).length,
      push: pushes().length,
    };
    await sweep();
    expect(mailsTo(legalA2.userId)).toHaveLength(before.a2);
    clock = Date.parse('2026-12-23T17:05:00Z'); // 9:05
    await sweep();
    await sweep();
    const mails = mailsTo(legalA2.userId).slice(before.a2);
    expect(mails).toHaveLength(1);
    expect(squash(mails[0]?.subject)).toContain(squash('Faro: a task is due Thursday, December 24'));
    expect(mails[0]?.text).toContain(`${PUBLIC_URL}/cases?case=${caseId}`);
    // The task's own words stay in Faro.
    expect(mails[0]?.text).not.toContain('bond motion');
    expect(mailsTo(legalA.userId)).toHaveLength(before.a);
    expect(pushes()).toHaveLength(before.push);
  });
});

describe('a case opened by an emergency plan', () => {
  it('tells the team it went to at once, by push and e-mail, naming nobody — and once, however often the job runs', async () => {
    const teams = (await t.faro.app.inject({ url: '/api/plans/legal-organizations' })).json() as {
      id: string;
    }[];
    expect(teams.map((team) => team.id)).toContain(orgA);
    const member = 'Dolores Sepúlveda Marín';
    const written = await t.faro.app.inject({
      method: 'POST',
      url: '/api/plans',
      payload: {
        contacts: [{ phone: '+12135559301', language: 'es', task: 'family', message: 'Llama a la línea' }],
        memberLanguage: 'es',
        caseConsent: true,
        person: { name: member, aNumber: '208765431' },
        legalOrganizationId: orgA,
        pin: '370514',
      },
    });
    expect(written.statusCode).toBe(201);
    const before = {
      a2: mailsTo(legalA2.userId).length,
      b: mailsTo(legalB.userId).length,
      push: pushes().length,
    };
    const activated = await t.faro.app.inject({
      method: 'POST',
      url: '/api/plans/activate',
      payload: { code: written.json().code, pin: '370514' },
    });
    expect(activated.statusCode).toBe(202);
    await t.faro.jobs.drain(t.faro.jobDefinitions.planCase ?? (null as never), 15_000);
    await expect.poll(() => mailsTo(legalA2.userId).length, { timeout: 15_000 }).toBe(before.a2 + 1);
    const mail = mailsTo(legalA2.userId).at(-1);
    expect(mail?.subject).toMatch(/new case .* from an emergency plan/);
    expect(mail?.text).toContain(`${PUBLIC_URL}/cases?case=`);
    await expect.poll(() => pushes().length, { timeout: 15_000 }).toBe(before.push + 1);
    // legalA reads Spanish on their phone.
    expect(pushes().at(-1)?.title).toBe('Caso nuevo desde un plan de emergencia');
    // Another organization's team hears nothing; nothing names the member.
    expect(mailsTo(legalB.userId)).toHaveLength(before.b);
    expect(JSON.stringify([mail, pushes().at(-1)])).not.toContain('Sepúlveda');
    expect(JSON.stringify([mail, pushes().at(-1)])).not.toContain('208765431');
    // The job again (a retry after a crash): the case is there already, nobody is told twice.
    const caseId = /cases\?case=([0-9a-f-]{36})/.exec(mail?.text ?? '')?.[1] ?? '';
    await t.faro.database.pool.query('update plan_activations set case_opened_at = null where id = $1', [
      caseId,
    ]);
    await t.faro.services.plans.openCaseFor(caseId);
    expect(mailsTo(legalA2.userId)).toHaveLength(before.a2 + 1);
    expect(pushes()).toHaveLength(before.push + 1);
  });
});
