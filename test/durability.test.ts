import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { buildReportInput } from './support/factories.js';
import { spawnServer } from './support/process.js';

/**
 * The server runs as a real child process here, so it can be killed the way
 * a power cut or the OOM killer would: a report that got a 201 must survive.
 */
let env: Record<string, string>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  if (process.env.DATABASE_URL) {
    const db: TestDatabase = await createTestDatabase();
    await db.database.close();
    env = { DATABASE_URL: db.url as string, FARO_DEMO: 'false' };
    cleanup = () => db.drop();
  } else {
    const dir = await mkdtemp(path.join(tmpdir(), 'faro-durable-'));
    env = { FARO_DATA_DIR: dir, FARO_DEMO: 'true' };
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
});
afterAll(async () => cleanup?.());

const postReport = async (baseUrl: string) => {
  const response = await fetch(`${baseUrl}/api/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(buildReportInput()),
  });
  return { status: response.status, body: (await response.json()) as { receipt: string } };
};

/** Restarts the server on the same database and checks every receipt is there. */
async function expectStoredAfterRestart(receipts: string[]) {
  const restarted = await spawnServer(env);
  try {
    for (const receipt of receipts) {
      expect(
        (
          await fetch(`${restarted.baseUrl}/api/reports/receipt`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ code: receipt }),
          })
        ).status,
        receipt,
      ).toBe(200);
    }
  } finally {
    restarted.child.kill('SIGTERM');
    expect((await restarted.exited).code).toBe(0);
  }
}

// Each test starts a real server twice (on PGlite the first start also migrates and seeds): minutes, not
// seconds, on a busy 2-core machine.
describe('an acknowledged report', { timeout: 120_000 }, () => {
  it('survives kill -9 right after the answer', async () => {
    const server = await spawnServer(env);
    const answers = await Promise.all(Array.from({ length: 20 }, () => postReport(server.baseUrl)));
    server.child.kill('SIGKILL');
    expect((await server.exited).signal).toBe('SIGKILL');
    expect(answers.every((a) => a.status === 201)).toBe(true);

    await expectStoredAfterRestart(answers.map((a) => a.body.receipt));
  });

  it('survives a graceful shutdown in the middle of a burst, and the process exits 0', async () => {
    const server = await spawnServer(env);
    const burst = Array.from({ length: 30 }, () =>
      postReport(server.baseUrl).catch(() => ({ status: 0, body: { receipt: '' } })),
    );
    await burst[0];
    server.child.kill('SIGTERM');
    const answers = await Promise.all(burst);
    const exit = await server.exited;
    expect(exit.code, server.output()).toBe(0);
    const acknowledged = answers.filter((a) => a.status === 201);
    expect(acknowledged.length).toBeGreaterThan(0);
    // Anything not acknowledged was refused cleanly (503 while closing, or no connection), never half-done.
    expect(answers.every((a) => [201, 503, 0].includes(a.status))).toBe(true);

    await expectStoredAfterRestart(acknowledged.map((a) => a.body.receipt));
  });
});
