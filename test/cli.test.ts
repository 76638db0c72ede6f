import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveOfGeoJson } from '../src/server/modules/basemap/tiling.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { TEST_SECRET_KEY } from './support/keys.js';

const run = promisify(execFile);

/** The CLI as a person runs it, from source, on its own database (a fresh PGlite folder or PostgreSQL copy). */
let env: Record<string, string>;
let cleanup: () => Promise<void>;
let count: (table: string) => Promise<number>;

beforeAll(async () => {
  const { DATABASE_URL, ...inherited } = process.env as Record<string, string>;
  if (DATABASE_URL) {
    const db: TestDatabase = await createTestDatabase();
    await db.database.close();
    env = {
      ...inherited,
      DATABASE_URL: db.url as string,
      LOG_LEVEL: 'warn',
      FARO_SECRET_KEY: TEST_SECRET_KEY,
    };
    cleanup = () => db.drop();
    count = async (table) => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        return Number((await client.query(`select count(*) as n from ${table}`)).rows[0].n);
      } finally {
        await client.end();
      }
    };
  } else {
    const dir = await mkdtemp(path.join(tmpdir(), 'faro-cli-'));
    env = { ...inherited, FARO_DATA_DIR: dir, LOG_LEVEL: 'warn' };
    // The key file is made beside the data folder, not in it.
    cleanup = async () => {
      await rm(dir, { recursive: true, force: true });
      await rm(`${dir}.key`, { force: true });
      await rm(`${dir}.demo`, { force: true });
    };
    count = async (table) => {
      const { PGlite } = await import('@electric-sql/pglite');
      const lite = new PGlite(dir);
      try {
        return Number(
          (await lite.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]?.n,
        );
      } finally {
        await lite.close();
      }
    };
  }
});
afterAll(async () => cleanup?.());

const faro = (args: string[], extraEnv: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/faro.ts', ...args], {
    env: { ...env, ...extraEnv },
    timeout: 60_000,
  });

