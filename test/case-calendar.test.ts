import { and, eq } from 'drizzle-orm';
import ical, { type VEvent } from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, caseCalendarFeeds, memberships } from '../src/server/db/schema.js';
import { caseReference } from '../src/shared/case-calendar.js';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';

/**
 * Issue 16, the calendar: each person of a legal team gets a secret, revocable address for an
 * iCalendar feed of the hearings and task due dates of the cases they may know now — no name, no
 * A-number (Google's and Apple's servers fetch it) — every fetch audited; an unknown or revoked
 * address answers the same 404.
 */
let t: TestFaro;
let orgA: string;
let orgB: string;
let legalA: StaffSession;
let legalA2: StaffSession;
let legalB: StaffSession;
let dispatcher: StaffSession;
const NAME = 'Joaquín Benítez Aldana';
const A_NUMBER = '087654321';

beforeAll(async () => {
  t = await startTestFaro({ env: { PUBLIC_URL: 'https://faro.network.example' } });
  const db = t.faro.database.db;
  legalA = await staffSession(t.faro.database, 'legal');
  const [home] = await db
    .select({ id: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.userId, legalA.userId), eq(memberships.role, 'legal')));
  orgA = home?.id ?? '';
  const team = expectStatus(await client(t, legalA).get('/api/cases/team'), 200).body;
  orgB = team.organizations.find((o: { id: string }) => o.id !== orgA).id as string;
  legalA2 = await sessionFor(
    t.faro.database,
    (await createPerson(t.faro.database, t.faro.box, { role: 'legal', organizationId: orgA })).id,
  );
  legalB = await sessionFor(
    t.faro.database,
    (await createPerson(t.faro.database, t.faro.box, { role: 'legal', organizationId: orgB })).id,
  );
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
});
afterAll(async () => t?.stop());

async function openCaseWithHearing(who: StaffSession, at: string, court: string) {
  const legal = client(t, who);
  const id = expectStatus(
    await legal.post('/api/cases', {
      source: 'call',
      person: { name: NAME, aNumber: A_NUMBER },
      consent: { givenBy: 'His wife', method: 'in_person' },
    }),
    201,
  ).body.id as string;
  expectStatus(
    await legal.post(`/api/cases/${id}/hearings`, {
      at,
      court,
      type: 'Individual hearing',
      judge: 'Hon. R. Ortiz',
    }),
    200,
  );
  return id;
}

/** Fetches a feed as a calendar server would: anonymous, by its address alone. */
const fetchFeed = (url: string) => client(t).get(new URL(url).pathname);

const events = (body: string) =>
  Object.values(ical.sync.parseICS(body)).filter((entry): entry is VEvent => entry?.type === 'VEVENT');

describe('a person’s calendar feed', () => {
  it('holds the hearings and tasks of their cases, with no name or A-number, and each fetch is audited', async () => {
    const soon = new Date(Date.now() + 9 * 86_400_000);
    soon.setUTCHours(17, 30, 0, 0);
    const caseId = await openCaseWithHearing(legalA, soon.toISOString(), 'San Francisco Immigration Court');
    const dueOn = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    expectStatus(
      await client(t, legalA).post(`/api/cases/${caseId}/tasks`, {
        text: `Call ${NAME}'s sister`,
        dueOn,
        assigneeId: legalA.userId,
      }),
      200,
    );
    // Another organization's case: not in A's calendar.
    const otherCase = await openCaseWithHearing(legalB, soon.toISOString(), 'Otay Mesa Immigration Court');

    const legal = client(t, legalA);
    expect(expectStatus(await legal.get('/api/cases/calendar'), 200).body).toMatchObject({ active: false });
    const { url } = expectStatus(await legal.post('/api/cases/calendar', { language: 'es' }), 201).body;
    expect(url).toMatch(/^https:\/\/faro\.network\.example\/api\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    // Only a digest of the token is kept.
    const stored = await t.faro.database.db.select().from(caseCalendarFeeds);
    const token = /calendar\/(.*)\.ics$/.exec(url)?.[1] ?? '';
    expect(JSON.stringify(stored)).not.toContain(token);

    const reply = expectStatus(await fetchFeed(url), 200);
    expect(reply.headers['content-type']).toContain('text/calendar');
    const body = reply.text;
    expect(body).not.toContain('Joaqu');
    expect(body).not.toContain('Benítez');
    expect(body).not.toContain(A_NUMBER.slice(1));
    expect(body).not.toContain('sister');
    expect(body).not.toContain('Otay Mesa');
    const found = events(body);
    const hearing = found.find((e) => String(e.uid).startsWith('case-hearing-'));
    expect(hearing?.start.toISOString()).toBe(soon.toISOString());
    expect(hearing?.location).toBe('San Francisco Immigration Court');
    expect(hearing?.summary).toBe(`Audiencia · Individual hearing · caso ${caseReference(caseId)}`);
    expect(String(hearing?.description)).toContain(`https://faro.network.example/cases?case=${caseId}`);
    expect(String(hearing?.description)).toContain('Hon. R. Ortiz');
    const task = found.find((e) => String(e.uid).startsWith('case-task-'));
    expect(task?.datetype).toBe('date');
    expect(task?.summary).toBe(`Vence una tarea · caso ${caseReference(caseId)}`);
    expect(found.some((e) => String(e.url ?? '').includes(otherCase))).toBe(false);

    // One audit row per fetch, its actor the feed's owner.
    await fetchFeed(url);
    const reads = await t.faro.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'case.calendar_read'), eq(auditLog.actorId, legalA.userId)));
    expect(reads).toHaveLength(2);
    expect(expectStatus(await legal.get('/api/cases/calendar'), 200).body).toMatchObject({ active: true });

    // Referred to B: gone from A's calendar at the next fetch.
    expectStatus(
      await legal.post(`/api/cases/${caseId}/referral`, { organizationId: orgB, note: 'Closer to family' }),
      200,
    );
    expect(events((await fetchFeed(url)).text).some((e) => String(e.uid).startsWith('case-hearing-'))).toBe(
      false,
    );
  });

  it('answers the same 404 to a revoked, a replaced, an unknown or a malformed address', async () => {
    const legal = client(t, legalA2);
    const first = expectStatus(await legal.post('/api/cases/calendar', {}), 201).body.url as string;
    expectStatus(await fetchFeed(first), 200);
    const second = expectStatus(await legal.post('/api/cases/calendar', {}), 201).body.url as string;
    expect(second).not.toBe(first);
    const replaced = await fetchFeed(first);
    expectStatus(await fetchFeed(second), 200);
    expectStatus(await legal.delete('/api/cases/calendar'), 204);
    const revoked = await fetchFeed(second);
    const unknown = await fetchFeed(second.replace(/calendar\/.{4}/, 'calendar/AAAA'));
    const malformed = await client(t).get('/api/calendar/not-a-token.ics');
    for (const reply of [replaced, revoked, unknown, malformed]) {
      expect(reply.status).toBe(404);
      expect(reply.text).toBe(revoked.text);
    }
    expect(expectStatus(await legal.get('/api/cases/calendar'), 200).body).toEqual({
      active: false,
      createdAt: null,
      lastReadAt: null,
    });
  });

  it('drops a person’s team cases once they leave the legal role', async () => {
    const person = await createPerson(t.faro.database, t.faro.box, { role: 'legal', organizationId: orgA });
    const session = await sessionFor(t.faro.database, person.id);
    const when = new Date(Date.now() + 3 * 86_400_000).toISOString();
    await openCaseWithHearing(legalA, when, 'Chicago Immigration Court');
    const { url } = expectStatus(await client(t, session).post('/api/cases/calendar', {}), 201).body;
    expect((await fetchFeed(url)).text).toContain('Chicago Immigration Court');
    await t.faro.database.db
      .delete(memberships)
      .where(and(eq(memberships.userId, person.id), eq(memberships.role, 'legal')));
    const after = expectStatus(await fetchFeed(url), 200).text;
    expect(after).not.toContain('Chicago Immigration Court');
  });
});

