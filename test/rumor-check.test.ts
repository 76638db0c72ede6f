import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertView } from '../src/shared/alert.js';
import type { IncidentSummary } from '../src/shared/incident.js';
import { buildReportInput, OUTSIDE_ZONES } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';

/**
 * The rumor check is one command: the incident's rumor_false template drafted
 * and submitted for approval in one transaction (issue 13 item 7). It answers
 * a hostile or mistaken caller with a clear refusal and writes nothing —
 * never a draft left behind by a step that failed half-way.
 */
let t: TestFaro;
let dispatcher: StaffSession;
let approver: StaffSession;
let admin: StaffSession;
let zones: { id: string; name: string }[];

beforeAll(async () => {
  t = await startTestFaro();
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
  admin = await staffSession(t.faro.database, 'coalition_admin');
  zones = (await t.faro.app.inject({ url: '/api/zones' })).json().zones;
});
afterAll(async () => t?.stop());

const call = (who: StaffSession | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  t.faro.app.inject({ method, url, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });
const zone = (name: string) => zones.find((z) => z.name === name)?.id ?? '';
const rumorCheck = (who: StaffSession | null, payload: unknown) =>
  call(who, 'POST', '/api/manage/alerts/rumor-check', payload);

/** A report where asked, grouped; its incident as the board lists it, given the verdict asked for. */
async function incident(
  where: { zoneName: string } | 'nowhere',
  status: IncidentSummary['status'] = 'not_confirmed',
): Promise<IncidentSummary> {
  const location =
    where === 'nowhere' ? { ...OUTSIDE_ZONES, place: 'Out at sea' } : { zoneId: zone(where.zoneName) };
  const sent = await call(null, 'POST', '/api/reports', buildReportInput({ location }));
  expect(sent.statusCode, sent.body).toBe(201);
  await t.faro.grouper?.settle();
  const board = (await call(dispatcher, 'GET', '/api/incidents')).json().incidents as IncidentSummary[];
  const found = board.find((i) =>
    where === 'nowhere' ? i.zone === null : i.zone?.name === where.zoneName && i.status === 'open',
  );
  if (!found) throw new Error('the report formed no incident');
  if (status !== 'open') {
    const set = await call(dispatcher, 'POST', `/api/incidents/${found.id}/status`, { status });
    expect(set.statusCode, set.body).toBe(200);
  }
  return { ...found, status };
}

/** Every alert about the incident, and every audit row about those alerts. */
async function writtenFor(incidentId: string) {
  const alerts = ((await call(dispatcher, 'GET', '/api/manage/alerts')).json().alerts as AlertView[]).filter(
    (a) => a.incidentId === incidentId,
  );
  const audit = (await call(admin, 'GET', '/api/admin/audit?limit=500')).json().entries as {
    action: string;
    actorId: string;
    subjectId: string;
  }[];
  const ids = new Set(alerts.map((a) => a.id));
  return { alerts, audit: audit.filter((e) => ids.has(e.subjectId)).reverse() };
}

/** How many alerts and alert audit rows there are in all. */
async function totals() {
  const alerts = (await call(dispatcher, 'GET', '/api/manage/alerts')).json().alerts as AlertView[];
  const audit = (await call(admin, 'GET', '/api/admin/audit?limit=500')).json().entries as {
    action: string;
  }[];
  return { alerts: alerts.length, audit: audit.filter((e) => e.action.startsWith('alert.')).length };
}

describe('the rumor check, one command', () => {
  it('drafts the incident’s rumor check and submits it for approval in one request, audited as both steps', async () => {
    const rumor = await incident({ zoneName: 'Koreatown' });
    const response = await rumorCheck(dispatcher, { incidentId: rumor.id });
    expect(response.statusCode, response.body).toBe(201);
    const alert = response.json() as AlertView;
    expect(alert).toMatchObject({
      kind: 'rumor_false',
      capStatus: 'Actual',
      state: 'submitted',
      incidentId: rumor.id,
      zones: [{ id: zone('Koreatown'), name: 'Koreatown' }],
      findings: [],
    });
    expect(alert.content.en.headline).toBe('Rumor checked, not confirmed: Koreatown');
    expect(alert.content.es.headline).toMatch(/Koreatown/);
    expect(alert.contentHash).toMatch(/^[0-9a-f]{64}$/);

    const { alerts, audit } = await writtenFor(rumor.id);
    expect(alerts.map((a) => a.id)).toEqual([alert.id]);
    expect(audit.map((e) => [e.action, e.actorId])).toEqual([
      ['alert.drafted', dispatcher.userId],
      ['alert.submitted', dispatcher.userId],
    ]);
    // The two-person rule holds as for any alert: another person approves exactly what was submitted.
    const approved = await call(approver, 'POST', `/api/manage/alerts/${alert.id}/approve`, {
      contentHash: alert.contentHash,
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().state).toBe('published');
  });

  it('refuses anyone who may not write alerts, before writing anything', async () => {
    const rumor = await incident({ zoneName: 'Highland Park' });
    const before = await totals();
    for (const role of ['approver', 'operator', 'responder', 'coalition_admin', 'legal'] as const) {
      const refused = await rumorCheck(await staffSession(t.faro.database, role), { incidentId: rumor.id });
      expect(refused.statusCode, role).toBe(403);
      expect(refused.json().error.code, role).toBe('FORBIDDEN');
    }
    const anonymous = await rumorCheck(null, { incidentId: rumor.id });
    expect(anonymous.statusCode).toBe(401);
    expect(await totals()).toEqual(before);
  });

  it('does not know an incident of another coalition, or none at all', async () => {
    const foreign = await incident({ zoneName: 'Lincoln Heights' });
    // Another coalition on the same database, and the incident made one of its own.
    await t.faro.database.pool.query(
      `with other as (insert into coalitions (name, slug) values ('Elsewhere', 'elsewhere') returning id)
       update incidents set coalition_id = (select id from other) where id = $1`,
      [foreign.id],
    );
    const before = await totals();
    for (const incidentId of [foreign.id, '00000000-0000-4000-8000-000000000000']) {
      const refused = await rumorCheck(dispatcher, { incidentId });
      expect(refused.statusCode, incidentId).toBe(404);
      expect(refused.json().error.code).toBe('NOT_FOUND');
    }
    expect(await totals()).toEqual(before);
  });

  it('says which field is wrong in bad input', async () => {
    const before = await totals();
    for (const payload of [{}, { incidentId: 'not-an-id' }, { incidentId: 42 }]) {
      const refused = await rumorCheck(dispatcher, payload);
      expect(refused.statusCode, JSON.stringify(payload)).toBe(400);
      expect(refused.json().error.code).toBe('VALIDATION');
      expect(refused.json().error.details.fields.map((f: { field: string }) => f.field)).toEqual([
        'incidentId',
      ]);
    }
    expect(await totals()).toEqual(before);
  });

  it('refuses an incident whose verdict is not “not confirmed” (it changed since the board showed it)', async () => {
    for (const [zoneName, status] of [
      ['El Sereno', 'open'],
      ['Pico-Union', 'confirmed'],
    ] as const) {
      const other = await incident({ zoneName }, status);
      const refused = await rumorCheck(dispatcher, { incidentId: other.id });
      expect(refused.statusCode, status).toBe(409);
      expect(refused.json().error).toMatchObject({
        code: 'INVALID_TRANSITION',
        details: { reason: 'rumor_check_verdict', status },
      });
      expect((await writtenFor(other.id)).alerts).toEqual([]);
    }
  });

  it('leaves no draft behind when the publishing guard refuses the submission', async () => {
    const rumor = await incident({ zoneName: 'Van Nuys' });
    const rename = (name: string) => call(admin, 'PATCH', `/api/admin/zones/${zone('Van Nuys')}`, { name });
    // A zone named with a street address: the template's texts carry it, and the guard must stop it.
    expect((await rename('Van Nuys, 14410 Sylvan St')).statusCode).toBe(204);
    try {
      const before = await totals();
      const refused = await rumorCheck(dispatcher, { incidentId: rumor.id });
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json().error.code).toBe('BLOCKED_BY_GUARD');
      expect(refused.json().error.details.findings).toContainEqual(
        expect.objectContaining({ field: 'zone', zoneId: zone('Van Nuys'), kind: 'address' }),
      );
      // Before, the draft was written by its own request and stayed behind when submission failed.
      expect(await totals()).toEqual(before);
      expect((await writtenFor(rumor.id)).alerts).toEqual([]);
    } finally {
      await rename('Van Nuys');
    }
    // With the zone's name fixed, the same command goes through.
    expect((await rumorCheck(dispatcher, { incidentId: rumor.id })).statusCode).toBe(201);
  });

  it('refuses an incident with no zone as the composer would, naming the zones', async () => {
    const nowhere = await incident('nowhere');
    const before = await totals();
    const refused = await rumorCheck(dispatcher, { incidentId: nowhere.id });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().error.code).toBe('VALIDATION');
    expect(refused.json().error.details.fields).toEqual([expect.objectContaining({ field: 'zoneIds' })]);
    expect(await totals()).toEqual(before);
  });
});