describe('faro CLI', { timeout: 120_000 }, () => {
  it('migrates, seeds once, and resets only when confirmed', async () => {
    expect((await faro(['migrate'])).stdout).toMatch(/Migrations applied/);
    expect((await faro(['seed'])).stdout).toMatch(/Demo data inserted|already there/);
    expect((await faro(['seed'])).stdout).toMatch(/already there/);
    expect(await count('zones')).toBe(11);

    // Without a terminal and without --yes, nothing is deleted.
    await expect(faro(['db', 'reset'])).rejects.toMatchObject({ code: 1 });
    expect(await count('zones')).toBe(11);

    expect((await faro(['db', 'reset', '--yes'])).stdout).toMatch(/reset and migrated/);
    expect(await count('zones')).toBe(0);
  });

  it('creates a coalition admin with a one-time password that must be changed', async () => {
    await faro(['migrate']);
    await faro(['seed']);
    const { stdout } = await faro(['admin', 'create', '--email', 'Ana@Example.org', '--name', 'Ana']);
    expect(stdout).toMatch(/One-time password: [A-Za-z0-9]{20}/);
    expect(await count(`users where email = 'ana@example.org' and must_change_password`)).toBe(1);
    expect(
      await count(
        `memberships m join users u on u.id = m.user_id where u.email = 'ana@example.org' and m.role = 'coalition_admin'`,
      ),
    ).toBe(1);
    await expect(faro(['admin', 'create', '--email', 'ana@example.org'])).rejects.toMatchObject({ code: 1 });
  });

  it('issue 14: on a demo server only, prints the demo accounts again and the current second-factor code', async () => {
    await faro(['seed']);
    const refused = await faro(['demo', 'code', 'dispatcher'], { FARO_DEMO: 'false' }).catch(
      (error) => error,
    );
    expect(refused).toMatchObject({ code: 78 });
    expect(refused.stderr.trim()).toBe(
      'This is not a demo server: demo accounts exist only on the embedded database or with FARO_DEMO=true.',
    );
    expect((await faro(['demo', 'code', 'dispatcher'], { FARO_DEMO: 'true' })).stdout).toMatch(
      /^\d{6} {2}\(dispatcher@demo\.faro\.invalid;/,
    );
    const { stdout } = await faro(['demo', 'accounts'], { FARO_DEMO: 'true' });
    expect(stdout.match(/password: [A-Za-z0-9]{16}/g)).toHaveLength(7);
    expect(await count('zones')).toBe(11);
  });

  it('issue 14: imports a street map extract in place of the demo sketch, and refuses what is not one', async () => {
    await faro(['seed']);
    expect(await count(`basemaps where kind = 'demo'`)).toBe(1);
    const dir = await mkdtemp(path.join(tmpdir(), 'faro-cli-basemap-'));
    try {
      const extract = path.join(dir, 'extract.pmtiles');
      await writeFile(
        extract,
        archiveOfGeoJson(
          {
            roads: {
              type: 'FeatureCollection',
              features: [
                {
                  type: 'Feature',
                  geometry: {
                    type: 'LineString',
                    coordinates: [
                      [-118.3, 34.05],
                      [-118.28, 34.06],
                    ],
                  },
                  properties: { kind: 'major_road', name: 'Wilshire Blvd' },
                },
              ],
            },
          },
          { minZoom: 10, maxZoom: 14, metadata: { attribution: '<a href="x">&copy; OpenStreetMap</a>' } },
        ),
      );
      const { stdout } = await faro(['basemap', 'import', extract]);
      expect(stdout).toMatch(/^Street map imported: 0\.0 MiB, zoom 10–14, west -118\.3000 south 34\.0500/);
      expect(stdout).toContain('Shown under the map: © OpenStreetMap');
      expect(await count(`basemaps where kind = 'imported'`)).toBe(1);
      expect(await count('basemaps')).toBe(1);

      // Not an archive, or one cut short: each said in one sentence, and nothing changed.
      const garbage = path.join(dir, 'garbage.pmtiles');
      await writeFile(garbage, 'PK\u0003\u0004 this is a zip file, not a map '.repeat(10));
      const truncated = path.join(dir, 'truncated.pmtiles');
      await writeFile(truncated, (await readFile(extract)).subarray(0, 200));
      for (const [file, reason] of [
        [garbage, /It is not a PMTiles archive/],
        [truncated, /cut short|cannot be read/],
      ] as const) {
        const failure = await faro(['basemap', 'import', file]).catch((error: unknown) => error);
        expect(failure, file).toMatchObject({ code: 1 });
        expect((failure as { stderr: string }).stderr, file).toMatch(/^Not imported; nothing changed\. /m);
        expect((failure as { stderr: string }).stderr, file).toMatch(reason);
      }
      expect(await count(`basemaps where kind = 'imported'`)).toBe(1);

      expect((await faro(['basemap', 'remove'])).stdout).toMatch(/Street map removed/);
      expect(await count('basemaps')).toBe(0);
      expect(await count('basemap_chunks')).toBe(0);
      expect(await count(`audit_log where action like 'settings.basemap_%'`)).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('refuses to open the embedded database while another process has it', async () => {
    if (env.DATABASE_URL) return; // one PostgreSQL serves many processes
    await faro(['migrate']);
    const { lockDataDir } = await import('../src/server/db/data-dir-lock.js');
    const { spawn } = await import('node:child_process');
    // A live process that is not this one holds the folder.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const dir = env.FARO_DATA_DIR as string;
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${dir}/faro.lock`, `${holder.pid}\n`);
    try {
      const failure = await faro(['migrate']).catch((error: unknown) => error);
      expect((failure as { stderr: string }).stderr).toMatch(
        new RegExp(`Another Faro process \\(pid ${holder.pid}\\)`),
      );
    } finally {
      holder.kill();
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    // Its holder gone, the lock is stale and is taken over.
    expect((await faro(['migrate'])).stdout).toMatch(/Migrations applied/);
    const unlock = await lockDataDir(dir);
    await unlock();
  });

  it('issue 12 item 15: refuses to start with a server key that does not match the database, in one sentence', async () => {
    await faro(['seed']); // seals the demo accounts and the key check with this database's own key
    const otherKey = Buffer.alloc(32, 5).toString('base64');
    const failure = await faro(['start'], { FARO_SECRET_KEY: otherKey, PORT: '0' }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 78 });
    const stderr = (failure as { stderr: string }).stderr.trim();
    expect(stderr).toMatch(/^The server key in FARO_SECRET_KEY does not match this database/);
    expect(stderr.split('\n')).toHaveLength(1);
    // Whatever runs next starts from an empty database.
    await faro(['db', 'reset', '--yes']);
  });

  it('issue 18: rotates the server key (key file) or re-seals with the keys given (FARO_SECRET_KEY)', async () => {
    await faro(['seed']);
    if (env.FARO_SECRET_KEY) {
      const refused = await faro(['keys', 'rotate']).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 78 });
      expect((refused as { stderr: string }).stderr).toMatch(/FARO_NEXT_SECRET_KEY/);
      const next = randomBytes(32).toString('base64');
      const resealed = await faro(['keys', 'reseal'], {
        FARO_SECRET_KEY: next,
        FARO_OLD_SECRET_KEYS: env.FARO_SECRET_KEY,
      });
      expect(resealed.stdout).toMatch(/^Re-sealed [1-9]\d* values with the key [0-9a-f]{8}\./);
      expect((await faro(['keys', 'status'], { FARO_SECRET_KEY: next })).stdout).toMatch(/can be retired/);
      const old = await faro(['keys', 'status']).catch((error: unknown) => error);
      expect(old).toMatchObject({ code: 78 });
      expect((old as { stderr: string }).stderr).toMatch(
        /was sealed with the key [0-9a-f]{8}, which this process/,
      );
    } else {
      const file = `${env.FARO_DATA_DIR}.key`;
      const rotated = await faro(['keys', 'rotate']);
      expect(rotated.stdout).toMatch(/^New key [0-9a-f]{8} written first in /);
      expect(rotated.stdout).toMatch(/Re-sealed [1-9]\d* values/);
      expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(2);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await faro(['keys', 'status'])).stdout).toMatch(/can be retired/);
    }
    await faro(['db', 'reset', '--yes'], env.FARO_SECRET_KEY ? { FARO_SECRET_KEY: env.FARO_SECRET_KEY } : {});
  });

  it('refuses a bad configuration, naming every problem, with exit code 78', async () => {
    const failure = await faro(['migrate'], { PORT: 'eighty', LOG_LEVEL: 'shout' }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 78 });
    const stderr = (failure as { stderr: string }).stderr;
    expect(stderr).toContain('PORT');
    expect(stderr).toContain('LOG_LEVEL');
  });
});
