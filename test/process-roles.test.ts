import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../src/server/db/migrate.js';
import { createTestDatabase, type TestDatabase, testConfig } from './support/db.js';
import { buildReportInput } from './support/factories.js';
import { TEST_SECRET_KEY } from './support/keys.js';
import { type ServerProcess, spawnServer } from './support/process.js';
import { databaseUrlFor } from './support/urls.js';

const run = promisify(execFile);

interface Ready {
  status: string;
  role: string;
  groupingBacklog: number;
  checks: { name: string; ok: boolean }[];
}
const readiness = async (server: ServerProcess) =>
  (await fetch(`${server.baseUrl}/readyz`)).json() as Promise<Ready>;
const stopAll = async (servers: ServerProcess[]) => {
  for (const server of servers) server.child.kill('SIGTERM');
  await Promise.all(servers.map((server) => server.exited));
};

/** `faro start` with arguments that must refuse to start: its exit code and what it said. */
async function refusedStart(args: string[], env: Record<string, string>) {
  const { DATABASE_URL: _inherited, ...inherited } = process.env;
  try {
    await run(process.execPath, ['--import', 'tsx', 'src/cli/faro.ts', 'start', ...args], {
      env: { ...inherited, FARO_SECRET_KEY: TEST_SECRET_KEY, PORT: '0', ...env },
      timeout: 60_000,
    });
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
  throw new Error('faro start did not refuse');
}

describe('faro start --role: what refuses to start', { timeout: 120_000 }, () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'faro-roles-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('refuses a role it does not know, naming the choices', async () => {
    const refused = await refusedStart(['--role', 'nonsense'], { FARO_DATA_DIR: dataDir });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--role <role>.*nonsense.*invalid.*all, web, worker/s);
    const fromEnv = await refusedStart([], { FARO_DATA_DIR: dataDir, FARO_ROLE: 'nonsense' });
    expect(fromEnv.code).toBe(78);
    expect(fromEnv.stderr).toMatch(/FARO_ROLE/);
  });

  it.each(['web', 'worker'])('refuses --role %s on the embedded database, in one sentence', async (role) => {
    const refused = await refusedStart(['--role', role], { FARO_DATA_DIR: dataDir });
    expect(refused.code).toBe(78);
    expect(refused.stderr).toContain(`FARO_ROLE: "${role}" needs PostgreSQL (DATABASE_URL)`);
    expect(refused.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

/**
 * Web and worker processes on one PostgreSQL, as behind a load balancer
 * (PGlite is one process's database: there, only `all` runs).
 */
describe.skipIf(!process.env.DATABASE_URL)(
  'web and worker processes on one PostgreSQL',
  { timeout: 180_000 },
  () => {
    it('start together on an empty database: each migration applied once; the worker serves only health', async () => {
      const admin = testConfig().database;
      if (admin.kind !== 'postgres') throw new Error('PostgreSQL only');
      const name = `faro_roles_${process.pid}_${Date.now()}`;
      const client = new pg.Client({ connectionString: admin.url });
      await client.connect();
      await client.query(`create database ${name}`);
      const env = { DATABASE_URL: databaseUrlFor(admin.url, name), FARO_DEMO: 'false' };
      let servers: ServerProcess[] = [];
      try {
        // Both migrate at once; the advisory lock lets one apply them and the other find them applied.
        servers = await Promise.all([
          spawnServer(env, { args: ['--import', 'tsx', 'src/cli/faro.ts', 'start', '--role', 'web'] }),
          spawnServer(env, { args: ['--import', 'tsx', 'src/cli/faro.ts', 'start', '--role', 'worker'] }),
        ]);
        const [web, worker] = servers as [ServerProcess, ServerProcess];
        const journal = JSON.parse(await readFile(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as {
          entries: unknown[];
        };
        const check = new pg.Client({ connectionString: env.DATABASE_URL });
        await check.connect();
        const applied = await check.query('select count(*)::int as n from drizzle.__drizzle_migrations');
        await check.end();
        expect(applied.rows[0].n).toBe(journal.entries.length);

        expect(await readiness(worker)).toMatchObject({
          status: 'ready',
          role: 'worker',
          checks: ['database', 'migrations', 'jobs', 'grouper'].map((n) => ({ name: n, ok: true })),
        });
        expect(await readiness(web)).toMatchObject({
          status: 'ready',
          role: 'web',
          checks: ['database', 'migrations', 'realtime'].map((n) => ({ name: n, ok: true })),
        });
        expect((await fetch(`${worker.baseUrl}/healthz`)).status).toBe(200);
        expect((await fetch(`${worker.baseUrl}/report`)).status).toBe(404);
        const post = await fetch(`${worker.baseUrl}/api/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(buildReportInput()),
        });
        expect(post.status).toBe(404);
        expect((await fetch(`${worker.baseUrl}/api/reports`)).status).toBe(404);
        expect((await fetch(`${worker.baseUrl}/api/openapi.json`)).status).toBe(404);
        expect((await fetch(`${web.baseUrl}/api/openapi.json`)).status).toBe(200);
      } finally {
        await stopAll(servers);
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      }
    });

    describe('a report taken by the web process', () => {
      let db: TestDatabase;
      let env: Record<string, string>;
      const servers: ServerProcess[] = [];
      beforeAll(async () => {
        db = await createTestDatabase();
        await db.database.close();
        env = { DATABASE_URL: db.url as string, FARO_DEMO: 'false', JOB_POLL_SECONDS: '0.5' };
      });
      afterAll(async () => {
        await stopAll(servers);
        await db?.drop();
      });

      it('waits to be grouped until a worker runs, which then groups it', async () => {
        const web = await spawnServer(env, {
          args: ['--import', 'tsx', 'src/cli/faro.ts', 'start', '--role', 'web'],
        });
        servers.push(web);
        // The web process serves the pages (here 503: the tests run without the built web app) and the API.
        expect((await fetch(`${web.baseUrl}/report`)).status).toBe(503);
        const post = await fetch(`${web.baseUrl}/api/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(buildReportInput({ activity: 'surveillance' })),
        });
        expect(post.status).toBe(201);
        // The web process has no grouper (its readiness does not check one). A process with one would group
        // 25 ms after the insert, and poll every 0.5 s here: three polls' time must leave the backlog as it is.
        expect((await readiness(web)).checks.map((check) => check.name)).not.toContain('grouper');
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect((await readiness(web)).groupingBacklog).toBe(1);

        const worker = await spawnServer(
          { ...env, FARO_ROLE: 'worker' },
          { args: ['--import', 'tsx', 'src/cli/faro.ts', 'start'] },
        );
        servers.push(worker);
        expect((await readiness(worker)).role).toBe('worker');
        for (let tries = 0; (await readiness(web)).groupingBacklog !== 0; tries++) {
          if (tries > 300) throw new Error(`not grouped:\n${worker.output()}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect((await readiness(web)).groupingBacklog).toBe(0);
      });
    });
  },
);
