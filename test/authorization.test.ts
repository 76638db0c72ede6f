import { once } from 'node:events';
import net from 'node:net';
import { inArray } from 'drizzle-orm';
import Fastify from 'fastify';
import { getResolution } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizations } from '../src/server/db/schema.js';
import { type Access, type RouteAccess, registerAuth } from '../src/server/http/auth.js';
import type { SessionService } from '../src/server/modules/access/sessions.service.js';
import { grantMembership } from '../src/server/modules/access/users.repo.js';
import { PUBLIC_CELL_RESOLUTION } from '../src/server/modules/zones/geo.js';
import { ROLES, type Role } from '../src/shared/access.js';
import { can, type Permission } from '../src/shared/permissions.js';
import { BOYLE_HEIGHTS, buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';
import { incidentIdOf } from './support/state.js';

/**
 * The authorization matrix: every /api route (read from the app's own route
 * table, so a new route is covered the day it is added) × every role plus
 * anonymous → allowed or refused, as its access rule says.
 */
let t: TestFaro;
beforeAll(async () => {
  t = await startTestFaro({ listen: true });
});
afterAll(async () => t?.stop());

type Caller = Role | 'anonymous';
const CALLERS: Caller[] = ['anonymous', ...ROLES];

function expected(access: Access, caller: Caller): 'allow' | 401 | 403 {
  if (access === 'public') return 'allow';
  if (caller === 'anonymous') return 401;
  if (access === 'session' || access === 'signed-in') return 'allow';
  return can([caller], access as Permission) ? 'allow' : 403;
}

const concrete = (url: string) =>
  url.replace(':id', '00000000-0000-4000-8000-000000000000').replace(':code', 'ZZZZ-ZZZZ');

async function call(route: RouteAccess, caller: Caller): Promise<number> {
  // A fresh session per call: some routes (sign-out) end the session they are called with.
  const headers: Record<string, string> =
    caller === 'anonymous' ? {} : { ...(await staffSession(t.faro.database, caller)).headers };
  const controller = new AbortController();
  const response = await fetch(`${t.baseUrl}${concrete(route.url)}`, {
    method: route.method,
    headers: { ...headers, ...(route.method === 'GET' ? {} : { 'content-type': 'application/json' }) },
    body: route.method === 'GET' ? null : '{}',
    signal: controller.signal,
  });
  controller.abort(); // a live stream answers with its status first; nothing more is needed
  return response.status;
}

describe('authorization matrix', () => {
  it('covers every /api route', () => {
    const urls = t.faro.routeAccess.map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual(
      expect.arrayContaining([
        'POST /api/reports',
        'POST /api/reports/photos',
        'POST /api/reports/receipt',
        'GET /api/reports/:id',
        'GET /api/events',
        'POST /api/admin/invitations',
        'POST /api/manage/alerts/rumor-check',
        'POST /api/plans',
        'POST /api/plans/open',
        'POST /api/plans/update',
        'POST /api/plans/deactivate',
        'POST /api/plans/activate',
        'GET /api/plans/legal-organizations',
        'POST /api/hotline/plans/activate',
        'POST /api/family-status',
        'GET /api/cases/:id/family-access',
        'POST /api/cases/:id/family-access',
        'POST /api/cases/:id/family-access/:contactId/revoke',
        'GET /api/admin/translations',
        'POST /api/admin/translations/:part/:language',
      ]),
    );
    expect(t.faro.routeAccess.length).toBeGreaterThan(20);
  });

  it('allows and refuses exactly as each route’s rule says, for every role and for anonymous', async () => {
    const wrong: string[] = [];
    for (const route of t.faro.routeAccess) {
      for (const caller of CALLERS) {
        const status = await call(route, caller);
        const want = expected(route.access, caller);
        const got = status === 401 || status === 403 ? status : 'allow';
        if (got !== want)
          wrong.push(`${route.method} ${route.url} as ${caller}: expected ${want}, got ${status}`);
      }
    }
    expect(wrong).toEqual([]);
    // Every route × every role and anonymous: a few seconds alone, more on a busy two-core machine
    // (the suite's other files running beside it; each route is more calls as routes are added).
  }, 300_000);

  it('issue 12 item 14: refuses every non-public route to an anonymous caller before reading the body', async () => {
    const wrong: string[] = [];
    for (const route of t.faro.routeAccess) {
      if (route.access === 'public' || route.method === 'GET') continue;
      const socket = net.connect(Number(new URL(t.baseUrl).port), '127.0.0.1');
      socket.on('error', () => undefined);
      await once(socket, 'connect');
      // A body announced as 3 MB, of which only the first bytes are sent.
      socket.write(
        `${route.method} ${concrete(route.url)} HTTP/1.1\r\nHost: localhost\r\n` +
          'Content-Type: application/json\r\nContent-Length: 3000000\r\n\r\n{"a":',
      );
      const [answer] = (await once(socket, 'data')) as [Buffer];
      socket.destroy();
      if (!String(answer).startsWith('HTTP/1.1 401')) wrong.push(`${route.method} ${route.url}`);
    }
    expect(wrong).toEqual([]);
  });

  it('locks the dispatch board and its live stream to dispatchers', () => {
    const rule = (method: string, url: string) =>
      t.faro.routeAccess.find((r) => r.method === method && r.url === url)?.access;
    expect(rule('GET', '/api/reports/:id')).toBe('reports:read');
    expect(rule('GET', '/api/events')).toBe('live:subscribe');
    expect(ROLES.filter((role) => can([role], 'reports:read'))).toEqual(['dispatcher']);
    expect(rule('POST', '/api/reports')).toBe('public');
  });

  it('issue 18: /metrics is not an /api route for sessions: without METRICS_TOKEN it does not exist on this port', async () => {
    // Its bearer token decides, compared in constant time; a caller without it is answered as if the
    // route did not exist (no token, a wrong one, one in the query string: metrics.test.ts).
    expect(t.faro.routeAccess.some((r) => r.url === '/metrics')).toBe(false);
    expect(t.faro.app.hasRoute({ method: 'GET', url: '/metrics' })).toBe(false);
    expect((await fetch(`${t.baseUrl}/metrics`)).status).toBe(404);
  });

  it('issue 15: gates an evidence photo’s working copy as the item’s facts (the service then answers 404 to whoever may not know the item)', () => {
    const rule = (method: string, url: string) =>
      t.faro.routeAccess.find((r) => r.method === method && r.url === url)?.access;
    expect(rule('GET', '/api/evidence/:id/working-copy')).toBe('signed-in');
    expect(rule('GET', '/api/evidence/:id/working-copy')).toBe(rule('GET', '/api/evidence/:id'));
    // The per-person rows (legal, dispatcher, recorder, other responder, anonymous): evidence-photo.test.ts.
  });

  it('issue 16: opens the case list, search and opening to the legal team only; a case’s own routes to anyone signed in, whom the service answers 404 unless they may know the case', () => {
    const cases = t.faro.routeAccess.filter((r) => r.url.startsWith('/api/cases'));
    const rules = Object.fromEntries(cases.map((r) => [`${r.method} ${r.url}`, r.access]));
    for (const url of ['/api/cases', '/api/cases/export.csv', '/api/cases/team', '/api/cases/referrals'])
      expect(rules[`GET ${url}`], url).toBe('cases:work');
    expect(rules['POST /api/cases']).toBe('cases:work');
    expect(rules['POST /api/cases/search']).toBe('cases:work');
    const perCase = cases.filter((r) => r.url.startsWith('/api/cases/:id'));
    expect(perCase.length).toBeGreaterThanOrEqual(14);
    for (const route of perCase) expect(route.access, `${route.method} ${route.url}`).toBe('signed-in');
    expect(ROLES.filter((role) => can([role], 'cases:work'))).toEqual(['legal']);
    // Who gets 404 on a case (dispatcher, other legal team, coalition admin), referral: cases.test.ts.
  });

  it('issue 16: a calendar’s address is the legal team’s to make and revoke; the feed is public (its secret address decides, rate-limited); a hearing’s change and a contact’s reminders are a case’s routes', () => {
    const rule = (method: string, url: string) =>
      t.faro.routeAccess.find((r) => r.method === method && r.url === url)?.access;
    for (const method of ['GET', 'POST', 'DELETE'])
      expect(rule(method, '/api/cases/calendar'), method).toBe('cases:work');
    expect(rule('GET', '/api/calendar/:file')).toBe('public');
    expect(rule('POST', '/api/cases/:id/hearings/:hearingId')).toBe('signed-in');
    expect(rule('POST', '/api/cases/:id/contacts/:contactId/reminders')).toBe('signed-in');
    // Wrong tokens, other teams and dispatchers: case-calendar.test.ts.
  });

  it('issue 16: a case’s documents are per-case routes (signed-in; the service answers 404 unless the person may know the case), never evidence routes', () => {
    const rules = Object.fromEntries(t.faro.routeAccess.map((r) => [`${r.method} ${r.url}`, r.access]));
    for (const route of [
      'GET /api/cases/:id/documents',
      'POST /api/cases/:id/documents',
      'GET /api/cases/:id/documents/:documentId',
      'DELETE /api/cases/:id/documents/:documentId',
    ])
      expect(rules[route], route).toBe('signed-in');
    // Who gets 404 (other legal team, dispatcher, coalition admin, another case), the referral, and
    // every /api/evidence route answering a document's id as an unknown one: case-documents.test.ts.
  });

  it('issue 16: a member’s plan routes are public (rate-limited, code and PIN decide); only the hotline activates for a caller', () => {
    const rule = (method: string, url: string) =>
      t.faro.routeAccess.find((r) => r.method === method && r.url === url)?.access;
    for (const url of [
      '/api/plans',
      '/api/plans/open',
      '/api/plans/update',
      '/api/plans/deactivate',
      '/api/plans/activate',
      '/api/plans/passkeys/options',
      '/api/plans/passkeys',
      '/api/plans/passkeys/remove',
      '/api/plans/passkey-challenge',
      '/api/plans/passkey-activate',
    ])
      expect(rule('POST', url), url).toBe('public');
    // The organizations a member may consent to (names only, as on the coalition's public pages).
    expect(rule('GET', '/api/plans/legal-organizations')).toBe('public');
    expect(rule('POST', '/api/hotline/plans/activate')).toBe('plans:activate');
    expect(ROLES.filter((role) => can([role], 'plans:activate'))).toEqual(['dispatcher', 'operator']);
    // What a caller without the code and PIN learns (nothing, not even whether the code exists): plans.test.ts.
  });

  it('issue 16: a family reads a case’s stage with its code and PIN (public, rate-limited); giving and revoking codes are a case’s own routes', () => {
    const route = (method: string, url: string) =>
      t.faro.routeAccess.find((r) => r.method === method && r.url === url);
    expect(route('POST', '/api/family-status')?.access).toBe('public');
    for (const [method, url] of [
      ['GET', '/api/cases/:id/family-access'],
      ['POST', '/api/cases/:id/family-access'],
      ['POST', '/api/cases/:id/family-access/:contactId/revoke'],
    ] as const)
      expect(route(method, url)?.access, `${method} ${url}`).toBe('signed-in');
    // Who may give a code (the holding team; 404 to anyone who may not know the case, 403 to
    // people it added), what a guesser learns (nothing), the back-off: family-status.test.ts.
  });

  it('issue 13 item 7: lets only those who write alerts run a rumor check, as its separate steps did', () => {
    const rule = (method: string, url: string) =>
      t.faro.routeAccess.find((r) => r.method === method && r.url === url)?.access;
    const command = rule('POST', '/api/manage/alerts/rumor-check');
    expect(command).toBe('alerts:compose');
    for (const step of ['/api/manage/alerts/template', '/api/manage/alerts', '/api/manage/alerts/:id/submit'])
      expect(rule('POST', step), step).toBe(command);
    expect(ROLES.filter((role) => can([role], 'alerts:compose'))).toEqual(['dispatcher']);
  });

  it('issue 14: lets only approvers count whom an alert would reach', () => {
    const rule = t.faro.routeAccess.find(
      (r) => r.method === 'GET' && r.url === '/api/manage/alerts/:id/recipients',
    )?.access;
    expect(rule).toBe('alerts:approve');
    expect(ROLES.filter((role) => can([role], 'alerts:approve'))).toEqual(['approver']);
  });

  it('issue 15: lets only the export for counsel take a plain form (its CSRF token a field), for the legal team only', () => {
    const forms = t.faro.routeAccess.filter((r) => r.formPost);
    expect(forms.map((r) => `${r.method} ${r.url} ${r.access}`)).toEqual([
      'POST /api/evidence/export evidence:legal',
    ]);
    expect(ROLES.filter((role) => can([role], 'evidence:legal'))).toEqual(['legal']);
  });

  it('keeps each person to their own records: nobody ends another person’s session', async () => {
    const alice = await staffSession(t.faro.database, 'dispatcher');
    const bob = await staffSession(t.faro.database, 'responder');
    const listed = await fetch(`${t.baseUrl}/api/account/sessions`, { headers: bob.headers });
    const bobsSessions = (await listed.json()) as { sessions: { id: string; current: boolean }[] };
    const bobsId = bobsSessions.sessions.find((s) => s.current)?.id;
    const attempt = await fetch(`${t.baseUrl}/api/account/sessions/${bobsId}/sign-out`, {
      method: 'POST',
      headers: alice.headers,
    });
    expect(attempt.status).toBe(404);
    expect((await fetch(`${t.baseUrl}/api/account/sessions`, { headers: bob.headers })).status).toBe(200);
  });

  it('shows a responder only the incidents they are assigned to, and no exact location of any other', async () => {
    const responder = await staffSession(t.faro.database, 'responder');
    const dispatcher = await staffSession(t.faro.database, 'dispatcher');
    const get = (url: string, headers: Record<string, string>) => fetch(`${t.baseUrl}${url}`, { headers });
    // The board, its reports (with their cross streets and positions) and any incident: refused.
    for (const url of [
      '/api/incidents',
      `/api/reports/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`,
      '/api/events',
      `/api/incidents/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`,
    ])
      expect((await get(url, responder.headers)).status, url).toBe(403);
    const report = await fetch(`${t.baseUrl}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        language: 'en',
        activity: 'patrol',
        location: { lat: 34.9, lng: -116.9, place: 'Behind the feed store' },
        observedAt: new Date().toISOString(),
        firsthand: true,
      }),
    });
    expect(report.status).toBe(201);
    await t.faro.grouper?.settle();
    const state = (await (await get('/api/responder', responder.headers)).json()) as {
      assignments: unknown[];
    };
    expect(state.assignments).toEqual([]);
    const all = JSON.stringify(state);
    expect(all).not.toContain('feed store');
    expect(all).not.toContain('34.9');
    // Its restricted detail is the dispatcher's.
    expect((await get('/api/incidents', dispatcher.headers)).status).toBe(200);
  });

  it('issue 12 item 8: shows an approver the alert’s incident only as its verdict and public facts', async () => {
    const approver = await staffSession(t.faro.database, 'approver');
    const dispatcher = await staffSession(t.faro.database, 'dispatcher');
    const as = (who: { headers: Record<string, string> }, method: string, url: string, body?: unknown) =>
      fetch(`${t.baseUrl}${url}`, {
        method,
        headers: { ...who.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : null,
      });
    const sent = await fetch(`${t.baseUrl}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        buildReportInput({
          markings: 'Vest reads Deputy Kowalczyk',
          location: { ...BOYLE_HEIGHTS, place: 'Behind the tire shop on 4th' },
          description: 'My neighbour Rosa was taken',
        }),
      ),
    });
    expect(sent.status).toBe(201);
    const reportId = ((await sent.json()) as { id: string }).id;
    await t.faro.grouper?.settle();
    const incidentId = await incidentIdOf(t, reportId);
    expect(
      (await as(dispatcher, 'POST', `/api/incidents/${incidentId}/status`, { status: 'confirmed' })).status,
    ).toBe(200);
    expect(
      (
        await as(dispatcher, 'POST', `/api/incidents/${incidentId}/messages`, {
          text: 'Ana is two blocks away',
        })
      ).status,
    ).toBe(200);
    const template = (await (
      await as(dispatcher, 'POST', '/api/manage/alerts/template', { kind: 'activity', incidentId })
    ).json()) as object;
    const draft = (await (
      await as(dispatcher, 'POST', '/api/manage/alerts', {
        kind: 'activity',
        capStatus: 'Actual',
        incidentId,
        ...template,
      })
    ).json()) as { id: string };
    expect((await as(dispatcher, 'POST', `/api/manage/alerts/${draft.id}/submit`)).status).toBe(200);

    // The board, the incident's reports and timeline, who was sent, the channel: not the approver's.
    for (const [method, url, status] of [
      ['GET', '/api/incidents', 403],
      ['GET', `/api/incidents/${incidentId}`, 403],
      ['GET', `/api/incidents/${incidentId}/assignments`, 403],
      ['POST', `/api/incidents/${incidentId}/presence`, 403],
      ['GET', `/api/reports/${reportId}`, 403],
      ['GET', `/api/incidents/${incidentId}/messages`, 404],
    ] as const)
      expect((await as(approver, method, url)).status, `${method} ${url}`).toBe(status);
    const written = await as(approver, 'POST', `/api/incidents/${incidentId}/messages`, { text: 'hello' });
    expect(written.status).toBe(404);

    // What they judge the alert by: the verdict and public facts, coarse and rounded.
    const facts = await as(approver, 'GET', `/api/manage/alerts/${draft.id}/incident`);
    expect(facts.status).toBe(200);
    const body = (await facts.json()) as { incident: Record<string, unknown> };
    expect(body.incident).toMatchObject({
      status: 'confirmed',
      zone: { name: 'Boyle Heights' },
      reportCount: 1,
    });
    expect(getResolution(String(body.incident.cell))).toBeLessThanOrEqual(PUBLIC_CELL_RESOLUTION);
    expect(new Date(String(body.incident.lastObservedAt)).getTime() % 300_000).toBe(0);
    const everything = JSON.stringify(body);
    for (const secret of ['Kowalczyk', 'tire shop', 'Rosa', 'Ana is', 'Demo responder', 'lat', 'lng'])
      expect(everything, secret).not.toContain(secret);
    // The dispatcher still has the whole incident.
    expect((await as(dispatcher, 'GET', `/api/incidents/${incidentId}`)).status).toBe(200);
    expect(ROLES.filter((role) => can([role], 'incidents:read'))).toEqual(['dispatcher']);
  });

  it('refuses to start with an /api route that has no access rule', async () => {
    const app = Fastify();
    await registerAuth(app, {
      sessions: {} as SessionService,
      secureCookie: false,
      absoluteHours: 1,
      publicUrl: 'http://localhost',
    });
    expect(() => app.get('/api/forgotten', async () => 'oops')).toThrow(/declares no access rule/);
    await app.close();
  });
});