describe('who may manage a feed', () => {
  it('refuses the feed’s settings to a dispatcher and anonymous callers; a hearing or contact of another team’s case is 404', async () => {
    expect((await client(t, dispatcher).post('/api/cases/calendar', {})).status).toBe(403);
    expect((await client(t, dispatcher).get('/api/cases/calendar')).status).toBe(403);
    expect((await client(t).post('/api/cases/calendar', {})).status).toBe(401);
    const caseId = await openCaseWithHearing(
      legalA,
      new Date(Date.now() + 20 * 86_400_000).toISOString(),
      'Dallas Immigration Court',
    );
    const detail = expectStatus(await client(t, legalA).get(`/api/cases/${caseId}`), 200).body;
    const hearingId = detail.hearings[0].id as string;
    const contact = expectStatus(
      await client(t, legalA).post(`/api/cases/${caseId}/contacts`, { name: 'Ana', phone: '3235550190' }),
      200,
    ).body.contacts[0].id as string;
    const move = { at: new Date(Date.now() + 30 * 86_400_000).toISOString() };
    for (const who of [legalB, dispatcher]) {
      const hostile = client(t, who);
      const moved = await hostile.post(`/api/cases/${caseId}/hearings/${hearingId}`, move);
      expect(moved.status).toBe(404);
      expect(moved.body.error.code).toBe('NOT_FOUND');
      const ticked = await hostile.post(`/api/cases/${caseId}/contacts/${contact}/reminders`, {
        textReminders: true,
      });
      expect(ticked.status).toBe(404);
    }
    // Nothing changed.
    const after = expectStatus(await client(t, legalA).get(`/api/cases/${caseId}`), 200).body;
    expect(after.hearings[0].at).toBe(detail.hearings[0].at);
    expect(after.contacts[0].textReminders).toBe(false);
    // The team corrects it: a new court, the judge cleared, the time kept.
    const corrected = expectStatus(
      await client(t, legalA).post(`/api/cases/${caseId}/hearings/${hearingId}`, {
        court: 'Dallas Immigration Court, 2nd floor',
        judge: '',
      }),
      200,
    ).body;
    expect(corrected.hearings[0]).toMatchObject({
      at: detail.hearings[0].at,
      court: 'Dallas Immigration Court, 2nd floor',
      judge: null,
    });
    expect((await client(t, legalA).post(`/api/cases/${caseId}/hearings/${hearingId}`, {})).status).toBe(400);
    // A hearing id of another case is not this case's.
    const elsewhere = await openCaseWithHearing(
      legalA,
      new Date(Date.now() + 21 * 86_400_000).toISOString(),
      'Houston Immigration Court',
    );
    expect((await client(t, legalA).post(`/api/cases/${elsewhere}/hearings/${hearingId}`, move)).status).toBe(
      404,
    );
  });
});
