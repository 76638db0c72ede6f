import type { Database } from '../../src/server/db/database.js';
import type { AuditAction, AuditPageEntry } from '../../src/shared/admin.js';
import type { ResponderState } from '../../src/shared/dispatch.js';
import type { IncidentSummary } from '../../src/shared/incident.js';
import { PERMISSIONS } from '../../src/shared/permissions.js';
import type { Role } from '../../src/shared/roles.js';
import { client, expectStatus } from './client.js';
import { buildReportInput } from './factories.js';
import type { TestFaro } from './faro.js';
import { createPerson } from './people.js';
import { type StaffSession, sessionFor, staffSession } from './sessions.js';

/*
 * Named reads of Faro's state, for tests to check what a person would see rather than which
 * rows exist. Through the API or a service where one answers; through SQL, behind a name, only
 * where nothing else can (the job queue's tables, how many reports were stored at all).
 */

type Faro = Pick<TestFaro, 'faro' | 'now'>;

/** A client of `t`'s API as the demo account of `role`, on `t`'s clock. */
export async function as(t: Faro, role: Role) {
  return client(t, await staffSession(t.faro.database, role, t.now));
}

/** A report as staff allowed everything would read it: its incident, zone, callback number. */
export async function reportOf(t: Pick<TestFaro, 'faro'>, reportId: string) {
  const coalition = await t.faro.services.coalitions.current();
  return t.faro.services.reports.detail(coalition.id, reportId, PERMISSIONS);
}

/**
 * The reports made from one message of the SMS provider, as staff read them. The provider's
 * message id is kept only in storage (no API names it), so it is looked up there, then read
 * through the report service.
 */
export async function reportsOfMessage(t: Pick<TestFaro, 'faro'>, messageSid: string) {
  const { rows } = await t.faro.database.pool.query<{ id: string }>(
    'select id from reports where source_ref = $1 order by received_at, id',
    [messageSid],
  );
  return Promise.all(rows.map(async (row) => (await reportOf(t, row.id)).report));
}

/** The incident a report was grouped into (run `t.faro.grouper?.settle()` first). */
export async function incidentIdOf(t: Pick<TestFaro, 'faro'>, reportId: string): Promise<string> {
  const incidentId = (await reportOf(t, reportId)).report.incidentId;
  if (!incidentId) throw new Error(`report ${reportId} is in no incident yet`);
  return incidentId;
}

/** The incident a report was grouped into, as the board shows it: its number, zone, status. */
export async function incidentOfReport(t: Faro, reportId: string): Promise<IncidentSummary> {
  const id = await incidentIdOf(t, reportId);
  const detail = expectStatus(await (await as(t, 'dispatcher')).get(`/api/incidents/${id}`), 200);
  return detail.body.incident as IncidentSummary;
}

/** The id of a member organization, by its slug (the demo's first is 'eastside-rrn'). */
export async function organizationId(t: Faro, slug = 'eastside-rrn'): Promise<string> {
  const reply = expectStatus(await (await as(t, 'coalition_admin')).get('/api/admin/organizations'), 200);
  const found = (reply.body.organizations as { id: string; slug: string }[]).find((o) => o.slug === slug);
  if (!found) throw new Error(`no organization ${slug}`);
  return found.id;
}

/** A person as a coalition admin sees them: disabled or not, their roles in each organization. */
export async function personOf(t: Faro, userId: string) {
  const reply = expectStatus(await (await as(t, 'coalition_admin')).get('/api/admin/people'), 200);
  const person = (
    reply.body.people as {
      id: string;
      disabled: boolean;
      memberships: { organizationId: string; role: Role }[];
    }[]
  ).find((p) => p.id === userId);
  if (!person) throw new Error(`no person ${userId}`);
  return person;
}

/** The audit log as a coalition admin reads it, newest first, narrowed to an action or actor. */
export async function auditEntries(
  t: Faro,
  filter: { action?: AuditAction; actorId?: string } = {},
): Promise<AuditPageEntry[]> {
  const query = new URLSearchParams({ limit: '500', ...filter }).toString();
  const reply = expectStatus(await (await as(t, 'coalition_admin')).get(`/api/admin/audit?${query}`), 200);
  return reply.body.entries as AuditPageEntry[];
}

/**
 * How many reports are stored, whatever their incident: what a refused or duplicate message must
 * not change. (No API counts them all: the board lists incidents.)
 */
export async function storedReports(t: Pick<TestFaro, 'faro'>): Promise<number> {
  const { rows } = await t.faro.database.pool.query<{ n: number }>('select count(*)::int as n from reports');
  return rows[0]?.n ?? 0;
}

/** The jobs of one queue in pg-boss's table, in any state, oldest first: what was enqueued, and with what. */
export async function jobsOf(
  database: Database,
  name: string,
): Promise<{ id: string; state: string; data: unknown }[]> {
  const { rows } = await database.pool.query<{ id: string; state: string; data: unknown }>(
    'select id, state, data from pgboss.job where name = $1 order by created_on, id',
    [name],
  );
  return rows;
}

/** The state of one job in pg-boss's table ('created', 'active', 'completed' …). */
export async function jobState(database: Database, id: string): Promise<string | undefined> {
  const { rows } = await database.pool.query<{ state: string }>(
    'select state from pgboss.job where id = $1',
    [id],
  );
  return rows[0]?.state;
}

/** The recurring jobs pg-boss is asked to run, with their cron expressions. */
export async function schedules(database: Database): Promise<{ name: string; cron: string }[]> {
  const { rows } = await database.pool.query<{ name: string; cron: string }>(
    'select name, cron from pgboss.schedule',
  );
  return rows;
}

/** A new responder who has just gone on shift for four hours (the app's own request), as a session. */
export async function onShiftResponder(t: Faro): Promise<StaffSession> {
  const person = await createPerson(t.faro.database, t.faro.box, { role: 'responder' });
  const session = await sessionFor(t.faro.database, person.id);
  expectStatus(await client(t, session).post('/api/responder/shift', { hours: 4 }), 200);
  return session;
}

/**
 * An incident (one raid report) and a responder on shift who has accepted it: someone out on an
 * incident, as the evidence tests need (offered by the demo dispatcher, accepted through the app).
 */
export async function responderOutOnIncident(
  t: Faro,
  /** Further steps taken on the assignment after accepting it (on the way, on scene). */
  then: readonly ('en_route' | 'on_scene')[] = [],
): Promise<{ incidentId: string; responder: StaffSession }> {
  const sent = expectStatus(
    await client(t).post('/api/reports', buildReportInput({ activity: 'raid' })),
    201,
  );
  await t.faro.grouper?.settle();
  const incidentId = await incidentIdOf(t, sent.body.id);
  const responder = await onShiftResponder(t);
  const dispatcher = await staffSession(t.faro.database, 'dispatcher');
  expectStatus(
    await client(t, dispatcher).post(`/api/incidents/${incidentId}/assignments`, {
      responderId: responder.userId,
    }),
    201,
  );
  const state = expectStatus(await client(t, responder).get('/api/responder'), 200).body as ResponderState;
  const assignment = `/api/responder/assignments/${state.assignments[0]?.id}`;
  for (const action of ['accept', ...then])
    expectStatus(await client(t, responder).post(assignment, { action }), 200);
  return { incidentId, responder };
}
