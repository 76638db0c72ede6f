import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/server/config.js';
import { createSecretBox } from '../../src/server/crypto/secret-box.js';
import { decodeKey } from '../../src/server/crypto/secret-key.js';
import { type Database, openDatabase, openPglite } from '../../src/server/db/database.js';
import { migrateDatabase } from '../../src/server/db/migrate.js';
import { startJobQueue } from '../../src/server/jobs/queue.js';
import { seedDemo } from '../../src/server/modules/demo/seed.js';
import { TEST_SECRET_KEY } from './keys.js';
import { databaseUrlFor } from './urls.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string;
    runId: string;
  }
}

/** Migrations, the job queue's schema and the demo zones: what every test database starts from. */
async function prepareTemplate(database: Database): Promise<void> {
  await migrateDatabase(database);
  const jobs = await startJobQueue(database, [], { pollSeconds: 1, work: false, onError: () => undefined });
  await jobs.stop(1_000);
  await seedDemo(database, await createSecretBox(decodeKey(TEST_SECRET_KEY)));
}

/**
 * Builds the migrated template once per run; each test file then gets its
 * own copy (a PGlite dump loaded in memory, or CREATE DATABASE … TEMPLATE).
 */
export default async function setup(project: TestProject) {
  const config = loadConfig(process.env);
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  project.provide('runId', runId);

  if (config.database.kind === 'postgres') {
    const adminUrl = config.database.url;
    const template = `faro_tpl_${runId}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${template}`);
    const database = await openDatabase({
      kind: 'postgres',
      url: databaseUrlFor(adminUrl, template),
      poolSize: 2,
    });
    await prepareTemplate(database);
    await database.close();
    project.provide('postgresTemplate', template);
    project.provide('pgliteTemplate', '');
    return async () => {
      // Test files drop their own databases; sweep any a crashed worker left behind.
      const leftovers = await admin.query<{ datname: string }>(
        `select datname from pg_database where datname like $1 or datname = $2`,
        [`faro_t_${runId}_%`, template],
      );
      for (const row of leftovers.rows)
        await admin.query(`drop database if exists ${row.datname} with (force)`);
      await admin.end();
    };
  }

  const lite = new PGlite();
  const database = await openPglite(lite);
  await prepareTemplate(database);
  const dump = await lite.dumpDataDir('none');
  await database.close();
  const dir = path.resolve('.faro-test');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `template-${runId}.tar`);
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  project.provide('postgresTemplate', '');
  return async () => {
    const { rm } = await import('node:fs/promises');
    await rm(file, { force: true });
  };
}
