import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { openSse } from './support/sse.js';

/**
 * Two Faro instances on one database stand for two processes behind a load
 * balancer: a report posted to one must reach a board connected to the other.
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

describe('GET /api/events', () => {
  it('delivers a new report, as the board shows it, to a board connected to another instance', async () => {
    const stream = await board(`${second.baseUrl}/api/events`);
    try {
      expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
      await stream.waitFor((m) => m.event === 'ready');
      const response = await postReport(first.baseUrl, { activity: 'raid' });
      expect(response.status).toBe(201);
      const { id, receipt } = (await response.json()) as { id: string; receipt: string };
      const message = await stream.waitFor((m) => m.event === 'report.created' && m.data.includes(id));
      const event = JSON.parse(message.data);
      expect(event.report).toMatchObject({ id, receipt, activity: 'raid', zone: { name: 'Boyle Heights' } });
      expect(Number(message.id)).toBeGreaterThan(0);
      // The exact position never travels to the board.
      expect(message.data).not.toMatch(/"lat"|"lng"/);
    } finally {
      await stream.close();
    }
  });

  it('replays what a board missed while disconnected, from Last-Event-ID', async () => {
    const stream = await board(`${first.baseUrl}/api/events`);
    await stream.waitFor((m) => m.event === 'ready');
    const seen = await postReport(first.baseUrl);
    const seenId = ((await seen.json()) as { id: string }).id;
    const lastEvent = await stream.waitFor((m) => m.event === 'report.created' && m.data.includes(seenId));
    await stream.close();

    const missed: string[] = [];
    for (let i = 0; i < 3; i++)
      missed.push(((await (await postReport(first.baseUrl)).json()) as { id: string }).id);

    const resumed = await board(`${second.baseUrl}/api/events`, { 'last-event-id': lastEvent.id ?? '' });
    try {
      for (const id of missed)
        await resumed.waitFor((m) => m.event === 'report.created' && m.data.includes(id));
      expect(resumed.messages.some((m) => m.data.includes(seenId))).toBe(false);
    } finally {
      await resumed.close();
    }
  });

  it('lets a new board resume from the list it read (?since), so nothing falls between list and stream', async () => {
    const list = (await (
      await fetch(`${first.baseUrl}/api/reports?limit=1`, { headers: dispatcher.headers })
    ).json()) as {
      lastEventId: number;
    };
    expect(list.lastEventId).toBeGreaterThan(0);
    const between = ((await (await postReport(first.baseUrl)).json()) as { id: string }).id;
    const stream = await board(`${second.baseUrl}/api/events?since=${list.lastEventId}`);
    try {
      await stream.waitFor((m) => m.event === 'report.created' && m.data.includes(between));
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
        const during = ((await (await postReport(first.baseUrl)).json()) as { id: string }).id;
        await stream.waitFor((m) => m.event === 'report.created' && m.data.includes(during), 5_000);
      } finally {
        await stream.close();
      }
    },
  );

  it('sends nothing for a report that was rejected', async () => {
    const stream = await board(`${first.baseUrl}/api/events`);
    try {
      await stream.waitFor((m) => m.event === 'ready');
      const marker = `rejected-${Date.now()}`;
      const rejected = await postReport(first.baseUrl, {
        description: marker,
        location: { zoneId: '00000000-0000-4000-8000-000000000000' },
      });
      expect(rejected.status).toBe(400);
      const accepted = ((await (await postReport(first.baseUrl)).json()) as { id: string }).id;
      await stream.waitFor((m) => m.data.includes(accepted));
      // Delivery is at least once (a catch-up may resend an older report, which the board de-duplicates),
      // but nothing ever announces a report that was not stored.
      expect(stream.messages.some((m) => m.data.includes(marker))).toBe(false);
      for (const message of stream.messages.filter((m) => m.event === 'report.created')) {
        const { id } = JSON.parse(message.data).report as { id: string };
        const stored = await first.faro.database.pool.query('select 1 from reports where id = $1', [id]);
        expect(stored.rowCount).toBe(1);
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
