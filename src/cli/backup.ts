import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { Opener, Recipient } from '../server/backup/envelope.js';
import { BackupRefused } from '../server/backup/refused.js';
import type { Config } from '../server/config.js';
import type { Database } from '../server/db/database.js';
import { StartupError } from '../server/startup-error.js';
import { loadConfigOrExit, openDatabase, openKeyring } from './lazy.js';

// Loaded when a backup command runs, not for `faro --help`.
const loadWriter = () => import('../server/backup/backup.js');
const loadEnvelope = () => import('../server/backup/envelope.js');
const loadRestore = () => import('../server/backup/restore.js');

/** `faro backup`, `faro backup keygen`, `faro restore` (see docs/BACKUPS.md). */
export function registerBackupCommands(program: Command): void {
  const backup = program
    .command('backup')
    .description(
      'Write an encrypted backup of the database and the evidence folder to <file> (to a public key, or a passphrase). Not the server key: keep that apart.',
    )
    .argument('<file>', 'the backup file to write (not overwritten if it exists)')
    .option(
      '--public-key <key>',
      'encrypt to this public key (from `faro backup keygen`; default BACKUP_PUBLIC_KEY)',
    )
    .option(
      '--passphrase-file <file>',
      'encrypt with the passphrase in this file (else typed, when no public key)',
    )
    .action(async (file: string, options: { publicKey?: string; passphraseFile?: string }) => {
      await refusing(async () => {
        const config = await loadConfigOrExit();
        if (existsSync(file)) throw new BackupRefused(`${file} exists: choose a new file name.`);
        const recipient = await recipientOf(config, options);
        const database = await openForBackup(config);
        try {
          const { databaseSize } = await import('../server/db/inventory.js');
          const { writeBackup } = await loadWriter();
          const estimate = (await databaseSize(database.pool)) + (await folderSize(config.evidenceStoreDir));
          const bar = await progressBar('backup', estimate);
          try {
            const end = await writeBackup({ database, config, recipient, file, onProgress: bar?.update });
            // The estimate was the database's size on disk; a dump is smaller. Done is done.
            bar?.complete();
            console.log(
              `Backup written to ${file}: database ${mib(end.databaseBytes)}, ${end.files} evidence files (${mib(end.fileBytes)}), encrypted ${'publicKey' in recipient ? 'to the public key' : 'with the passphrase'}.`,
            );
          } finally {
            bar?.stop();
          }
        } finally {
          await database.close();
        }
      });
    });
  backup
    .command('keygen')
    .description(
      'Make a key pair for backups: the private key into <file> (keep it offline; only restoring needs it), the public key printed (BACKUP_PUBLIC_KEY).',
    )
    .argument('<file>', 'where to write the private key (not overwritten)')
    .action(async (file: string) => {
      await refusing(async () => {
        const { generateBackupKeyPair, privateKeyFileText } = await loadEnvelope();
        const pair = await generateBackupKeyPair();
        await writeFile(file, privateKeyFileText(pair), { flag: 'wx', mode: 0o600 }).catch(
          (error: NodeJS.ErrnoException) => {
            throw error.code === 'EEXIST'
              ? new BackupRefused(`${file} exists: choose a new file name.`)
              : error;
          },
        );
        console.log(`Private key written to ${file}: keep it away from the server and its backups.`);
        console.log(
          `Public key (BACKUP_PUBLIC_KEY, or --public-key): ${Buffer.from(pair.publicKey).toString('base64')}`,
        );
      });
    });

  program
    .command('restore')
    .description(
      'Restore a backup into an empty database (and evidence folder), then migrate it forward; --check only opens and checks the file.',
    )
    .argument('<file>', 'a backup written by `faro backup`')
    .option('--private-key <file>', 'the private key file, for a backup encrypted to a public key')
    .option(
      '--passphrase-file <file>',
      'the passphrase in a file, for a backup encrypted with one (else typed)',
    )
    .option('--check', 'open and check the whole file; restore nothing')
    .action(
      async (file: string, options: { privateKey?: string; passphraseFile?: string; check?: boolean }) => {
        await refusing(async () => {
          if (!existsSync(file)) throw new BackupRefused(`There is no file ${file}.`);
          const opener = await openerOf(file, options);
          const size = (await stat(file)).size;
          const { readBackup, restoreBackup } = await loadRestore();
          if (options.check) {
            const bar = await progressBar('check', size);
            const { meta, end } = await readBackup(file, opener, {}, (read) => bar?.update(read)).finally(
              () => bar?.stop(),
            );
            console.log(
              `The backup opens and is complete: ${meta.database === 'postgres' ? 'PostgreSQL' : 'embedded'} database of ${meta.createdAt} (${mib(end.databaseBytes)}), ${end.files} evidence files (${mib(end.fileBytes)}).`,
            );
            return;
          }
          const config = await loadConfigOrExit();
          const bar = await progressBar('restore', size);
          const { meta, end } = await restoreBackup({
            file,
            opener,
            config,
            onProgress: (read) => bar?.update(read),
            log: (message) => console.warn(message),
          }).finally(() => bar?.stop());
          console.log(
            `Restored the backup of ${meta.createdAt}: database ${mib(end.databaseBytes)}, ${end.files} evidence files; migrated to this version.`,
          );
          await checkKeyAfterRestore(config);
        });
      },
    );
}

