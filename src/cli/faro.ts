import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { type Config, loadConfigOrExit } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { migrateDatabase } from '../server/db/migrate.js';
import { runServer } from '../server/main.js';
import { seedDemo } from '../server/modules/demo/seed.js';

const program = new Command()
  .name('faro')
  .description('Faro: a platform for community rapid-response networks.')
  .showHelpAfterError();

program
  .command('start')
  .description('Migrate the database, seed demo data on first start (embedded database), and serve.')
  .action(async () => {
    await runServer(loadConfigOrExit());
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit.')
  .action(async () => {
    const config = loadConfigOrExit();
    await withDatabase(config, async (database) => {
      await migrateDatabase(database);
      console.log(`Migrations applied (${database.kind}).`);
    });
  });

program
  .command('seed')
  .description('Insert the demo coalition, organizations and Los Angeles zones (once).')
  .action(async () => {
    const config = loadConfigOrExit();
    await withDatabase(config, async (database) => {
      await migrateDatabase(database);
      const inserted = await seedDemo(database);
      console.log(inserted ? 'Demo data inserted.' : 'Demo data was already there; nothing changed.');
    });
  });

const db = program.command('db').description('Database maintenance.');
db.command('reset')
  .description('Delete every table and row of Faro, then migrate afresh. Irreversible.')
  .option('-y, --yes', 'do not ask for confirmation')
  .action(async (options: { yes?: boolean }) => {
    const config = loadConfigOrExit();
    const target =
      config.database.kind === 'pglite' ? config.database.dataDir : 'the PostgreSQL database in DATABASE_URL';
    if (
      !options.yes &&
      !(await confirm(`This deletes ALL Faro data in ${target}. Type "reset" to continue: `, 'reset'))
    ) {
      console.log('Nothing was changed.');
      process.exitCode = 1;
      return;
    }
    if (config.database.kind === 'pglite') {
      await rm(config.database.dataDir, { recursive: true, force: true });
    } else {
      await withDatabase(config, async (database) => {
        await database.pool.query(
          'drop schema if exists public cascade; drop schema if exists drizzle cascade; drop schema if exists pgboss cascade; create schema public;',
        );
      });
    }
    await withDatabase(config, migrateDatabase);
    console.log('Database reset and migrated.');
  });

async function withDatabase(
  config: Config,
  fn: (database: Awaited<ReturnType<typeof openDatabase>>) => Promise<void>,
) {
  const database = await openDatabase(config.database);
  try {
    await fn(database);
  } finally {
    await database.close();
  }
}

async function confirm(question: string, expected: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    console.error('Not a terminal: pass --yes to confirm.');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim() === expected;
  } finally {
    rl.close();
  }
}

await program.parseAsync(process.argv);
