import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { buildReportInput } from './support/factories.js';
import { type ServerProcess, spawnServer } from './support/process.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { openSse, type SseMessage } from './support/sse.js';

/**
 * Failure drill: one of three web processes behind a load balancer is killed
 * (SIGKILL) while boards are connected to it and reports keep coming in through
 * the others. Each board reconnects, as a browser's EventSource does, to another
 * process with the last event id it saw (`Last-Event-ID`) and misses nothing: the
 * ids it got before and after the kill are exactly those a board that stayed
 * connected got. Real `faro start` processes on one PostgreSQL.
 */
const BOARDS = 5;

describe.skipIf(!process.env.DATABASE_URL)('a web process killed under its live boards', () => {
  let db: TestDatabase;
  let servers: ServerProcess[] = [];
  let dispatcher: StaffSession;

  beforeAll(async () => {
    db = await createTestDatabase();
    dispatcher = await staffSession(db.database, 'dispatcher');
    await db.database.close();
    const env = { DATABASE_URL: db.url as string, FARO_DEMO: 'false', JOB_POLL_SECONDS: '0.5' };
    servers = await Promise.all([spawnServer(env), spawnServer(env), spawnServer(env)]);
  }, 120_000);
  afterAll(async () => {
    for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGTERM');
    await Promise.all(servers.map((server) => server.exited));
    await db?.drop();
  });

  const ids = (messages: SseMessage[]) =>
    messages.filter((m) => m.id !== undefined && m.event !== 'ready').map((m) => Number(m.id));
  const post = (server: ServerProcess, n: number) =>
    fetch(`${server.baseUrl}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Places far apart, so each report makes events of its own.
      body: JSON.stringify(
        buildReportInput({
          activity: 'checkpoint',
          location: {
            lat: 34.0 + (n % 20) * 0.01,
            lng: -118.3 + Math.floor(n / 20) * 0.01,
            place: `Corner ${n}`,
          },
        }),
      ),
    });

  it('every board reconnects to another process with Last-Event-ID and misses no event', async () => {
    const [doomed, other, witness] = servers as [ServerProcess, ServerProcess, ServerProcess];
    // A board that stays connected throughout (to the process that is not killed) says what happened.
    const reference = await openSse(`${witness.baseUrl}/api/events`, dispatcher.headers);
    await reference.waitFor((m) => m.event === 'ready');
    const boards = await Promise.all(
      Array.from({ length: BOARDS }, () => openSse(`${doomed.baseUrl}/api/events`, dispatcher.headers)),
    );
    await Promise.all(boards.map((board) => board.waitFor((m) => m.event === 'ready')));

    let n = 0;
    for (; n < 5; n++) expect((await post(other, n)).status).toBe(201);
    await Promise.all(boards.map((board) => board.waitFor((m) => m.event === 'incident.updated', 15_000)));

    doomed.child.kill('SIGKILL');
    await doomed.exited;
    await Promise.all(boards.map((board) => board.closed));
    const before = boards.map((board) => ids(board.messages));
    // Reports keep arriving while the boards are away.
    for (; n < 15; n++) expect((await post(other, n)).status).toBe(201);

    // Each board comes back on another process with the last id it saw.
    const again = await Promise.all(
      before.map((seen) =>
        openSse(`${other.baseUrl}/api/events`, {
          ...dispatcher.headers,
          ...(seen.length > 0 ? { 'last-event-id': String(Math.max(...seen)) } : {}),
        }),
      ),
    );
    for (; n < 20; n++) expect((await post(witness, n)).status).toBe(201);

    // Wait until the reference has been quiet for two seconds (every report's events are out) and
    // every board has caught up to it.
    const until = Date.now() + 45_000;
    const since = Math.min(...before.flat());
    const expected = () => ids(reference.messages).filter((id) => id > since);
    const gotBy = (i: number) =>
      [...(before[i] ?? []), ...ids(again[i]?.messages ?? [])].filter((id) => id > since);
    let heard = 0;
    let quietSince = Date.now();
    for (;;) {
      if (reference.messages.length !== heard) {
        heard = reference.messages.length;
        quietSince = Date.now();
      }
      const caughtUp = again.every((_, i) => expected().every((id) => gotBy(i).includes(id)));
      if (caughtUp && Date.now() - quietSince > 2_000) break;
      if (Date.now() > until)
        throw new Error(
          `boards behind: reference ${JSON.stringify(expected())}, boards ${JSON.stringify(again.map((_, i) => gotBy(i)))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The boards were away for a good part of it: what they caught up on is not a trivial amount.
    expect(expected().filter((id) => id > Math.max(...before.flat())).length).toBeGreaterThanOrEqual(5);
    const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
    for (const [i, board] of again.entries()) {
      // Nothing missed, nothing twice.
      expect(sorted(gotBy(i))).toEqual(sorted(expected()));
      await board.close();
    }
    await reference.close();
  }, 120_000);
});