/** Says what was refused in one sentence, exit code 1; anything else is Faro's own bug. */
async function refusing(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof BackupRefused)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function folderSize(folder: string | undefined): Promise<number> {
  if (!folder) return 0;
  const { filesIn } = await loadWriter();
  let total = 0;
  for (const relative of await filesIn(folder)) total += (await stat(path.join(folder, relative))).size;
  return total;
}

type ProgressBar = { update: (done: number) => void; complete: () => void; stop: () => void };

/** A bar of bytes done on stderr, when stderr is a terminal. */
async function progressBar(label: string, total: number): Promise<ProgressBar | undefined> {
  if (!process.stderr.isTTY) return undefined;
  const { SingleBar } = await import('cli-progress');
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] {percentage}% {done}`,
    hideCursor: true,
    clearOnComplete: false,
  });
  let max = Math.max(1, total);
  bar.start(max, 0, { done: mib(0) });
  let stopped = false;
  let last = 0;
  const progress: ProgressBar = {
    update(done) {
      last = done;
      if (done > max) {
        max = done;
        bar.setTotal(max);
      }
      bar.update(done, { done: mib(done) });
    },
    complete() {
      max = Math.max(1, last);
      bar.setTotal(max);
      bar.update(max, { done: mib(last) });
      this.stop();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
  return progress;
}

async function openForBackup(config: Config): Promise<Database> {
  if (config.database.kind === 'pglite' && !existsSync(path.join(config.database.dataDir, 'PG_VERSION')))
    throw new BackupRefused(`There is no embedded database in ${config.database.dataDir} (FARO_DATA_DIR).`);
  try {
    return await openDatabase(config.database, (message) => console.warn(message));
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith('Another Faro process'))
      throw new BackupRefused(
        `${message} A running server writes its own backups when BACKUP_DIR is set (docs/BACKUPS.md).`,
      );
    throw error;
  }
}

async function recipientOf(
  config: Config,
  options: { publicKey?: string; passphraseFile?: string },
): Promise<Recipient> {
  if (options.publicKey && options.passphraseFile)
    throw new BackupRefused('Give a public key or a passphrase, not both.');
  if (options.publicKey) return { publicKey: (await loadEnvelope()).parsePublicKey(options.publicKey) };
  if (options.passphraseFile || !config.backup) {
    const passphrase = options.passphraseFile
      ? await passphraseFrom(options.passphraseFile)
      : await typedPassphrase(true);
    if (passphrase.length < 12)
      throw new BackupRefused('The passphrase must be at least 12 characters (a few words are best).');
    return { passphrase };
  }
  return { publicKey: config.backup.publicKey };
}

async function openerOf(
  file: string,
  options: { privateKey?: string; passphraseFile?: string },
): Promise<Opener> {
  const { parsePrivateKeyFile, readHeader } = await loadEnvelope();
  const header = await readHeader(file);
  if (header.mode === 'public-key') {
    if (!options.privateKey)
      throw new BackupRefused(
        'This backup is encrypted to a public key: give its private key file (--private-key).',
      );
    return { keyPair: parsePrivateKeyFile(await readFile(options.privateKey, 'utf8')) };
  }
  return {
    passphrase: options.passphraseFile
      ? await passphraseFrom(options.passphraseFile)
      : await typedPassphrase(false),
  };
}

/** A passphrase file's first line. */
async function passphraseFrom(file: string): Promise<string> {
  return (await readFile(file, 'utf8')).split(/\r?\n/)[0] ?? '';
}

/** Asks for the passphrase on the terminal without showing it (twice when making a backup). */
async function typedPassphrase(twice: boolean): Promise<string> {
  if (!process.stdin.isTTY)
    throw new BackupRefused('Not a terminal: give --passphrase-file, or a public key (--public-key).');
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      process.stderr.write(question);
      (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => undefined;
      rl.question('', (answer) => {
        rl.close();
        process.stderr.write('\n');
        resolve(answer);
      });
    });
  const first = await ask('Backup passphrase: ');
  if (twice && (await ask('Again: ')) !== first) throw new BackupRefused('The two passphrases differ.');
  return first;
}

/** After a restore: whether the server key here opens the restored sealed fields. */
async function checkKeyAfterRestore(config: Config): Promise<void> {
  if (!config.secretKey && !existsSync(config.keyFile)) {
    console.log(
      `No server key is set up here: put the original one in place (FARO_SECRET_KEY, or the key file ${config.keyFile}) before starting Faro; without it the sealed fields cannot be read.`,
    );
    return;
  }
  const database = await openDatabase(config.database);
  try {
    await openKeyring(database.db, config, (message) => console.warn(message));
    console.log('The server key here opens the restored sealed fields.');
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    console.log(`Warning: ${error.message}`);
  } finally {
    await database.close();
  }
}
