import { getResolution } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Assignment, ResponderState, SuggestionList } from '../src/shared/dispatch.js';
import { BOYLE_HEIGHTS, buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';
import { incidentIdOf } from './support/state.js';

/**
 * Responders on shift, their coarse location (erased at shift end), ranked
 * suggestions, and offers that are accepted, declined, or expire and go to
 * the next responder by themselves (on a clock the test moves).
 */
let t: TestFaro;
let clock = Date.now();
let dispatcher: StaffSession;

beforeAll(async () => {
  t = await startTestFaro({ now: () => new Date(clock) });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
});
afterAll(async () => t?.stop());

const call = (
  who: StaffSession | null,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
) => t.faro.app.inject({ method, url, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });
/** A point `km` east of Boyle Heights. */
const east = (km: number) => ({
  lat: BOYLE_HEIGHTS.lat,
  lng: BOYLE_HEIGHTS.lng + km / (111.32 * Math.cos((BOYLE_HEIGHTS.lat * Math.PI) / 180)),
});

async function responder(
  km: number | null,
  languages: string[] = ['en', 'es'],
  hours = 4,
  skills: string[] = [],
): Promise<StaffSession> {
  const person = await createPerson(t.faro.database, t.faro.box, { role: 'responder' });
  const session = await sessionFor(t.faro.database, person.id, () => new Date(clock));
  expect(
    (await call(session, 'PUT', '/api/responder/profile', { languages, skills, homeZoneIds: [] })).statusCode,
  ).toBe(200);
  expect((await call(session, 'POST', '/api/responder/shift', { hours })).statusCode).toBe(200);
  if (km !== null)
    expect((await call(session, 'PUT', '/api/responder/location', east(km))).statusCode).toBe(200);
  return session;
}

/** A new incident `km` east of Boyle Heights (tests far apart never group into one). */
async function incidentAt(km: number): Promise<string> {
  const sent = await call(
    null,
    'POST',
    '/api/reports',
    buildReportInput({ location: east(km), activity: 'raid' }),
  );
  expect(sent.statusCode, sent.body).toBe(201);
  await t.faro.grouper?.settle();
  return await incidentIdOf(t, sent.json().id);
}

const shiftRow = async (userId: string) =>
  (
    await t.faro.database.pool.query<{
      location_cell: string | null;
      location_at: Date | null;
      ended_at: Date | null;
    }>(
      'select location_cell, location_at, ended_at from shifts where user_id = $1 order by started_at desc limit 1',
      [userId],
    )
  ).rows[0];

describe('responders on shift', () => {
  it('keeps one coarse cell while on shift, overwritten, and erases it when the shift ends', async () => {
    const me = await responder(1);
    const first = await shiftRow(me.userId);
    expect(getResolution(first?.location_cell ?? '')).toBe(8);
    await call(me, 'PUT', '/api/responder/location', east(4));
    const moved = await shiftRow(me.userId);
    expect(moved?.location_cell).not.toBe(first?.location_cell);
    const { rows } = await t.faro.database.pool.query(
      'select count(*)::int as n from shifts where user_id = $1',
      [me.userId],
    );
    expect(rows[0]).toEqual({ n: 1 }); // overwritten, never a track

    const ended = await call(me, 'POST', '/api/responder/shift/end');
    expect((ended.json() as ResponderState).shift).toBeNull();
    expect(await shiftRow(me.userId)).toMatchObject({ location_cell: null, location_at: null });
    expect((await shiftRow(me.userId))?.ended_at).not.toBeNull();
    // Off shift, no location is taken; the reason is one the app words in its reader's language.
    const offShift = await call(me, 'PUT', '/api/responder/location', east(1));
    expect(offShift.statusCode).toBe(409);
    expect(offShift.json().error.details).toEqual({ reason: 'location_off_shift' });
  });

  it('ends a shift at its planned end by itself, location erased', async () => {
    const me = await responder(2, ['en'], 0.25);
    clock += 20 * 60_000;
    await t.faro.services.dispatch.endDueShifts();
    expect(await shiftRow(me.userId)).toMatchObject({ location_cell: null, location_at: null });
    expect(((await call(me, 'GET', '/api/responder')).json() as ResponderState).shift).toBeNull();
  });
});

describe('suggestions and offers', () => {
  let near: StaffSession;
  let middle: StaffSession;
  let far: StaffSession;
  let incidentId: string;

  beforeAll(async () => {
    // Earlier tests' responders went off shift; these three are on now.
    near = await responder(0.5);
    middle = await responder(3);
    far = await responder(8, ['en']);
    incidentId = await incidentAt(0);
  });

  it('ranks responders on shift by distance, language and load', async () => {
    const response = await call(dispatcher, 'GET', `/api/incidents/${incidentId}/suggestions`);
    expect(response.statusCode, response.body).toBe(200);
    const list = response.json() as SuggestionList;
    const ids = list.suggestions.map((s) => s.responder.id);
    expect(ids.indexOf(near.userId)).toBeLessThan(ids.indexOf(middle.userId));
    expect(ids.indexOf(middle.userId)).toBeLessThan(ids.indexOf(far.userId));
    expect(list.suggestions.find((s) => s.responder.id === near.userId)?.km).toBeLessThan(2);
  });

  it('offers, and the responder accepts, goes, arrives and reports — only their own assignment', async () => {
    const offered = await call(dispatcher, 'POST', `/api/incidents/${incidentId}/assignments`, {
      responderId: near.userId,
    });
    expect(offered.statusCode, offered.body).toBe(201);
    const assignment = offered.json() as Assignment;
    // Another responder cannot touch it, and does not see the incident.
    expect(
      (await call(middle, 'POST', `/api/responder/assignments/${assignment.id}`, { action: 'accept' }))
        .statusCode,
    ).toBe(404);
    expect(((await call(middle, 'GET', '/api/responder')).json() as ResponderState).assignments).toEqual([]);
    const mine = (await call(near, 'GET', '/api/responder')).json() as ResponderState;
    expect(mine.assignments.map((a) => a.incident.id)).toEqual([incidentId]);
    expect(JSON.stringify(mine)).not.toMatch(/"place"|restricted|"lat":34\.0472/);
    for (const action of ['accept', 'en_route', 'on_scene'] as const) {
      const step = await call(near, 'POST', `/api/responder/assignments/${assignment.id}`, { action });
      expect(step.statusCode, step.body).toBe(200);
    }
    // On scene: a check-in timer runs; "I'm safe" resets it.
    const safe = await call(near, 'POST', `/api/responder/assignments/${assignment.id}/check-in`, {
      status: 'safe',
    });
    expect(safe.json()).toMatchObject({ safety: 'ok' });
    expect(safe.json().checkInDueAt).not.toBeNull();
    // The report needs who was there and the outcome.
    const bare = await call(near, 'POST', `/api/responder/assignments/${assignment.id}`, {
      action: 'reported',
    });
    expect(bare.statusCode).toBe(400);
    // What was seen describes activity: a field about a person is not taken.
    const unknown = await call(near, 'POST', `/api/responder/assignments/${assignment.id}`, {
      action: 'reported',
      report: {
        present: ['nobody'],
        outcome: 'uncertain',
        salute: { agents: -1, uniforms: [], equipment: [] },
      },
    });
    expect(unknown.statusCode).toBe(400);
    const reported = await call(near, 'POST', `/api/responder/assignments/${assignment.id}`, {
      action: 'reported',
      report: {
        present: ['immigration_agents', 'local_police'],
        outcome: 'confirmed',
        notes: 'Two unmarked vans at the car wash',
        salute: { agents: 6, vehicles: 2, uniforms: ['ice'], equipment: ['unmarked_vehicles'] },
      },
    });
    expect(reported.statusCode, reported.body).toBe(200);
    const listed = (await call(dispatcher, 'GET', `/api/incidents/${incidentId}/assignments`)).json();
    expect(listed.assignments[0]).toMatchObject({
      state: 'reported',
      outcome: 'confirmed',
      present: ['immigration_agents', 'local_police'],
      salute: { agents: 6, vehicles: 2, uniforms: ['ice'], equipment: ['unmarked_vehicles'] },
      responder: { id: near.userId },
    });
    // The notes are kept sealed.
    const { rows } = await t.faro.database.pool.query<{ notes: string }>(
      'select notes from assignments where id = $1',
      [assignment.id],
    );
    expect(rows[0]?.notes).not.toContain('unmarked');
  });

  it('moves an unanswered offer to the next responder when it expires', async () => {
    const second = await incidentAt(25);
    const offered = (
      await call(dispatcher, 'POST', `/api/incidents/${second}/assignments`, { responderId: middle.userId })
    ).json() as Assignment;
    clock += 3 * 60_000 + 1_000;
    expect(await t.faro.services.dispatch.expireDue()).toBe(1);
    const { assignments } = (
      await call(dispatcher, 'GET', `/api/incidents/${second}/assignments`)
    ).json() as {
      assignments: Assignment[];
    };
    expect(assignments.find((a) => a.id === offered.id)?.state).toBe('expired');
    const next = assignments.find((a) => a.id !== offered.id);
    expect(next).toMatchObject({ state: 'offered', automatic: true });
    expect(next?.responder.id).not.toBe(middle.userId);
    // Too late to accept the expired one.
    const late = await call(middle, 'POST', `/api/responder/assignments/${offered.id}`, { action: 'accept' });
    expect(late.statusCode).toBe(409);
  });

  it('offers the next responder at once when one declines', async () => {
    const third = await incidentAt(50);
    const offered = (
      await call(dispatcher, 'POST', `/api/incidents/${third}/assignments`, { responderId: far.userId })
    ).json() as Assignment;
    expect(
      (await call(far, 'POST', `/api/responder/assignments/${offered.id}`, { action: 'decline' })).statusCode,
    ).toBe(200);
    const { assignments } = (await call(dispatcher, 'GET', `/api/incidents/${third}/assignments`)).json() as {
      assignments: Assignment[];
    };
    expect(assignments.filter((a) => a.state === 'offered')).toHaveLength(1);
  });

  it('flags a missed check-in for the dispatcher, and "need help" at once', async () => {
    const fourth = await incidentAt(75);
    const offered = (
      await call(dispatcher, 'POST', `/api/incidents/${fourth}/assignments`, { responderId: middle.userId })
    ).json() as Assignment;
    for (const action of ['accept', 'on_scene'] as const)
      await call(middle, 'POST', `/api/responder/assignments/${offered.id}`, { action });
    const help = await call(middle, 'POST', `/api/responder/assignments/${offered.id}/check-in`, {
      status: 'help',
    });
    expect(help.json()).toMatchObject({ safety: 'help' });
    await call(middle, 'POST', `/api/responder/assignments/${offered.id}/check-in`, { status: 'safe' });
    clock += 16 * 60_000;
    expect(await t.faro.services.dispatch.flagMissedCheckIns()).toBe(1);
    expect(await t.faro.services.dispatch.flagMissedCheckIns()).toBe(0);
    const { assignments } = (
      await call(dispatcher, 'GET', `/api/incidents/${fourth}/assignments`)
    ).json() as {
      assignments: Assignment[];
    };
    expect(assignments.find((a) => a.id === offered.id)?.safety).toBe('missed');
    // On the board's list, whatever the filter: no zone or status choice hides a responder in trouble.
    const board = (await call(dispatcher, 'GET', '/api/incidents?status=closed')).json() as {
      incidents: { id: string; safety: string; respondersActive: number }[];
    };
    expect(board.incidents.find((i) => i.id === fourth)).toMatchObject({
      safety: 'missed',
      respondersActive: 1,
    });
    // At the head of a list cut short too, however many incidents were more recently active.
    const short = (await call(dispatcher, 'GET', '/api/incidents?limit=1')).json() as {
      incidents: { id: string }[];
    };
    expect(short.incidents.map((i) => i.id)).toEqual([fourth]);
    await call(middle, 'POST', `/api/responder/assignments/${offered.id}/check-in`, { status: 'safe' });
    const after = (await call(dispatcher, 'GET', '/api/incidents?status=closed')).json() as {
      incidents: { id: string }[];
    };
    expect(after.incidents.map((i) => i.id)).not.toContain(fourth);
    // Missed again; the dispatcher reaches them by phone and says so: the flag clears, nothing escalates.
    clock += 16 * 60_000;
    expect(await t.faro.services.dispatch.flagMissedCheckIns()).toBe(1);
    expect((await call(middle, 'POST', `/api/assignments/${offered.id}/reached-safe`)).statusCode).toBe(403);
    const reached = await call(dispatcher, 'POST', `/api/assignments/${offered.id}/reached-safe`);
    expect(reached.statusCode, reached.body).toBe(200);
    expect(reached.json()).toMatchObject({ safety: 'ok', escalated: false });
    clock += 6 * 60_000;
    expect(await t.faro.services.dispatch.escalateMissedCheckIns()).toBe(0);
  });

  it('lets a buddy pair see each other’s state and safety', async () => {
    const fifth = await incidentAt(100);
    const a = await responder(1);
    const b = await responder(1.5);
    const offers = [];
    for (const who of [a, b])
      offers.push(
        (
          await call(dispatcher, 'POST', `/api/incidents/${fifth}/assignments`, { responderId: who.userId })
        ).json() as Assignment,
      );
    for (const [i, who] of [a, b].entries())
      for (const action of ['accept', 'on_scene'] as const)
        await call(who, 'POST', `/api/responder/assignments/${offers[i]?.id}`, { action });
    await call(b, 'POST', `/api/responder/assignments/${offers[1]?.id}/check-in`, { status: 'help' });
    const seen = ((await call(a, 'GET', '/api/responder')).json() as ResponderState).assignments.find(
      (x) => x.incident.id === fifth,
    );
    expect(seen?.team).toEqual([
      { name: 'Test responder', state: 'on_scene', safety: 'help', partner: false },
    ]);
  });

  it('offers a pair of legal observers in one action, and fills a place left open with the next observer', async () => {
    const at = 150;
    const incident = await incidentAt(at);
    const first = await responder(at + 1, ['en', 'es'], 4, ['legal_observer']);
    const second = await responder(at + 1.5, ['en', 'es'], 4, ['legal_observer']);
    const third = await responder(at + 6, ['en', 'es'], 4, ['legal_observer', 'driver']);
    const plain = await responder(at + 0.5); // nearer, but not an observer
    const listed = (
      await call(dispatcher, 'GET', `/api/incidents/${incident}/suggestions`)
    ).json() as SuggestionList;
    expect(listed.pairs[0]).toEqual([first.userId, second.userId]);

    const offered = await call(dispatcher, 'POST', `/api/incidents/${incident}/pairs`, {
      responderIds: [first.userId, second.userId],
    });
    expect(offered.statusCode, offered.body).toBe(201);
    const pair = (offered.json() as { assignments: Assignment[] }).assignments;
    expect(pair.map((a) => [a.responder.id, a.state])).toEqual([
      [first.userId, 'offered'],
      [second.userId, 'offered'],
    ]);
    expect(pair[0]?.pairId).toBeTruthy();
    expect(pair[1]?.pairId).toBe(pair[0]?.pairId);
    // The same person twice is not a pair; nobody is offered the incident twice.
    expect(
      (
        await call(dispatcher, 'POST', `/api/incidents/${incident}/pairs`, {
          responderIds: [plain.userId, plain.userId],
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await call(dispatcher, 'POST', `/api/incidents/${incident}/pairs`, {
          responderIds: [plain.userId, first.userId],
        })
      ).statusCode,
    ).toBe(409);

    await call(first, 'POST', `/api/responder/assignments/${pair[0]?.id}`, { action: 'accept' });
    await call(second, 'POST', `/api/responder/assignments/${pair[1]?.id}`, { action: 'decline' });
    const { assignments } = (
      await call(dispatcher, 'GET', `/api/incidents/${incident}/assignments`)
    ).json() as {
      assignments: Assignment[];
    };
    const replacement = assignments.find((a) => a.state === 'offered');
    expect(replacement).toMatchObject({
      automatic: true,
      pairId: pair[0]?.pairId,
      responder: { id: third.userId },
    });
    // The one who stayed sees the new partner as their partner.
    const seen = ((await call(first, 'GET', '/api/responder')).json() as ResponderState).assignments.find(
      (x) => x.incident.id === incident,
    );
    expect(seen?.team).toEqual([{ name: 'Test responder', state: 'offered', safety: 'ok', partner: true }]);
  });

  it('keeps an incident channel for dispatchers and the team sent, sealed, and nobody else', async () => {
    const sixth = await incidentAt(125);
    const member = await responder(1);
    const outsider = await responder(1);
    const offer = (
      await call(dispatcher, 'POST', `/api/incidents/${sixth}/assignments`, { responderId: member.userId })
    ).json() as Assignment;
    await call(member, 'POST', `/api/responder/assignments/${offer.id}`, { action: 'accept' });
    const url = `/api/incidents/${sixth}/messages`;
    expect(
      (await call(dispatcher, 'POST', url, { text: 'Park on the north side; agents at the corner' }))
        .statusCode,
    ).toBe(200);
    const answered = await call(member, 'POST', url, { text: 'Copy, two minutes out' });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json().messages.map((m: { text: string; mine: boolean }) => [m.text, m.mine])).toEqual([
      ['Park on the north side; agents at the corner', false],
      ['Copy, two minutes out', true],
    ]);
    expect((await call(outsider, 'GET', url)).statusCode).toBe(404);
    expect((await call(outsider, 'POST', url, { text: 'hello?' })).statusCode).toBe(404);
    // A voice note: the recording as the body, kept sealed, played back only to those in the channel.
    const recording = Buffer.concat([
      Buffer.from([0x1a, 0x45, 0xdf, 0xa3]),
      Buffer.from('opus frames of a short voice note'),
    ]);
    const voice = await t.faro.app.inject({
      method: 'POST',
      url: `${url}/voice`,
      headers: { ...member.headers, 'content-type': 'audio/webm' },
      payload: recording,
    });
    expect(voice.statusCode, voice.body).toBe(200);
    const note = voice.json().messages.at(-1);
    expect(note).toMatchObject({ voice: true, text: '', mine: true });
    const played = await t.faro.app.inject({ url: `${url}/${note.id}/audio`, headers: dispatcher.headers });
    expect(played.statusCode).toBe(200);
    expect(played.headers['content-type']).toMatch(/^audio\/webm/);
    expect(played.rawPayload.equals(recording)).toBe(true);
    expect(
      (await t.faro.app.inject({ url: `${url}/${note.id}/audio`, headers: outsider.headers })).statusCode,
    ).toBe(404);
    const fake = await t.faro.app.inject({
      method: 'POST',
      url: `${url}/voice`,
      headers: { ...member.headers, 'content-type': 'audio/webm' },
      payload: Buffer.from('not audio at all'),
    });
    expect(fake.statusCode).toBe(415);
    const { rows } = await t.faro.database.pool.query<{ body: string; audio: Buffer }>(
      'select body, audio from incident_messages',
    );
    expect(JSON.stringify(rows)).not.toContain('north side');
    expect(rows.some((r) => r.audio?.includes(Buffer.from('opus frames')))).toBe(false);
  });
});
