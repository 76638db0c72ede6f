import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentDetail, IncidentSummary } from '../src/shared/incident.js';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';
import { openSse } from './support/sse.js';
import { incidentIdOf } from './support/state.js';

/**
 * Reports grouped into incidents as they arrive, and the dispatcher's
 * corrections: merge, split, move, status and notes, each in the timeline and
 * each announced live. Each test works in its own patch of desert east of Los
 * Angeles (outside every zone) so they do not group with one another.
 */
let t: TestFaro;
let dispatcher: StaffSession;
let area = 0;

beforeAll(async () => {
  t = await startTestFaro({ listen: true });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
});
afterAll(async () => t?.stop());

/** A fresh area, far (20 km) from every other test's. */
function newArea() {
  area += 1;
  const base = { lat: 34.5 + area * 0.2, lng: -117.0 };
  /** A point `km` east of the area's origin. */
  return (km: number) => ({
    lat: base.lat,
    lng: base.lng + km / (111.32 * Math.cos((base.lat * Math.PI) / 180)),
  });
}

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

async function report(
  at: { lat: number; lng: number },
  overrides: Parameters<typeof buildReportInput>[0] = {},
) {
  const response = await t.faro.app.inject({
    method: 'POST',
    url: '/api/reports',
    payload: buildReportInput({ location: at, activity: 'raid', ...overrides }),
  });
  expect(response.statusCode, response.body).toBe(201);
  const { id } = response.json() as { id: string };
  await t.faro.grouper?.settle();
  return { id, incidentId: await incidentIdOf(t, id) };
}

const asDispatcher = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.faro.app.inject({ method, url, headers: dispatcher.headers, ...(payload ? { payload } : {}) });

