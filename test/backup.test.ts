import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupJob, scheduledBackups } from '../src/server/backup/backup.job.js';
import { generateBackupKeyPair, parsePrivateKeyFile } from '../src/server/backup/envelope.js';
import { readBackup, restoreBackup } from '../src/server/backup/restore.js';
import { type Database, openDatabase } from '../src/server/db/database.js';
import { tableRowCounts } from '../src/server/db/inventory.js';
import { createFolderChunkStore } from '../src/server/modules/evidence/chunk-store.js';
import { createEvidenceService } from '../src/server/modules/evidence/evidence.service.js';
import { insertPushSubscriptions, publishAlert } from './support/alerts.js';
import { client, expectStatus } from './support/client.js';
import { createPgliteDatabaseIn, createTestDatabase, type TestDatabase, testConfig } from './support/db.js';
import { enqueueWorkingCopyOn } from './support/evidence.js';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { TEST_SECRET_KEY } from './support/keys.js';
import { formsIn, formsOf } from './support/plaintext.js';
import { staffSession } from './support/sessions.js';
import { reportOf, responderOutOnIncident, schedules } from './support/state.js';
import { databaseUrlFor } from './support/urls.js';

/**
 * Issue 18: `faro backup` and `faro restore`, run as an operator runs them (the CLI from source).
 * A database with reports, an incident, an alert with its deliveries, a case and an evidence
 * original kept in a folder is backed up, restored into a new database and folder, and compared
 * table by table; sealed fields open with the server key there. A backup that does not open, or
 * is cut short, and a database that is not empty, are refused; the file holds no plaintext.
 * On PostgreSQL this needs pg_dump and pg_restore, and is skipped on a machine without them.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);
const hasPgPrograms = ['pg_dump', 'pg_restore'].every(
  (program) => spawnSync(program, ['--version']).status === 0,
);
const MARKER = `FARO-BACKUP-MARKER-${randomBytes(8).toString('hex')}`;
const run = promisify(execFile);

let work: string;
let source: TestDatabase;
let t: TestFaro;
let reportId: string;
let itemId: string;
let coalitionId: string;
let slices: Buffer[];
const created: Array<() => Promise<void>> = [];

const evidenceActor = (userId: string, legal = false) =>
  legal
    ? { userId, roles: ['legal'], permissions: ['evidence:legal' as const], tokenHash: 'y' }
    : { userId, roles: ['responder'], permissions: ['evidence:record' as const], tokenHash: 'x' };
let recorderId: string;

/** A new, empty database to restore into: a PostgreSQL database of its own, or a data folder not yet made. */
async function emptyTarget(): Promise<{ env: Record<string, string>; open: () => Promise<Database> }> {
  if (onPostgres) {
    const adminUrl = process.env.DATABASE_URL as string;
    const name = `faro_bk_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = databaseUrlFor(adminUrl, name);
    created.push(async () => {
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    });
    return { env: { DATABASE_URL: url }, open: () => openDatabase({ kind: 'postgres', url, poolSize: 3 }) };
  }
  const dataDir = path.join(work, `restored-${randomBytes(4).toString('hex')}`);
  return {
    env: { FARO_DATA_DIR: dataDir },
    open: () => openDatabase({ kind: 'pglite', dataDir }),
  };
}

const baseEnv = () => {
  const { DATABASE_URL: _url, ...inherited } = process.env as Record<string, string>;
  return {
    ...inherited,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    FARO_DEMO: 'false',
    FARO_SECRET_KEY: TEST_SECRET_KEY,
  };
};
const sourceEnv = () => ({
  ...(onPostgres ? { DATABASE_URL: source.url as string } : { FARO_DATA_DIR: path.join(work, 'data') }),
  EVIDENCE_STORE_DIR: path.join(work, 'evidence'),
});

const faro = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/faro.ts', ...args], {
    env: { ...baseEnv(), ...env },
    timeout: 120_000,
  });
/** Where the last message of a backup file starts (its header, then length-prefixed messages). */
function lastMessageAt(bytes: Buffer): number {
  let at = 10 + 4 + bytes.readUInt32BE(10);
  let last = at;
  while (at < bytes.length) {
    last = at;
    at += 4 + bytes.readUInt32BE(at);
  }
  return last;
}

/** The CLI's refusal: exit code 1 and its one sentence. */
const refusal = async (args: string[], env: Record<string, string>) => {
  const error = await faro(args, env).then(
    () => undefined,
    (failure: { code: number; stderr: string }) => failure,
  );
  expect(error, 'the command should have been refused').toBeDefined();
  return { code: error?.code, stderr: error?.stderr.trim() ?? '' };
};

async function counts(open: () => Promise<Database>): Promise<Record<string, number>> {
  const database = await open();
  try {
    // Unlogged tables hold only passing counters (rate limits): no backup carries them.
    const { rows } = await database.pool.query<{ name: string }>(
      `select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind = 'r' and c.relpersistence = 'u'`,
    );
    const unlogged = new Set(rows.map((row) => row.name));
    return Object.fromEntries(
      [...(await tableRowCounts(database.pool))].filter(([name]) => !unlogged.has(name)),
    );
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'faro-backup-'));
  source = onPostgres ? await createTestDatabase() : await createPgliteDatabaseIn(path.join(work, 'data'));
  t = await startTestFaro({ db: source, env: { EVIDENCE_STORE_DIR: path.join(work, 'evidence') } });

  // Reports (one with the marker in its free text), grouped into an incident, a responder on it.
  const sent = expectStatus(
    await client(t).post('/api/reports', buildReportInput({ description: `Seen at the corner ${MARKER}` })),
    201,
  );
  reportId = sent.body.id;
  const out = await responderOutOnIncident(t);
  recorderId = out.responder.userId;
  coalitionId = (await t.faro.services.coalitions.current()).id;

  // An alert with delivery records (to push services that refuse: each delivery is recorded).
  const dispatcher = await staffSession(t.faro.database, 'dispatcher');
  const approver = await staffSession(t.faro.database, 'approver');
  const zones = (await t.faro.app.inject({ url: '/api/zones' })).json().zones as { id: string }[];
  const zoneId = zones[0]?.id as string;
  await insertPushSubscriptions(t.faro, zoneId, ['http://127.0.0.1:9/push/a', 'http://127.0.0.1:9/push/b']);
  const alert = await publishAlert(t.faro.app, dispatcher, approver, zoneId);
  for (let i = 0; i < 100; i++) {
    const { rows } = await t.faro.database.pool.query('select 1 from deliveries where alert_id = $1', [
      alert.id,
    ]);
    if (rows.length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  // A case, the marker in its person's name (sealed).
  const legal = await staffSession(t.faro.database, 'legal');
  expectStatus(
    await client(t, legal).post('/api/cases', {
      source: 'call',
      person: { name: `Ana ${MARKER}` },
      consent: { givenBy: 'Her brother', method: 'phone' },
    }),
    201,
  );

  // An evidence original kept in the folder, the marker in its bytes.
  const evidence = createEvidenceService({
    database: t.faro.database,
    box: t.faro.box,
    now: () => new Date(),
    retentionDays: 90,
    enqueueWorkingCopy: enqueueWorkingCopyOn(t),
    store: createFolderChunkStore(path.join(work, 'evidence')),
  });
  const { item } = await evidence.start(coalitionId, evidenceActor(recorderId), {
    incidentId: out.incidentId,
    kind: 'audio',
    source: 'recording',
    contentType: 'audio/webm',
  });
  itemId = item.id;
  slices = [
    Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.from(MARKER), randomBytes(3000)]),
    Buffer.concat([Buffer.from(MARKER), randomBytes(4000)]),
  ];
  for (const [index, slice] of slices.entries())
    await evidence.appendSlice(coalitionId, evidenceActor(recorderId), item.id, index + 1, slice);
  await evidence.finish(coalitionId, evidenceActor(recorderId), item.id, { chunks: 2 });

  await t.stop();
  await source.database.close();
  await writeFile(path.join(work, 'passphrase'), 'correct horse battery staple\n');
  await writeFile(path.join(work, 'wrong-passphrase'), 'incorrect horse battery staple\n');
  await faro(['backup', 'keygen', path.join(work, 'private.json')], {});
}, 240_000);

afterAll(async () => {
  for (const cleanup of created) await cleanup().catch(() => undefined);
  await source?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe.skipIf(onPostgres && !hasPgPrograms)('faro backup and faro restore', { timeout: 240_000 }, () => {
  const file = () => path.join(work, 'faro.backup');
  const publicKey = async () =>
    Buffer.from(
      parsePrivateKeyFile(await readFile(path.join(work, 'private.json'), 'utf8')).publicKey,
    ).toString('base64');

  it('restores everything into an empty database: every table, the evidence folder, sealed fields that open', async () => {
    const { stdout } = await faro(['backup', file(), '--public-key', await publicKey()], sourceEnv());
    expect(stdout).toMatch(/^Backup written to .*: database .*, 2 evidence files/);
    const before = await counts(() =>
      openDatabase(
        onPostgres
          ? { kind: 'postgres', url: source.url as string, poolSize: 2 }
          : { kind: 'pglite', dataDir: path.join(work, 'data') },
      ),
    );
    for (const table of [
      'reports',
      'incidents',
      'alerts',
      'deliveries',
      'cases',
      'evidence_items',
      'audit_log',
    ])
      expect(before[`public.${table}`], table).toBeGreaterThan(0);

    const target = await emptyTarget();
    const restoredEvidence = path.join(work, 'evidence-restored');
    const env = { ...target.env, EVIDENCE_STORE_DIR: restoredEvidence };
    const restored = await faro(['restore', file(), '--private-key', path.join(work, 'private.json')], env);
    expect(restored.stdout).toMatch(/Restored the backup/);
    expect(restored.stdout).toMatch(/The server key here opens the restored sealed fields/);
    expect(await counts(target.open)).toEqual(before);
    expect((await readdir(restoredEvidence, { recursive: true })).length).toBe(
      (await readdir(path.join(work, 'evidence'), { recursive: true })).length,
    );

    // Sealed fields open with the server key; the original reads back whole and verifies.
    const database = await target.open();
    const t2 = await startTestFaro({
      db: { database, url: undefined, drop: async () => undefined },
      env: { EVIDENCE_STORE_DIR: restoredEvidence },
    });
    try {
      expect(JSON.stringify(await reportOf(t2, reportId))).toContain(MARKER);
      const evidence = createEvidenceService({
        database,
        box: t2.faro.box,
        now: () => new Date(),
        retentionDays: 90,
        enqueueWorkingCopy: enqueueWorkingCopyOn(t2),
        store: createFolderChunkStore(restoredEvidence),
      });
      expect(await evidence.verify(coalitionId, itemId)).toMatchObject({ ok: true, complete: true });
      const parts: Buffer[] = [];
      const { stream } = await evidence.original(
        coalitionId,
        evidenceActor(recorderId, true),
        itemId,
        'downloaded',
      );
      for await (const part of stream) parts.push(Buffer.from(part));
      expect(Buffer.concat(parts)).toEqual(Buffer.concat(slices));
    } finally {
      await t2.stop();
      await database.close();
    }

    // Into the same database again: it is not empty any more.
    const again = await refusal(['restore', file(), '--private-key', path.join(work, 'private.json')], {
      ...target.env,
      EVIDENCE_STORE_DIR: path.join(work, 'evidence-again'),
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is not empty \(table \w+ has rows\): restore into a new, empty/);
  });

  it('says plainly what it cannot do: a running server holds the embedded database, no pg_dump here', async () => {
    if (onPostgres) {
      const refused = await refusal(
        ['backup', path.join(work, 'no-pg-dump.backup'), '--passphrase-file', path.join(work, 'passphrase')],
        {
          ...sourceEnv(),
          PATH: '/nonexistent',
        },
      );
      expect(refused.stderr).toMatch(/^pg_dump is not installed here: .* Nothing was written\.$/);
    } else {
      // The lock a running server holds on its folder (this test process stands in for it).
      const lock = path.join(work, 'data', 'faro.lock');
      await writeFile(lock, `${process.pid}\n`, { mode: 0o600 });
      try {
        const refused = await refusal(
          ['backup', path.join(work, 'locked.backup'), '--passphrase-file', path.join(work, 'passphrase')],
          sourceEnv(),
        );
        expect(refused.stderr).toMatch(
          new RegExp(
            `^Another Faro process \\(pid ${process.pid}\\) is using the database in .* A running server writes its own backups when BACKUP_DIR is set`,
          ),
        );
      } finally {
        await unlink(lock);
      }
    }
    expect((await readdir(work)).filter((name) => /no-pg-dump|locked/.test(name))).toEqual([]);
  });

  it('holds no plaintext of a sealed field, a report’s free text or an evidence original', async () => {
    const bytes = await readFile(file());
    expect(formsIn(bytes, formsOf(MARKER))).toEqual([]);
    expect(bytes.includes(Buffer.from('reports'))).toBe(false);
  });

  it('refuses a file that does not open: a wrong private key, a wrong passphrase, a file cut short', async () => {
    const target = await emptyTarget();
    const env = { ...target.env, EVIDENCE_STORE_DIR: path.join(work, 'evidence-refused') };
    await faro(['backup', 'keygen', path.join(work, 'other.json')], {});
    const wrongKey = await refusal(['restore', file(), '--private-key', path.join(work, 'other.json')], env);
    expect(wrongKey).toEqual({
      code: 1,
      stderr: 'This private key does not open this backup: it was encrypted to another public key.',
    });

    const withPassphrase = path.join(work, 'passphrase.backup');
    await faro(['backup', withPassphrase, '--passphrase-file', path.join(work, 'passphrase')], sourceEnv());
    expect(
      (
        await faro(
          ['restore', withPassphrase, '--check', '--passphrase-file', path.join(work, 'passphrase')],
          {},
        )
      ).stdout,
    ).toMatch(/opens and is complete: .* 2 evidence files/);
    const wrong = await refusal(
      ['restore', withPassphrase, '--passphrase-file', path.join(work, 'wrong-passphrase')],
      env,
    );
    expect(wrong.stderr).toBe('The passphrase does not open this backup (or its file is damaged).');

    // Cut short: inside its last message, and exactly before it (every part left decrypts; the
    // FINAL one is missing), and far inside.
    const whole = await readFile(withPassphrase);
    for (const cut of [whole.length - 30, lastMessageAt(whole), whole.length - 200_000]) {
      const short = path.join(work, `cut-${cut}.backup`);
      await writeFile(short, whole.subarray(0, cut));
      const refused = restoreBackup({
        file: short,
        opener: { passphrase: 'correct horse battery staple' },
        config: testConfig(target.env),
      });
      await expect(refused).rejects.toThrow(
        cut === lastMessageAt(whole)
          ? 'The backup file ends before its last part: it is incomplete (cut short while written or copied).'
          : /cut short|damaged/,
      );
    }
    // Nothing was written to the database meant to receive it.
    const rows = await counts(target.open);
    expect(Object.entries(rows).filter(([table, n]) => table.startsWith('public.') && n > 0)).toEqual([]);
  });
});

describe('scheduled backups', () => {
  it('are written to BACKUP_DIR every BACKUP_EVERY_HOURS, to the public key only, the newest BACKUP_KEEP kept', async () => {
    const pair = await generateBackupKeyPair();
    const dir = path.join(work, 'scheduled');
    await mkdir(dir);
    const db = await createTestDatabase();
    const scheduled = await startTestFaro({
      db,
      env: {
        BACKUP_DIR: dir,
        BACKUP_PUBLIC_KEY: Buffer.from(pair.publicKey).toString('base64'),
        BACKUP_EVERY_HOURS: '6',
        BACKUP_KEEP: '2',
      },
    });
    try {
      expect((await schedules(db.database)).map((s) => s.name)).toContain('backup.scheduled');
      if (onPostgres && !hasPgPrograms) return;
      let clock = new Date('2026-03-01T00:41:00Z');
      const job = backupJob({
        database: db.database,
        config: {
          database: onPostgres
            ? { kind: 'postgres', url: db.url as string, poolSize: 2 }
            : { kind: 'pglite', dataDir: '' },
          evidenceStoreDir: undefined,
        },
        backup: { dir, everyHours: 6, keep: 2, publicKey: pair.publicKey },
        now: () => clock,
      });
      const names = async () => (await scheduledBackups(dir)).map((backup) => backup.name);
      await job.handler({});
      expect(await names()).toEqual(['faro-20260301T004100Z.backup']);
      for (const hour of [1, 2, 3, 4, 5, 6, 7, 12, 13]) {
        clock = new Date(Date.UTC(2026, 2, 1, hour, 41));
        await job.handler({});
      }
      // At 06:41 and 12:41, not in the hours between; the first one deleted (keep 2).
      expect(await names()).toEqual(['faro-20260301T124100Z.backup', 'faro-20260301T064100Z.backup']);
      const { meta } = await readBackup(path.join(dir, 'faro-20260301T124100Z.backup'), { keyPair: pair });
      expect(meta).toMatchObject({ database: db.database.kind, createdAt: '2026-03-01T12:41:00.000Z' });
    } finally {
      await scheduled.stop();
    }
  });
});
