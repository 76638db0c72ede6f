import { getResolution, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResponderState } from '../src/shared/dispatch.js';
import { client, expectStatus } from './support/client.js';
import { BOYLE_HEIGHTS, buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { incidentIdOf, onShiftResponder } from './support/state.js';

/**
 * What a responder is told of an incident: the zone and the activity with an offer; once they
 * accept, the cross streets as the reports gave them, what was reported (SALUTE) and a point to open
 * in a maps app — at a cell's precision, never a reported position. Nobody else gets these: not a
 * responder offered the same incident who has not accepted, not another responder.
 */
let t: TestFaro;
let dispatcher: StaffSession;

beforeAll(async () => {
  t = await startTestFaro();
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
});
afterAll(async () => t?.stop());

const stateOf = async (who: StaffSession) =>
  expectStatus(await client(t, who).get('/api/responder'), 200).body as ResponderState;

describe('the incident brief', () => {
  /** Two reports of one raid near Mariachi Plaza, a few meters apart, giving the place three ways. */
  const exact = [
    { lat: BOYLE_HEIGHTS.lat + 0.0003, lng: BOYLE_HEIGHTS.lng - 0.0002 },
    { lat: BOYLE_HEIGHTS.lat - 0.0002, lng: BOYLE_HEIGHTS.lng + 0.0001 },
    { lat: BOYLE_HEIGHTS.lat + 0.0001, lng: BOYLE_HEIGHTS.lng + 0.0002 },
  ];
  const places = ['1st St & Boyle Ave', '  1st st  &  boyle ave ', 'Mariachi Plaza, by the metro stairs'];
  let incidentId: string;
  let accepted: StaffSession;
  let offered: StaffSession;
  let other: StaffSession;

  beforeAll(async () => {
    let reportId = '';
    for (const [i, position] of exact.entries()) {
      const sent = await client(t).post(
        '/api/reports',
        buildReportInput({
          activity: 'raid',
          location: { ...position, place: places[i] },
          size: { agents: 4 + i * 4, vehicles: 2 },
          uniforms: ['ice'],
        }),
      );
      reportId = expectStatus(sent, 201).body.id;
    }
    await t.faro.grouper?.settle();
    incidentId = await incidentIdOf(t, reportId);
    [accepted, offered, other] = [
      await onShiftResponder(t),
      await onShiftResponder(t),
      await onShiftResponder(t),
    ];
    for (const who of [accepted, offered]) {
      const offer = await client(t, dispatcher).post(`/api/incidents/${incidentId}/assignments`, {
        responderId: who.userId,
      });
      expectStatus(offer, 201);
    }
  });

  /** Nothing of the place finer than the zone, nor what the reports said, in an answer. */
  function expectNoPlace(text: string) {
    for (const place of ['Boyle Ave', 'boyle ave', 'Mariachi Plaza, by', 'metro stairs'])
      expect(text).not.toContain(place);
    expect(text).not.toMatch(/"lat"|"lng"|"point":\{|"places"|geo:/);
  }

  it('gives an offer not yet answered the zone and activity only', async () => {
    const mine = await stateOf(accepted);
    const [assignment] = mine.assignments;
    expect(assignment).toMatchObject({
      state: 'offered',
      brief: null,
      incident: { id: incidentId, activity: 'raid', zone: { name: 'Boyle Heights' } },
    });
    expectNoPlace(JSON.stringify(mine));
  });

  it('tells the responder who accepted the places as reported, the SALUTE and a cell’s point', async () => {
    const assignmentId = (await stateOf(accepted)).assignments[0]?.id;
    const accept = await client(t, accepted).post(`/api/responder/assignments/${assignmentId}`, {
      action: 'accept',
    });
    expectStatus(accept, 200);
    const [assignment] = (await stateOf(accepted)).assignments;
    const brief = assignment?.brief;
    // The same words typed twice are one place, given most often first, in the reporter's own words.
    expect(brief?.places).toEqual(['1st St & Boyle Ave', 'Mariachi Plaza, by the metro stairs']);
    expect(brief?.salute).toMatchObject({
      agents: { min: 4, max: 12, median: 8 },
      vehicles: { min: 2, max: 2 },
      activity: [{ value: 'raid', count: 3 }],
      uniforms: [{ value: 'ice', count: 3 }],
    });
    // The point is the center of a resolution-9 cell, not any reported position.
    const point = brief?.point;
    if (!point) throw new Error('no point in the brief');
    const cell = latLngToCell(point.lat, point.lng, 9);
    expect(getResolution(cell)).toBe(9);
    for (const position of exact) {
      expect(point).not.toEqual(position);
      expect(Math.abs(point.lat - position.lat) + Math.abs(point.lng - position.lng)).toBeGreaterThan(1e-6);
    }
    // On the way and on scene it stays.
    for (const action of ['en_route', 'on_scene'] as const) {
      expectStatus(
        await client(t, accepted).post(`/api/responder/assignments/${assignmentId}`, { action }),
        200,
      );
      expect((await stateOf(accepted)).assignments[0]?.brief?.places).toHaveLength(2);
    }
  });

  it('gives none of it to a responder offered the same incident who has not accepted, nor to another', async () => {
    const colleague = await stateOf(offered);
    expect(colleague.assignments).toMatchObject([
      { incident: { id: incidentId }, state: 'offered', brief: null },
    ]);
    expectNoPlace(JSON.stringify(colleague));
    // The point the accepted responder was given does not appear anywhere in their answers.
    const point = (await stateOf(accepted)).assignments[0]?.brief?.point;
    expect(JSON.stringify(colleague)).not.toContain(String(point?.lat));

    const stranger = await stateOf(other);
    expect(stranger.assignments).toEqual([]);
    expectNoPlace(JSON.stringify(stranger));
    // Nor through the actions that answer with a responder's state.
    const shared = await client(t, other).put('/api/responder/location', BOYLE_HEIGHTS);
    expectNoPlace(expectStatus(shared, 200).text);
  });
});
