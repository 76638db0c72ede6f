import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { openSse, type SseMessage } from './support/sse.js';

/**
 * Two Faro instances on one database stand for two processes behind a load
 * balancer: a report posted to one must reach, as its incident, a board
 * connected to the other.
 * On PostgreSQL each instance has its own pool and LISTEN connection, so the
 * event really crosses connections through NOTIFY.
 */
let first: TestFaro;
let second: TestFaro;
let dispatcher: StaffSession;
/** A signed-in dispatcher's board stream. */
const board = (url: string, headers: Record<string, string> = {}) =>
  openSse(url, { ...dispatcher.headers, ...headers });

beforeAll(async () => {
  first = await startTestFaro({ listen: true });
  dispatcher = await staffSession(first.faro.database, 'dispatcher');
  second = await startTestFaro({
    listen: true,
    db:
      first.db.url === undefined
        ? first.db // PGlite is one process's embedded database: share the instance.
        : await (async () => {
            const { openDatabase } = await import('../src/server/db/database.js');
            const database = await openDatabase({
              kind: 'postgres',
              url: first.db.url as string,
              poolSize: 3,
            });
            return { database, url: first.db.url, drop: async () => undefined };
          })(),
  });
});
afterAll(async () => {
  await second?.stop();
  if (second && second.db !== first?.db) await second.db.database.close();
  await first?.stop();
});

const postReport = (baseUrl: string, overrides = {}) =>
  fetch(`${baseUrl}/api/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(buildReportInput(overrides)),
  });

let area = 0;
/** A place 20 km from every other test's reports (outside every zone): its report opens an incident of its own. */
const somewhereNew = () => {
  area += 1;
  return { location: { lat: 34.5 + area * 0.2, lng: -117.0 } };
};

/** The incident a report was grouped into (grouping runs to the end first; either instance may do it). */
async function incidentOf(response: Response): Promise<string> {
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  await first.faro.grouper?.settle();
  const read = await fetch(`${first.baseUrl}/api/reports/${id}`, { headers: dispatcher.headers });
  const { report } = (await read.json()) as { report: { incidentId: string | null } };
  expect(report.incidentId).toBeTruthy();
  return report.incidentId as string;
}

const changed = (incidentId: string) => (m: SseMessage) =>
  m.event === 'incident.updated' && m.data.includes(`"id":"${incidentId}"`);

describe('GET /api/events', () => {
  it('shows a new report to a board connected to another instance, as its incident', async () => {
    const stream = await board(`${second.baseUrl}/api/events`);
    try {
      expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
      await stream.waitFor((m) => m.event === 'ready');
      const exact = { lat: 34.047183, lng: -118.219547 };
      const description = `seen from the bus stop ${Date.now()}`;
      const incidentId = await incidentOf(
        await postReport(first.baseUrl, { activity: 'raid', description, location: exact }),
      );
      const message = await stream.waitFor(changed(incidentId));
      const event = JSON.parse(message.data);
      expect(event.incident).toMatchObject({
        id: incidentId,
        activity: 'raid',
        zone: { name: 'Boyle Heights' },
      });
      expect(event.incident.reportCount).toBeGreaterThanOrEqual(1);
      expect(Number(message.id)).toBeGreaterThan(0);
      // Neither the exact position nor the reporter's words travel to the board.
      expect(message.data).not.toContain(String(exact.lat));
      expect(message.data).not.toContain(description);
      // The report itself is never sent: it was announced before its incident, and the stream keeps that order.
      expect([...new Set(stream.messages.map((m) => m.event))]).toEqual(['ready', 'incident.updated']);
    } finally {
      await stream.close();
    }
  });

  it('replays what a board missed while disconnected, from Last-Event-ID', async () => {
    const stream = await board(`${first.baseUrl}/api/events`);
    await stream.waitFor((m) => m.event === 'ready');
    const seen = await incidentOf(await postReport(first.baseUrl, somewhereNew()));
    const lastEvent = await stream.waitFor(changed(seen));
    await stream.close();

    const missed: string[] = [];
    for (let i = 0; i < 3; i++)
      missed.push(await incidentOf(await postReport(first.baseUrl, somewhereNew())));

    const resumed = await board(`${second.baseUrl}/api/events`, { 'last-event-id': lastEvent.id ?? '' });
    try {
      for (const incidentId of missed) await resumed.waitFor(changed(incidentId));
      expect(resumed.messages.some(changed(seen))).toBe(false);
      for (const message of resumed.messages.filter((m) => m.id !== undefined))
        expect(Number(message.id)).toBeGreaterThan(Number(lastEvent.id));
    } finally {
      await resumed.close();
    }
  });

  it('lets a new board resume from the list it read (?since), so nothing falls between list and stream', async () => {
    const list = (await (
      await fetch(`${first.baseUrl}/api/incidents`, { headers: dispatcher.headers })
    ).json()) as { lastEventId: number };
    expect(list.lastEventId).toBeGreaterThan(0);
    const between = await incidentOf(await postReport(first.baseUrl, somewhereNew()));
    const stream = await board(`${second.baseUrl}/api/events?since=${list.lastEventId}`);
    try {
      await stream.waitFor(changed(between));
    } finally {
      await stream.close();
    }
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'catches up on events sent while its LISTEN connection was down',
    async () => {
      const stream = await board(`${second.baseUrl}/api/events`);
      try {
        await stream.waitFor((m) => m.event === 'ready');
        // Cut every LISTEN connection of this test database, as a database restart or a network blip would.
        await first.faro.database.pool.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
           where application_name = 'faro-listen' and datname = current_database()`,
        );
        const during = await incidentOf(await postReport(first.baseUrl, somewhereNew()));
        await stream.waitFor(changed(during), 5_000);
      } finally {
        await stream.close();
      }
    },
  );

  it('announces nothing for a report that was rejected', async () => {
    const stream = await board(`${first.baseUrl}/api/events`);
    try {
      await stream.waitFor((m) => m.event === 'ready');
      const rejected = await postReport(first.baseUrl, {
        location: { zoneId: '00000000-0000-4000-8000-000000000000' },
      });
      expect(rejected.status).toBe(400);
      await stream.waitFor(changed(await incidentOf(await postReport(first.baseUrl, somewhereNew()))));
      // Delivery is at least once (a catch-up may resend an older change, which the board de-duplicates),
      // but nothing ever announces what was not stored.
      for (const message of stream.messages.filter((m) => m.event === 'incident.updated')) {
        const { id } = JSON.parse(message.data).incident as { id: string };
        const read = await fetch(`${first.baseUrl}/api/incidents/${id}`, { headers: dispatcher.headers });
        expect(read.status).toBe(200);
      }
    } finally {
      await stream.close();
    }
  });

  it('is for signed-in dispatchers only', async () => {
    await expect(openSse(`${first.baseUrl}/api/events`)).rejects.toThrow(/401/);
    const responder = await staffSession(first.faro.database, 'responder');
    await expect(openSse(`${first.baseUrl}/api/events`, responder.headers)).rejects.toThrow(/403/);
  });

  it('ends open streams when the server shuts down, so shutdown is not held open', async () => {
    const extra = await startTestFaro({ listen: true });
    const stream = await openSse(
      `${extra.baseUrl}/api/events`,
      (await staffSession(extra.faro.database, 'dispatcher')).headers,
    );
    await stream.waitFor((m) => m.event === 'ready');
    const started = Date.now();
    await extra.stop();
    await stream.closed;
    expect(stream.ended).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