async function detail(id: string): Promise<IncidentDetail> {
  const response = await asDispatcher('GET', `/api/incidents/${id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe('grouping reports into incidents', () => {
  it('puts reports close in space and time into one incident, and others into their own', async () => {
    const at = newArea();
    const first = await report(at(0), { observedAt: minutesAgo(40) });
    const near = await report(at(0.8), { observedAt: minutesAgo(20) });
    const far = await report(at(6), { observedAt: minutesAgo(20) });
    expect(near.incidentId).toBe(first.incidentId);
    expect(far.incidentId).not.toBe(first.incidentId);

    const { incident, reports, salute } = await detail(first.incidentId);
    expect(incident.reportCount).toBe(2);
    expect(reports.map((r) => r.id).sort()).toEqual([first.id, near.id].sort());
    expect(incident.status).toBe('open');
    expect(incident.h3Cell).toMatch(/^88/);
    expect(salute.activity).toEqual([{ value: 'raid', count: 2 }]);
    expect(salute.agents).toEqual({ min: 4, max: 4, median: 4 });
  });

  it('does not join a report seen long after the incident’s last sighting', async () => {
    const at = newArea();
    const old = await report(at(0), { observedAt: minutesAgo(200) });
    const now = await report(at(0.1), { observedAt: minutesAgo(5) });
    expect(now.incidentId).not.toBe(old.incidentId);
  });

  it('joins a report to an incident while it is open or verified, never to a closed one', async () => {
    const at = newArea();
    const { incidentId } = await report(at(0), { observedAt: minutesAgo(30) });
    for (const status of ['confirmed', 'not_confirmed'] as const) {
      await asDispatcher('POST', `/api/incidents/${incidentId}/status`, { status });
      expect((await report(at(0.1), { observedAt: minutesAgo(20) })).incidentId, status).toBe(incidentId);
    }
    await asDispatcher('POST', `/api/incidents/${incidentId}/status`, { status: 'closed' });
    const after = await report(at(0.1), { observedAt: minutesAgo(10) });
    expect(after.incidentId).not.toBe(incidentId);
    expect((await detail(incidentId)).incident.reportCount).toBe(3);
  });

  it('groups a whole burst of simultaneous reports of one operation into one incident', async () => {
    const at = newArea();
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => report(at((i % 5) * 0.2))));
    expect(new Set(made.map((m) => m.incidentId)).size).toBe(1);
    expect((await detail(made[0]?.incidentId ?? '')).incident.reportCount).toBe(20);
  });

  it('lists open incidents with counts, filters by status, and shows the receipt the incident’s verdict', async () => {
    const at = newArea();
    const { incidentId } = await report(at(0));
    const list = (await asDispatcher('GET', '/api/incidents')).json() as { incidents: IncidentSummary[] };
    expect(list.incidents.find((i) => i.id === incidentId)?.reportCount).toBe(1);

    const created = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports',
      payload: buildReportInput({ location: at(0.2), activity: 'raid' }),
    });
    const { receipt } = created.json() as { receipt: string };
    await t.faro.grouper?.settle();
    const set = await asDispatcher('POST', `/api/incidents/${incidentId}/status`, {
      status: 'confirmed',
      note: 'Legal observer on scene confirms',
    });
    expect(set.statusCode, set.body).toBe(200);
    const status = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports/receipt',
      payload: { code: receipt },
    });
    expect(status.json().status).toBe('confirmed');

    await asDispatcher('POST', `/api/incidents/${incidentId}/status`, { status: 'closed' });
    const open = (await asDispatcher('GET', '/api/incidents')).json() as { incidents: IncidentSummary[] };
    expect(open.incidents.some((i) => i.id === incidentId)).toBe(false);
    const closed = (await asDispatcher('GET', '/api/incidents?status=closed')).json() as {
      incidents: IncidentSummary[];
    };
    expect(closed.incidents.some((i) => i.id === incidentId)).toBe(true);
    const { timeline } = await detail(incidentId);
    expect(timeline.map((e) => [e.kind, e.status])).toEqual([
      ['status', 'confirmed'],
      ['status', 'closed'],
    ]);
    expect(timeline[0]?.note).toBe('Legal observer on scene confirms');
    expect(timeline[0]?.actor).toBeTruthy();
  });

  it('flags what needs care: no precise location, no first-hand account', async () => {
    const zones = (await t.faro.app.inject({ url: '/api/zones' })).json().zones as { id: string }[];
    const { incidentId } = await report(
      { lat: 0, lng: 0 },
      {
        location: { zoneId: zones[3]?.id },
        firsthand: false,
        activity: 'staging',
      },
    );
    const { incident } = await detail(incidentId);
    expect(incident.preciseCount).toBe(0);
    expect(incident.firsthandCount).toBe(0);
    expect(incident.center).toBeNull();
  });
});

describe('a dispatcher correcting the grouping', () => {
  it('splits reports out into a new incident, and both timelines say so', async () => {
    const at = newArea();
    const a = await report(at(0));
    const b = await report(at(0.3));
    const c = await report(at(0.5));
    expect(new Set([a.incidentId, b.incidentId, c.incidentId]).size).toBe(1);
    const response = await asDispatcher('POST', `/api/incidents/${a.incidentId}/split`, {
      reportIds: [c.id],
    });
    expect(response.statusCode, response.body).toBe(200);
    const created = response.json() as IncidentSummary;
    expect(created.id).not.toBe(a.incidentId);
    expect(created.reportCount).toBe(1);
    const original = await detail(a.incidentId);
    expect(original.incident.reportCount).toBe(2);
    expect(original.timeline.map((e) => [e.kind, e.otherIncident?.number])).toEqual([
      ['split_out', created.number],
    ]);
    expect((await detail(created.id)).timeline[0]).toMatchObject({ kind: 'split_from', reportId: c.id });

    const all = await asDispatcher('POST', `/api/incidents/${a.incidentId}/split`, {
      reportIds: [a.id, b.id],
    });
    expect(all.statusCode).toBe(400);
    const stranger = await asDispatcher('POST', `/api/incidents/${a.incidentId}/split`, {
      reportIds: [c.id],
    });
    expect(stranger.statusCode).toBe(400);
  });

  it('merges incidents: reports move, the merged one points to the survivor, and no report is lost', async () => {
    const at = newArea();
    const a = await report(at(0));
    const b = await report(at(5));
    const c = await report(at(10));
    const response = await asDispatcher('POST', `/api/incidents/${a.incidentId}/merge`, {
      incidentIds: [b.incidentId, c.incidentId],
    });
    expect(response.statusCode, response.body).toBe(200);
    expect((response.json() as IncidentSummary).reportCount).toBe(3);
    const merged = await detail(b.incidentId);
    expect(merged.incident).toMatchObject({ status: 'merged', mergedInto: a.incidentId, reportCount: 0 });
    expect(merged.timeline[0]?.kind).toBe('merged_into');
    const survivor = await detail(a.incidentId);
    expect(survivor.reports).toHaveLength(3);
    expect(survivor.timeline.filter((e) => e.kind === 'merged_in')).toHaveLength(2);

    // A merged incident takes no more changes, and a new report nearby joins the survivor.
    const again = await asDispatcher('POST', `/api/incidents/${b.incidentId}/merge`, {
      incidentIds: [a.incidentId],
    });
    expect(again.statusCode).toBe(409);
    const later = await report(at(5.1));
    expect(later.incidentId).toBe(a.incidentId);
  });

  it('moves one report to another incident; an incident left empty is merged into the target', async () => {
    const at = newArea();
    const a = await report(at(0));
    const b = await report(at(5));
    const moved = await asDispatcher('POST', `/api/incidents/${a.incidentId}/move-in`, { reportIds: [b.id] });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((moved.json() as IncidentSummary).reportCount).toBe(2);
    const left = await detail(b.incidentId);
    expect(left.incident.status).toBe('merged');
    expect(left.timeline[0]).toMatchObject({ kind: 'moved_out', reportId: b.id });
    const same = await asDispatcher('POST', `/api/incidents/${a.incidentId}/move-in`, { reportIds: [b.id] });
    expect(same.statusCode).toBe(400);
  });

  it('moves several reports as one command: all of them, or none when one cannot move', async () => {
    const at = newArea();
    const a = await report(at(0));
    const b = await report(at(5));
    const c = await report(at(10));
    // One of them is already in the target: nothing moves.
    const refused = await asDispatcher('POST', `/api/incidents/${a.incidentId}/move-in`, {
      reportIds: [b.id, a.id],
    });
    expect(refused.statusCode).toBe(400);
    expect((await detail(b.incidentId)).incident.reportCount).toBe(1);
    // A report that is not there: nothing moves either.
    const unknown = await asDispatcher('POST', `/api/incidents/${a.incidentId}/move-in`, {
      reportIds: [b.id, '00000000-0000-4000-8000-000000000000'],
    });
    expect(unknown.statusCode).toBe(404);
    expect((await detail(b.incidentId)).incident.reportCount).toBe(1);

    const moved = await asDispatcher('POST', `/api/incidents/${a.incidentId}/move-in`, {
      reportIds: [b.id, c.id],
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((moved.json() as IncidentSummary).reportCount).toBe(3);
    const target = await detail(a.incidentId);
    expect(target.timeline.filter((e) => e.kind === 'moved_in').map((e) => e.reportId)).toEqual(
      expect.arrayContaining([b.id, c.id]),
    );
    for (const source of [b, c]) {
      const left = await detail(source.incidentId);
      expect(left.incident).toMatchObject({ status: 'merged', mergedInto: a.incidentId, reportCount: 0 });
    }
  });

  it('refuses a move into an incident of nowhere, and to a caller who may not manage incidents', async () => {
    const at = newArea();
    const a = await report(at(0));
    const missing = await asDispatcher(
      'POST',
      '/api/incidents/00000000-0000-4000-8000-000000000000/move-in',
      {
        reportIds: [a.id],
      },
    );
    expect(missing.statusCode).toBe(404);
    const empty = await asDispatcher('POST', `/api/incidents/${a.incidentId}/move-in`, { reportIds: [] });
    expect(empty.statusCode).toBe(400);
    const b = await report(at(5));
    const responder = await staffSession(t.faro.database, 'responder');
    const hostile = await t.faro.app.inject({
      method: 'POST',
      url: `/api/incidents/${a.incidentId}/move-in`,
      headers: responder.headers,
      payload: { reportIds: [b.id] },
    });
    expect(hostile.statusCode).toBe(403);
    expect((await detail(b.incidentId)).incident.reportCount).toBe(1);
  });

  it('keeps notes sealed in the database and shows them to dispatchers', async () => {
    const at = newArea();
    const { incidentId } = await report(at(0));
    const secret = 'Caller’s cousin saw two vans at the laundromat';
    const added = await asDispatcher('POST', `/api/incidents/${incidentId}/notes`, { text: secret });
    expect(added.statusCode, added.body).toBe(204);
    expect((await detail(incidentId)).timeline.at(-1)?.note).toBe(secret);
    const raw = await t.faro.database.pool.query<{ note: string }>(
      'select note from incident_timeline where incident_id = $1',
      [incidentId],
    );
    expect(raw.rows[0]?.note).not.toContain('laundromat');
  });

  it('announces every change on the live stream', async () => {
    const at = newArea();
    const stream = await openSse(`${t.baseUrl}/api/events`, dispatcher.headers);
    try {
      await stream.waitFor((m) => m.event === 'ready');
      const a = await report(at(0));
      await stream.waitFor((m) => m.event === 'incident.updated' && m.data.includes(a.incidentId));
      const b = await report(at(0.2));
      const joined = await stream.waitFor(
        (m) =>
          m.event === 'incident.updated' &&
          m.data.includes(a.incidentId) &&
          m.data.includes('"reportCount":2'),
      );
      expect(JSON.parse(joined.data).incident.reportCount).toBe(2);
      const split = await asDispatcher('POST', `/api/incidents/${a.incidentId}/split`, { reportIds: [b.id] });
      const newId = (split.json() as IncidentSummary).id;
      await stream.waitFor((m) => m.event === 'incident.updated' && m.data.includes(`"id":"${newId}"`));
    } finally {
      stream.close();
    }
  });
});

describe('presence on the board', () => {
  it('shows each dispatcher who else has the incident open, until they close it', async () => {
    const at = newArea();
    const { incidentId } = await report(at(0));
    const other = await createPerson(t.faro.database, t.faro.box, { role: 'dispatcher' });
    const colleague = await sessionFor(t.faro.database, other.id);
    const look = (session: StaffSession) =>
      t.faro.app.inject({
        method: 'POST',
        url: `/api/incidents/${incidentId}/presence`,
        headers: session.headers,
      });

    expect((await look(dispatcher)).json().viewers).toEqual([]);
    expect((await look(colleague)).json().viewers).toEqual([{ name: 'Demo dispatcher' }]);
    expect((await look(dispatcher)).json().viewers).toEqual([{ name: 'Test dispatcher' }]);

    await t.faro.app.inject({
      method: 'DELETE',
      url: `/api/incidents/${incidentId}/presence`,
      headers: colleague.headers,
    });
    expect((await look(dispatcher)).json().viewers).toEqual([]);
    const missing = await t.faro.app.inject({
      method: 'POST',
      url: '/api/incidents/00000000-0000-4000-8000-000000000000/presence',
      headers: dispatcher.headers,
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('the coalition’s grouping policy', () => {
  it('is changed by an admin and applies to reports grouped from then on', async () => {
    const admin = await staffSession(t.faro.database, 'coalition_admin');
    const put = (body: object) =>
      t.faro.app.inject({ method: 'PUT', url: '/api/admin/grouping', headers: admin.headers, payload: body });
    const before = (await t.faro.app.inject({ url: '/api/admin/grouping', headers: admin.headers })).json();
    expect(before).toMatchObject({ radiusKm: 1.5, windowMinutes: 60 });
    expect((await put({ radiusKm: -1 })).statusCode).toBe(400);
    expect(
      (
        await t.faro.app.inject({
          method: 'PUT',
          url: '/api/admin/grouping',
          headers: dispatcher.headers,
          payload: {},
        })
      ).statusCode,
    ).toBe(403);

    const at = newArea();
    const first = await report(at(0));
    expect((await put({ radiusKm: 6, windowMinutes: 90 })).json()).toMatchObject({
      radiusKm: 6,
      windowMinutes: 90,
    });
    const far = await report(at(4));
    expect(far.incidentId).toBe(first.incidentId);
    await put(before);
    const farther = await report(at(8));
    expect(farther.incidentId).not.toBe(first.incidentId);
  });
});
