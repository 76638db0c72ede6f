import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import type { Config } from '../server/config.js';
import type { SecretBox } from '../server/crypto/secret-box.js';
import type { Database } from '../server/db/database.js';
import { isDatabaseUnavailable } from '../server/db/unavailable.js';
import type { BasemapService } from '../server/modules/basemap/basemap.service.js';
import { PROCESS_ROLES } from '../server/process-roles.js';
import { StartupError } from '../server/startup-error.js';
import { EVIDENCE_KEY_PATH } from '../shared/evidence-key.js';
import { LANGUAGES, type Language } from '../shared/report-fields.js';
import { ROLES, type Role } from '../shared/roles.js';
import { registerBackupCommands } from './backup.js';
import { addKeyCommands } from './keys.js';
import { loadConfigOrExit, migrateDatabase, openDatabase, openKeyring } from './lazy.js';

// The server, the database drivers and the libraries behind them load inside the commands
// that use them (`await import(...)`), never at start: `faro --help` stays fast (issue 19).

const program = new Command()
  .name('faro')
  .description('Faro: a platform for community rapid-response networks.')
  .showHelpAfterError();

program
  .command('start')
  .description('Migrate the database, seed demo data on first start (embedded database), and serve.')
  .addOption(
    new Option(
      '--role <role>',
      'web: the app, no jobs; worker: jobs and grouping, /healthz and /readyz only; all: both (PostgreSQL for web and worker; default FARO_ROLE, else all)',
    ).choices(PROCESS_ROLES),
  )
  .action(async (options: { role?: string }) => {
    const config = await loadConfigOrExit(options.role ? { FARO_ROLE: options.role } : {});
    const { runServer } = await import('../server/main.js');
    await runServer(config);
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit.')
  .action(async () => {
    const config = await loadConfigOrExit();
    await withDatabase(config, async (database) => {
      await migrateDatabase(database);
      console.log(`Migrations applied (${database.kind}).`);
    });
  });

program
  .command('seed')
  .description('Insert the demo coalition, organizations and Los Angeles zones (once).')
  .action(async () => {
    const config = await loadConfigOrExit();
    await withDatabase(config, async (database) => {
      await migrateDatabase(database);
      const box = await openKeyring(database.db, config, (message) => console.warn(message));
      const { seedDemoOnce } = await import('../server/modules/demo/accounts.js');
      const seeded = await seedDemoOnce(config, database, box);
      console.log(seeded ? 'Demo data inserted.' : 'Demo data was already there; nothing changed.');
    });
  });

const demo = program
  .command('demo')
  .description('The demo accounts (demo servers only: the embedded database, or FARO_DEMO=true).');
demo
  .command('accounts')
  .description(
    'Print the demo accounts again, with new passwords; nothing else changes (stop a demo on the embedded database first).',
  )
  .action(async () => {
    const { renewDemoAccounts } = await import('../server/modules/demo/accounts.js');
    const { printDemoAccounts } = await import('../server/modules/demo/seed.js');
    await withDemo(async (database, box) => printDemoAccounts(await renewDemoAccounts(database, box)));
  });
demo
  .command('code')
  .description("The second-factor code a demo account's authenticator app would show now.")
  .argument('<role>', `one of: ${ROLES.join(', ')}`)
  .action(async (role: string) => {
    if (!(ROLES as readonly string[]).includes(role))
      throw new StartupError(`There is no demo account for "${role}": choose one of ${ROLES.join(', ')}.`);
    const config = await demoConfig();
    const { demoSecondFactorCode, demoSecretsFile, keptDemoCode } = await import(
      '../server/modules/demo/accounts.js'
    );
    const { demoEmail } = await import('../server/modules/demo/seed.js');
    const say = (code: string) =>
      console.log(`${code}  (${demoEmail(role as Role)}; a new code every 30 seconds, each accepted once)`);
    // While the demo runs, its embedded database is the server's alone: the code comes from the kept secrets.
    if (config.database.kind === 'pglite') {
      const { createSecretBox } = await import('../server/crypto/secret-box.js');
      const { loadKeyRing } = await import('../server/crypto/secret-key.js');
      const box = await createSecretBox(await loadKeyRing(config, (message) => console.warn(message)));
      const kept = await keptDemoCode(demoSecretsFile(config.database.dataDir), box, role as Role);
      if (kept) return say(kept);
    }
    await withDemo(async (database, box) => say(await demoSecondFactorCode(database, box, role as Role)));
  });

/** The configuration of a demo server; anywhere else the demo commands refuse. */
async function demoConfig(): Promise<Config> {
  const config = await loadConfigOrExit();
  if (!config.seedDemo)
    throw new StartupError(
      'This is not a demo server: demo accounts exist only on the embedded database or with FARO_DEMO=true.',
    );
  return config;
}

/** Runs `fn` on a demo server's database with its key. */
async function withDemo(fn: (database: Database, box: SecretBox) => Promise<void>) {
  const config = await demoConfig();
  await withDatabase(config, async (database) => {
    await migrateDatabase(database);
    const box = await openKeyring(database.db, config, (message) => console.warn(message));
    await fn(database, box);
  });
}

addKeyCommands(program, withDatabase);

const evidence = program.command('evidence').description('Evidence bundles for counsel.');
evidence
  .command('verify')
  .description(
    "Check a bundle offline: the server's signature over its manifest, every file's SHA-256 and length, each recording's hash chain, each item's chain of custody. Exit code 0 only when every check holds.",
  )
  .argument('<bundle>', 'the bundle (.zip) as exported from Faro')
  .option(
    '--key <key>',
    `the server's public key: a file saved from ${EVIDENCE_KEY_PATH} (JSON, JWK or PEM), or its SHA-256 fingerprint`,
  )
  .option('--lang <language>', `the language of the report: ${LANGUAGES.join(', ')}`, 'en')
  .action(async (bundle: string, options: { key?: string; lang: string }) => {
    if (!(LANGUAGES as readonly string[]).includes(options.lang))
      throw new StartupError(`--lang: choose one of ${LANGUAGES.join(', ')}.`);
    // Offline, with no configuration and no database: what counsel runs on their own machine.
    const { verifyBundle } = await import('../server/modules/evidence/bundle-verify.js');
    const result = await verifyBundle(bundle, { key: options.key, language: options.lang as Language });
    for (const line of result.lines) console.log(line.text);
    process.exitCode = result.ok ? 0 : 1;
  });

const admin = program.command('admin').description('Accounts.');
admin
  .command('create')
  .description('Create an admin with a one-time password (new password and second factor at first sign-in).')
  .requiredOption('--email <email>', 'sign-in e-mail address')
  .option('--name <name>', 'display name', 'Administrator')
  .option('--organization <slug>', 'organization to join (default: the first)')
  .option('--coalition-name <name>', 'on a new server: the coalition to create')
  .option('--organization-name <name>', 'on a new server: its first organization')
  .action(
    async (options: {
      email: string;
      name: string;
      organization?: string;
      coalitionName?: string;
      organizationName?: string;
    }) => {
      const config = await loadConfigOrExit();
      const { createAdmin } = await import('../server/modules/access/bootstrap.js');
      await withDatabase(config, async (database) => {
        await migrateDatabase(database);
        try {
          const { oneTimePassword } = await createAdmin(database, {
            email: options.email,
            displayName: options.name,
            organizationSlug: options.organization,
            coalitionName: options.coalitionName,
            organizationName: options.organizationName,
          });
          console.log(`Admin ${options.email} created.`);
          console.log(`One-time password: ${oneTimePassword}`);
          console.log('At first sign-in they must choose a new password and enrol an authenticator app.');
        } catch (error) {
          console.error((error as Error).message);
          process.exitCode = 1;
        }
      });
    },
  );

const basemap = program
  .command('basemap')
  .description(
    "The coalition's street map, drawn under the board's zones and incidents (see docs/OPERATIONS.md).",
  );
basemap
  .command('import')
  .description(
    'Store a PMTiles extract (vector tiles in the Protomaps basemap layers) as the street map, replacing any before it.',
  )
  .argument('<file>', 'a .pmtiles file, e.g. made with `pmtiles extract`')
  .action(async (file: string) => {
    await withBasemaps(async (basemaps, coalitionId) => {
      const stored = await basemaps.importFile(coalitionId, file, new Date());
      const [west, south, east, north] = stored.bounds.map((value) => value.toFixed(4));
      console.log(
        `Street map imported: ${(stored.size / 2 ** 20).toFixed(1)} MiB, zoom ${stored.minZoom}–${stored.maxZoom}, ` +
          `west ${west} south ${south} east ${east} north ${north}.`,
      );
      if (stored.attribution) console.log(`Shown under the map: ${stored.attribution}`);
    });
  });
basemap
  .command('remove')
  .description('Remove the street map: the maps show the zones only.')
  .action(async () => {
    await withBasemaps(async (basemaps, coalitionId) => {
      const removed = await basemaps.remove(coalitionId, new Date());
      console.log(removed ? 'Street map removed.' : 'There was no street map; nothing changed.');
    });
  });

/** Runs `fn` with the basemap service and the deployment's coalition; what cannot be stored is said, exit 1. */
async function withBasemaps(fn: (basemaps: BasemapService, coalitionId: string) => Promise<void>) {
  const config = await loadConfigOrExit();
  const { ArchiveRefused } = await import('../server/modules/basemap/archive.js');
  const { createBasemapService } = await import('../server/modules/basemap/basemap.service.js');
  const { createCoalitionService } = await import('../server/modules/coalitions/coalitions.service.js');
  await withDatabase(config, async (database) => {
    await migrateDatabase(database);
    const coalition = await createCoalitionService(database.db)
      .current()
      .catch(() => {
        throw new StartupError(
          'This Faro server has no coalition yet: create it with `faro admin create` first.',
        );
      });
    try {
      await fn(createBasemapService(database), coalition.id);
    } catch (error) {
      if (!(error instanceof ArchiveRefused)) throw error;
      console.error(`Not imported; nothing changed. ${error.message}`);
      process.exitCode = 1;
    }
  });
}

const db = program.command('db').description('Database maintenance.');
db.command('reset')
  .description('Delete every table and row of Faro, then migrate afresh. Irreversible.')
  .option('-y, --yes', 'do not ask for confirmation')
  .action(async (options: { yes?: boolean }) => {
    const config = await loadConfigOrExit();
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
      // Refuses while a running server holds the folder: deleting it under a live process would lose its writes.
      const { lockDataDir } = await import('../server/db/data-dir-lock.js');
      const { demoSecretsFile } = await import('../server/modules/demo/accounts.js');
      if (existsSync(config.database.dataDir)) await lockDataDir(config.database.dataDir);
      await rm(config.database.dataDir, { recursive: true, force: true });
      await rm(demoSecretsFile(config.database.dataDir), { force: true });
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

registerBackupCommands(program);

async function withDatabase(config: Config, fn: (database: Database) => Promise<void>) {
  const database = await openDatabase(config.database, (message) => console.warn(message));
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

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // What the operator must fix is said in one sentence; a stack trace is for Faro's own bugs.
  if (error instanceof StartupError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG, as for an invalid environment
  }
  if (isDatabaseUnavailable(error)) {
    const code = (error as { code?: string }).code;
    process.stderr.write(
      `The database cannot be reached${code ? ` (${code})` : ''}: check DATABASE_URL and that PostgreSQL is running.\n`,
    );
    process.exit(69); // EX_UNAVAILABLE
  }
  throw error;
}
