import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Config } from '../server/config.js';
import type { ResealProgress } from '../server/crypto/rotation.js';
import type { Database } from '../server/db/database.js';
import { StartupError } from '../server/startup-error.js';
import { loadConfigOrExit, migrateDatabase, openKeyring } from './lazy.js';

/** The key rotation functions, loaded when a `faro keys` command runs (not for `faro --help`). */
const loadRotation = () => import('../server/crypto/rotation.js');

type WithDatabase = (config: Config, fn: (database: Database) => Promise<void>) => Promise<void>;

/** `faro keys …`: rotating the server key (docs/OPERATIONS.md, "Rotating the server key"). */
export function addKeyCommands(program: Command, withDatabase: WithDatabase): void {
  const keys = program.command('keys').description('The server key: status, re-sealing, rotation.');
  keys
    .command('status')
    .description('How many sealed values use each key, and whether the older keys can be retired.')
    .action(async () => {
      const config = await loadConfigOrExit();
      await withDatabase(config, async (database) => {
        await migrateDatabase(database);
        const box = await openKeyring(database.db, config, (message) => console.warn(message));
        const { describeStatus, keyStatus } = await loadRotation();
        for (const line of describeStatus(await keyStatus(database, box), box.kids())) console.log(line);
      });
    });
  keys
    .command('reseal')
    .description('Re-seal every sealed value with the current key, in batches (safe to stop and run again).')
    .action(async () => {
      const config = await loadConfigOrExit();
      await withDatabase(config, (database) => reseal(config, database));
    });
  keys
    .command('rotate')
    .description('Key-file mode: write a new key first in the key file, then re-seal everything with it.')
    .action(async () => {
      const config = await loadConfigOrExit();
      if (config.secretKey)
        throw new StartupError(
          'FARO_SECRET_KEY is set: rotate by hand (docs/OPERATIONS.md, "Rotating the server key"): announce the new key as FARO_NEXT_SECRET_KEY, make it FARO_SECRET_KEY with the old one in FARO_OLD_SECRET_KEYS, then run `faro keys reseal`.',
        );
      await withDatabase(config, async (database) => {
        await migrateDatabase(database);
        // The key file must open this database before a new key goes in front of it.
        await openKeyring(database.db, config, (message) => console.warn(message));
        const { rotateKeyFile } = await loadRotation();
        const { keyId } = await import('../server/crypto/secret-box.js');
        const written = await rotateKeyFile(config.keyFile, (file) => readFile(file, 'utf8'));
        console.log(
          `New key ${keyId(written[0] as Uint8Array)} written first in ${config.keyFile}; older keys kept after it (open only). Back up the file.`,
        );
        await reseal(config, database);
      });
    });
}

async function reseal(config: Config, database: Database): Promise<void> {
  await migrateDatabase(database);
  const box = await openKeyring(database.db, config, (message) => console.warn(message));
  const bar = process.stderr.isTTY
    ? ({ column, done, total }: ResealProgress) => {
        const width = 30;
        const filled = Math.round((done / Math.max(total, 1)) * width);
        process.stderr.write(
          `\r${column.padEnd(44)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done >= total ? '\n' : ''}`,
        );
      }
    : undefined;
  const { describeStatus, keyStatus, resealAll } = await loadRotation();
  const result = await resealAll(database, box, { onProgress: bar });
  console.log(
    `Re-sealed ${result.resealed} values with the key ${box.currentKid}${result.skipped ? ` (${result.skipped} changed meanwhile, already sealed with it)` : ''}.`,
  );
  if (result.failed.length > 0) {
    for (const failure of result.failed) console.error(`  did not open: ${failure}`);
    throw new StartupError(
      `${result.failed.length} values did not open with the keys given and were left as they are: give the key they were sealed with (FARO_OLD_SECRET_KEYS or a line of the key file) and run \`faro keys reseal\` again.`,
    );
  }
  for (const line of describeStatus(await keyStatus(database, box), box.kids())) console.log(line);
}