describe('issue 12 item 6: an organization admin acts only within their organization, a coalition admin across it', () => {
  /** Two member organizations: A (the demo accounts' home) and B. */
  let orgA: string;
  let orgB: string;
  beforeAll(async () => {
    const rows = await t.faro.database.db
      .select({ id: organizations.id, slug: organizations.slug })
      .from(organizations)
      .where(inArray(organizations.slug, ['eastside-rrn', 'valley-defense']));
    orgA = rows.find((row) => row.slug === 'eastside-rrn')?.id ?? '';
    orgB = rows.find((row) => row.slug === 'valley-defense')?.id ?? '';
    expect(orgA && orgB).toBeTruthy();
  });

  const member = async (
    role: Role,
    organizationId: string,
    alsoIn?: { organizationId: string; role: Role },
  ) => {
    const person = await createPerson(t.faro.database, t.faro.box, { role, organizationId });
    if (alsoIn) await grantMembership(t.faro.database.db, person.id, alsoIn.organizationId, alsoIn.role);
    return person.id;
  };
  const send = async (actor: StaffSession, method: string, url: string, body?: unknown) => {
    const response = await fetch(`${t.baseUrl}${url}`, {
      method,
      headers: { ...actor.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
    });
    return response.status;
  };

  /** What each admin tries, and the status each must get. */
  const CASES: {
    what: string;
    attempt: (actor: StaffSession) => Promise<number>;
    organizationAdmin: number;
    coalitionAdmin: number;
  }[] = [
    {
      what: 'grant a role in their organization to one of its members',
      attempt: async (actor) =>
        send(actor, 'POST', `/api/admin/people/${await member('responder', orgA)}/roles`, {
          organizationId: orgA,
          role: 'operator',
        }),
      organizationAdmin: 200,
      coalitionAdmin: 200,
    },
    {
      what: 'grant a role in another organization',
      attempt: async (actor) =>
        send(actor, 'POST', `/api/admin/people/${await member('responder', orgA)}/roles`, {
          organizationId: orgB,
          role: 'dispatcher',
        }),
      organizationAdmin: 403,
      coalitionAdmin: 200,
    },
    {
      what: 'grant a role to someone of another organization only',
      attempt: async (actor) =>
        send(actor, 'POST', `/api/admin/people/${await member('responder', orgB)}/roles`, {
          organizationId: orgA,
          role: 'operator',
        }),
      organizationAdmin: 404,
      coalitionAdmin: 200,
    },
    {
      what: 'grant the coalition admin role',
      attempt: async (actor) =>
        send(actor, 'POST', `/api/admin/people/${await member('responder', orgA)}/roles`, {
          organizationId: orgA,
          role: 'coalition_admin',
        }),
      organizationAdmin: 403,
      coalitionAdmin: 200,
    },
    {
      what: 'make themselves dispatcher',
      attempt: (actor) =>
        send(actor, 'POST', `/api/admin/people/${actor.userId}/roles`, {
          organizationId: orgA,
          role: 'dispatcher',
        }),
      organizationAdmin: 403,
      coalitionAdmin: 403,
    },
    {
      what: 'disable a member of their organization',
      attempt: async (actor) =>
        send(actor, 'POST', `/api/admin/people/${await member('responder', orgA)}/disable`),
      organizationAdmin: 200,
      coalitionAdmin: 200,
    },
    {
      what: "disable another organization's admin",
      attempt: async (actor) =>
        send(actor, 'POST', `/api/admin/people/${await member('admin', orgB)}/disable`),
      organizationAdmin: 404,
      coalitionAdmin: 200,
    },
    {
      what: 'disable someone who also belongs to another organization',
      attempt: async (actor) =>
        send(
          actor,
          'POST',
          `/api/admin/people/${await member('responder', orgA, { organizationId: orgB, role: 'dispatcher' })}/disable`,
        ),
      organizationAdmin: 403,
      coalitionAdmin: 200,
    },
    {
      what: 'invite someone to their organization',
      attempt: (actor) =>
        send(actor, 'POST', '/api/admin/invitations', { organizationId: orgA, role: 'responder' }),
      organizationAdmin: 201,
      coalitionAdmin: 201,
    },
    {
      what: 'invite someone to another organization',
      attempt: (actor) =>
        send(actor, 'POST', '/api/admin/invitations', { organizationId: orgB, role: 'responder' }),
      organizationAdmin: 403,
      coalitionAdmin: 201,
    },
    {
      what: 'invite a coalition admin',
      attempt: (actor) =>
        send(actor, 'POST', '/api/admin/invitations', { organizationId: orgA, role: 'coalition_admin' }),
      organizationAdmin: 403,
      coalitionAdmin: 201,
    },
    {
      what: 'add a member organization',
      attempt: (actor) =>
        send(actor, 'POST', '/api/admin/organizations', {
          name: `Org ${Math.random().toString(36).slice(2)}`,
        }),
      organizationAdmin: 403,
      coalitionAdmin: 201,
    },
    {
      what: 'read coalition settings (grouping, publishing) and the audit log',
      attempt: async (actor) =>
        Math.max(
          ...(await Promise.all(
            ['/api/admin/grouping', '/api/admin/publishing', '/api/admin/audit', '/api/admin/retention'].map(
              (url) => send(actor, 'GET', url),
            ),
          )),
        ),
      organizationAdmin: 403,
      coalitionAdmin: 200,
    },
  ];

  it('gives each admin exactly the answers of the table', async () => {
    const organizationAdmin = await sessionFor(t.faro.database, await member('admin', orgA));
    const coalitionAdmin = await staffSession(t.faro.database, 'coalition_admin');
    const wrong: string[] = [];
    for (const c of CASES) {
      for (const [who, actor, want] of [
        ['organization admin', organizationAdmin, c.organizationAdmin],
        ['coalition admin', coalitionAdmin, c.coalitionAdmin],
      ] as const) {
        const got = await c.attempt(actor);
        if (got !== want) wrong.push(`${who} tried to ${c.what}: expected ${want}, got ${got}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('shows an organization admin only the people, roles, organizations and invitations of their organization', async () => {
    const organizationAdmin = await sessionFor(t.faro.database, await member('admin', orgA));
    const coalitionAdmin = await staffSession(t.faro.database, 'coalition_admin');
    const outsider = await member('dispatcher', orgB);
    const shared = await member('responder', orgA, { organizationId: orgB, role: 'approver' });
    await send(coalitionAdmin, 'POST', '/api/admin/invitations', { organizationId: orgB, role: 'legal' });
    // biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked field by field below.
    const read = async (actor: StaffSession, url: string): Promise<any> =>
      (await fetch(`${t.baseUrl}${url}`, { headers: actor.headers })).json();

    type PersonView = { id: string; canChangeAccount: boolean; memberships: { organizationId: string }[] };
    const people = (await read(organizationAdmin, '/api/admin/people')).people as PersonView[];
    expect(people.map((p) => p.id)).not.toContain(outsider);
    const sharedView = people.find((p) => p.id === shared);
    expect(sharedView?.memberships.map((m) => m.organizationId)).toEqual([orgA]);
    expect(sharedView?.canChangeAccount).toBe(false);
    const orgs = (await read(organizationAdmin, '/api/admin/organizations')).organizations as {
      id: string;
    }[];
    expect(orgs.map((o) => o.id)).toEqual([orgA]);
    const invitations = (await read(organizationAdmin, '/api/admin/invitations')).invitations as {
      organizationId: string;
    }[];
    expect(invitations.every((i) => i.organizationId === orgA)).toBe(true);

    const everyone = (await read(coalitionAdmin, '/api/admin/people')).people as PersonView[];
    expect(everyone.map((p) => p.id)).toEqual(expect.arrayContaining([outsider, shared]));
    expect(everyone.find((p) => p.id === shared)?.memberships).toHaveLength(2);
    expect((await read(coalitionAdmin, '/api/admin/organizations')).organizations.length).toBeGreaterThan(2);
  });
});
