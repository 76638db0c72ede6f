import { mkdir, readFile, rm } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { type Config, loadConfig } from '../../src/server/config.js';
import { type Database, openDatabase, openPglite } from '../../src/server/db/database.js';
import { PrivateNodeFS } from '../../src/server/db/private-folder.js';
import { TEST_SECRET_KEY } from './keys.js';
import { databaseUrlFor } from './urls.js';

let counter = 0;

export interface TestDatabase {
  database: Database;
  /** The PostgreSQL URL of this copy, when running on PostgreSQL. */
  url: string | undefined;
  drop(): Promise<void>;
}

/** The config tests run with: the environment's database choice, quiet logs, fast job polling. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    FARO_DEMO: 'false',
    JOB_POLL_SECONDS: '0.5',
    SHUTDOWN_TIMEOUT_MS: '5000',
    FARO_SECRET_KEY: TEST_SECRET_KEY,
    // Tests post many reports from one address; the limits themselves are tested on their own.
    REPORT_RATE_LIMIT_PER_MINUTE: '100000',
    // The proof of work has its own test; elsewhere tests post reports directly.
    REPORT_PROOF_OF_WORK: 'false',
    LOOKUP_RATE_LIMIT_PER_MINUTE: '100000',
    // The real peers of tests (web-push-testing, SMTP, the SMS provider's stand-in) listen on 127.0.0.1.
    OUTBOUND_ALLOW_LOOPBACK: 'true',
    // Tests subscribe many contacts from one address; these limits have their own tests.
    SUBSCRIBE_PER_ADDRESS_PER_HOUR: '100000',
    SUBSCRIPTION_CONFIRMATIONS_PER_DAY: '1000',
    SUBSCRIPTION_CONFIRMATION_GAP_MINUTES: '0',
    // Every text waits for its slot of the number's rate (1 a second by default); tests send many
    // of every kind, and the pace has its own tests (shared-state*.test.ts).
    SMS_MESSAGES_PER_SECOND: '1000',
    ...overrides,
  });
}

/** A fresh database copied from the migrated, seeded template of this run. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const config = testConfig();
  if (config.database.kind === 'postgres') {
    const name = `faro_t_${inject('runId')}_${process.pid}_${++counter}`;
    const admin = new pg.Client({ connectionString: config.database.url });
    await admin.connect();
    try {
      await admin.query(`create database ${name} template ${inject('postgresTemplate')}`);
    } finally {
      await admin.end();
    }
    const url = databaseUrlFor(config.database.url, name);
    const adminUrl = config.database.url;
    return {
      database: await openDatabase({ kind: 'postgres', url, poolSize: 5 }),
      url,
      async drop() {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      },
    };
  }
  const dump = await readFile(inject('pgliteTemplate'));
  const lite = new PGlite({ loadDataDir: new Blob([dump]) });
  return { database: await openPglite(lite), url: undefined, drop: async () => undefined };
}

/**
 * A fresh PGlite database in a real data folder: the template of this run written into `dataDir`,
 * then opened the way Faro opens its own folder. For tests of what reaches the disk. `drop`
 * removes the folder (close the database first).
 */
export async function createPgliteDatabaseIn(dataDir: string): Promise<TestDatabase> {
  const dump = await readFile(inject('pgliteTemplate'));
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const loader = new PGlite({ fs: new PrivateNodeFS(dataDir), loadDataDir: new Blob([dump]) });
  await loader.waitReady;
  await loader.close();
  return {
    database: await openDatabase({ kind: 'pglite', dataDir }),
    url: undefined,
    drop: () => rm(dataDir, { recursive: true, force: true }),
  };
}
