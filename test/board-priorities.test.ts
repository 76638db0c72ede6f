import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SuggestionList } from '../src/shared/dispatch.js';
import { client, expectStatus } from './support/client.js';
import { BOYLE_HEIGHTS, buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { incidentIdOf, incidentOfReport, onShiftResponder } from './support/state.js';

/**
 * Issue 14, what the board needs to say what matters first: each incident's
 * size on the list (a 15-agent raid must not look like any other row), and
 * who is on shift — the board said "Nobody is on shift" while a responder was
 * on shift but busy, since the suggestions leave out whoever was already
 * asked and the list was all the board had.
 */
let t: TestFaro;
let dispatcher: StaffSession;

beforeAll(async () => {
  t = await startTestFaro();
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
});
afterAll(async () => t?.stop());

/** A point `km` east of Boyle Heights (tests far apart never group into one incident). */
const east = (km: number) => ({
  lat: BOYLE_HEIGHTS.lat,
  lng: BOYLE_HEIGHTS.lng + km / (111.32 * Math.cos((BOYLE_HEIGHTS.lat * Math.PI) / 180)),
});

/** A report of a raid `km` east of Boyle Heights, grouped; its id. */
async function reportAt(km: number, size: { agents?: number; vehicles?: number } = {}): Promise<string> {
  const sent = expectStatus(
    await client(t).post('/api/reports', buildReportInput({ location: east(km), activity: 'raid', size })),
    201,
  );
  await t.faro.grouper?.settle();
  return sent.body.id;
}

const incidentAt = async (km: number) => incidentIdOf(t, await reportAt(km));

const suggestionsFor = async (incidentId: string): Promise<SuggestionList> =>
  expectStatus(await client(t, dispatcher).get(`/api/incidents/${incidentId}/suggestions`), 200).body;

describe('issue 14: who is on shift, and who of them is free', () => {
  it('counts a responder busy with this very incident as on shift, though no longer suggested for it', async () => {
    const incident = await incidentAt(0);
    const other = await incidentAt(20);
    expect((await suggestionsFor(incident)).onShift).toEqual({ total: 0, busy: 0 });

    const first = await onShiftResponder(t);
    expect((await suggestionsFor(incident)).onShift).toEqual({ total: 1, busy: 0 });

    // Offered this incident: not suggested again, but still on shift — and busy.
    expectStatus(
      await client(t, dispatcher).post(`/api/incidents/${incident}/assignments`, {
        responderId: first.userId,
      }),
      201,
    );
    const after = await suggestionsFor(incident);
    expect(after.suggestions).toEqual([]);
    expect(after.onShift).toEqual({ total: 1, busy: 1 });

    // A second responder, free; then sent elsewhere: both busy.
    const second = await onShiftResponder(t);
    expect((await suggestionsFor(incident)).onShift).toEqual({ total: 2, busy: 1 });
    expectStatus(
      await client(t, dispatcher).post(`/api/incidents/${other}/assignments`, { responderId: second.userId }),
      201,
    );
    expect((await suggestionsFor(incident)).onShift).toEqual({ total: 2, busy: 2 });

    // Declining frees them; ending the shift takes them off it.
    const offer = (
      expectStatus(await client(t, second).get('/api/responder'), 200).body as {
        assignments: { id: string; incidentId: string }[];
      }
    ).assignments.find((a) => a.incidentId === other);
    expectStatus(
      await client(t, second).post(`/api/responder/assignments/${offer?.id}`, { action: 'decline' }),
      200,
    );
    expect((await suggestionsFor(incident)).onShift).toEqual({ total: 2, busy: 1 });
    expectStatus(await client(t, second).post('/api/responder/shift/end'), 200);
    expect((await suggestionsFor(incident)).onShift).toEqual({ total: 1, busy: 1 });
  });
});

describe('issue 14: an incident’s size on the board', () => {
  it('gives each incident the median agents and vehicles its reports counted, live and in the list', async () => {
    const first = await reportAt(40, { agents: 15 });
    expect(await incidentOfReport(t, first)).toMatchObject({ agents: 15, vehicles: null });
    // One caller saw 3, another 20: the median, not the loudest.
    await reportAt(40, { agents: 3, vehicles: 2 });
    const last = await reportAt(40, { agents: 20, vehicles: 5 });
    const incident = await incidentOfReport(t, last);
    expect(incident).toMatchObject({ reportCount: 3, agents: 15, vehicles: 4 });
    const list = expectStatus(await client(t, dispatcher).get('/api/incidents?status=open'), 200).body as {
      incidents: { id: string; agents: number | null; vehicles: number | null }[];
    };
    expect(list.incidents.find((i) => i.id === incident.id)).toMatchObject({ agents: 15, vehicles: 4 });
    // Nobody counted: unknown, not zero.
    expect(await incidentOfReport(t, await reportAt(60))).toMatchObject({
      agents: null,
      vehicles: null,
    });
  });
});
