import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { buildReportInput } from './support/factories.js';
import { type ServerProcess, spawnServer } from './support/process.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { openSse } from './support/sse.js';

/**
 * Two real `faro start` processes on one PostgreSQL, as behind a load
 * balancer. (PGlite is one process's embedded database, so this only runs
 * on PostgreSQL; test/realtime.test.ts covers the same path within a process.)
 */
describe.skipIf(!process.env.DATABASE_URL)('live events across processes', () => {
  let db: TestDatabase;
  let servers: ServerProcess[] = [];
  let dispatcher: StaffSession;

  beforeAll(async () => {
    db = await createTestDatabase();
    dispatcher = await staffSession(db.database, 'dispatcher');
    await db.database.close();
    const env = { DATABASE_URL: db.url as string, FARO_DEMO: 'false' };
    servers = await Promise.all([spawnServer(env), spawnServer(env)]);
  });
  afterAll(async () => {
    for (const server of servers) server.child.kill('SIGTERM');
    await Promise.all(servers.map((server) => server.exited));
    await db?.drop();
  });

  it('a report posted to one process reaches a board connected to the other', async () => {
    const [writer, reader] = servers as [ServerProcess, ServerProcess];
    const stream = await openSse(`${reader.baseUrl}/api/events`, dispatcher.headers);
    try {
      await stream.waitFor((m) => m.event === 'ready');
      const response = await fetch(`${writer.baseUrl}/api/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(buildReportInput({ activity: 'surveillance' })),
      });
      expect(response.status).toBe(201);
      const { id } = (await response.json()) as { id: string };
      // Grouped by a worker (either process), it reaches the board as its incident.
      const message = await stream.waitFor(
        (m) => m.event === 'incident.updated' && m.data.includes('"activity":"surveillance"'),
      );
      const { incident } = JSON.parse(message.data) as { incident: { id: string } };
      const read = await fetch(`${writer.baseUrl}/api/reports/${id}`, { headers: dispatcher.headers });
      expect(((await read.json()) as { report: { incidentId: string } }).report.incidentId).toBe(incident.id);
    } finally {
      await stream.close();
    }
  });
});
