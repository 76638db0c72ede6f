import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Config } from '../config.js';
import { lockDataDir } from '../db/data-dir-lock.js';
import { type Database, openDatabase } from '../db/database.js';
import { dropFaroSchemas, firstTableWithRows } from '../db/inventory.js';
import { migrateDatabase } from '../db/migrate.js';
import { PrivateNodeFS } from '../db/private-folder.js';
import { type BackupEnd, type BackupMeta, FRAME, filesIn } from './backup.js';
import { BackupRefused, decryptMessages, type Opener } from './envelope.js';
import { connectionOf, startProgram } from './programs.js';

interface Handlers {
  database?(bytes: Uint8Array): Promise<void>;
  file?(relative: string, size: number): Promise<void>;
  fileData?(bytes: Uint8Array): Promise<void>;
}

const damaged = (what: string) => new BackupRefused(`The backup's contents are damaged (${what}).`);
const parse = <T>(bytes: Uint8Array): T => JSON.parse(Buffer.from(bytes).toString()) as T;

/** A path inside the evidence folder as the backup names it, refused if it would lead out of it. */
function safeRelative(relative: string): string {
  const parts = relative.split('/');
  if (
    !relative ||
    parts.some((part) => part === '' || part === '.' || part === '..') ||
    relative.includes('\\')
  )
    throw damaged(`an evidence file named ${JSON.stringify(relative)}`);
  return path.join(...parts);
}

/**
 * Reads a whole backup, in order, handing its parts to `handlers`: checks
 * that every part decrypts, that the parts come in the order a backup writes
 * them, and that the counts at its end match what came before.
 */
export async function readBackup(
  file: string,
  opener: Opener,
  handlers: Handlers = {},
  onProgress?: (bytesRead: number, size: number) => void,
): Promise<{ meta: BackupMeta; end: BackupEnd }> {
  let meta: BackupMeta | undefined;
  let end: BackupEnd | undefined;
  const seen: BackupEnd = { databaseBytes: 0, files: 0, fileBytes: 0 };
  let fileLeft = 0;
  for await (const message of decryptMessages(file, opener, onProgress)) {
    const type = message[0];
    const body = message.subarray(1);
    if (end) throw damaged('a part after the end');
    if (!meta) {
      if (type !== FRAME.meta) throw damaged('no description first');
      meta = parse<BackupMeta>(body);
      continue;
    }
    if (type === FRAME.database) {
      if (seen.files > 0) throw damaged('database after files');
      seen.databaseBytes += body.length;
      await handlers.database?.(body);
    } else if (type === FRAME.file) {
      if (fileLeft !== 0) throw damaged('a file cut short');
      const { path: relative, size } = parse<{ path: string; size: number }>(body);
      safeRelative(relative);
      seen.files++;
      fileLeft = size;
      await handlers.file?.(relative, size);
    } else if (type === FRAME.fileData) {
      fileLeft -= body.length;
      if (fileLeft < 0 || seen.files === 0) throw damaged('file data out of place');
      seen.fileBytes += body.length;
      await handlers.fileData?.(body);
    } else if (type === FRAME.end) {
      end = parse<BackupEnd>(body);
    } else throw damaged(`a part of unknown type ${type}`);
  }
  if (!meta || !end) throw damaged('no end');
  if (fileLeft !== 0 || JSON.stringify(seen) !== JSON.stringify(end))
    throw damaged('its counts do not match what it holds');
  return { meta, end };
}

const ENGINE = { postgres: 'PostgreSQL (DATABASE_URL)', pglite: 'the embedded database (FARO_DATA_DIR)' };

/**
 * Restores a backup into an empty database (and an empty evidence folder),
 * then migrates it forward. The whole file is checked first: a file that
 * does not open, or is cut short, is refused before anything is written.
 */
export async function restoreBackup(options: {
  file: string;
  opener: Opener;
  config: Pick<Config, 'database' | 'evidenceStoreDir'>;
  onProgress?: (bytesRead: number, size: number) => void;
  log?: (message: string) => void;
}): Promise<{ meta: BackupMeta; end: BackupEnd }> {
  const { config, file, opener } = options;
  const checked = await readBackup(file, opener);
  const { meta, end } = checked;
  if (meta.database !== config.database.kind)
    throw new BackupRefused(
      `This backup is of ${ENGINE[meta.database]}; the configuration here names ${ENGINE[config.database.kind]}: restore it into the same kind of database.`,
    );
  const evidenceDir = config.evidenceStoreDir;
  if (end.files > 0 && !evidenceDir)
    throw new BackupRefused(
      `This backup holds ${end.files} evidence files kept outside the database: set EVIDENCE_STORE_DIR to the (empty) folder to restore them into.`,
    );
  if (evidenceDir && end.files > 0 && (await filesIn(evidenceDir)).length > 0)
    throw new BackupRefused(
      `The evidence folder ${evidenceDir} is not empty: restore into an empty folder (a new EVIDENCE_STORE_DIR).`,
    );

  if (config.database.kind === 'postgres') await emptyPostgres(config.database.url);
  else await emptyDataDir(config.database.dataDir);

  // Files are written as the backup is read again, each private to the server's user.
  let current: Awaited<ReturnType<typeof open>> | undefined;
  const files: Handlers = {
    async file(relative) {
      await current?.close();
      const target = path.join(evidenceDir as string, safeRelative(relative));
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      current = await open(target, 'wx', 0o600);
    },
    async fileData(bytes) {
      await current?.write(bytes);
    },
  };
  try {
    if (config.database.kind === 'postgres') {
      const { dbname, env } = connectionOf(config.database.url);
      const { child, finished } = await startProgram(
        'pg_restore',
        ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${dbname}`],
        env,
      );
      const stdin = child.stdin as NonNullable<typeof child.stdin>;
      stdin.on('error', () => undefined); // pg_restore's own exit says why
      child.stdout?.resume();
      await readBackup(
        file,
        opener,
        {
          ...files,
          async database(bytes) {
            if (stdin.destroyed) return;
            if (!stdin.write(bytes)) await Promise.race([once(stdin, 'drain'), once(stdin, 'close')]);
          },
        },
        options.onProgress,
      );
      stdin.end();
      await finished;
    } else {
      const parts: Uint8Array[] = [];
      await readBackup(
        file,
        opener,
        { ...files, database: async (bytes) => void parts.push(Uint8Array.from(bytes)) },
        options.onProgress,
      );
      await loadDataDir(config.database.dataDir, new Blob(parts as Uint8Array<ArrayBuffer>[]));
    }
  } finally {
    await current?.close();
  }
  const database: Database = await openDatabase(config.database, options.log);
  try {
    await migrateDatabase(database);
  } finally {
    await database.close();
  }
  return checked;
}

/** Refuses a PostgreSQL database with rows in a Faro table; clears an empty one's schemas for the restore. */
async function emptyPostgres(url: string): Promise<void> {
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
  try {
    const table = await firstTableWithRows(database.pool);
    if (table)
      throw new BackupRefused(
        `The database in DATABASE_URL is not empty (table ${table} has rows): restore into a new, empty database.`,
      );
    await dropFaroSchemas(database.pool);
  } finally {
    await database.close();
  }
}

/** Refuses a data folder whose database has rows in a Faro table; removes an empty one's. */
async function emptyDataDir(dataDir: string): Promise<void> {
  if (!existsSync(dataDir) || (await readdir(dataDir)).length === 0) return;
  let table: string | undefined;
  const database = await openDatabase({ kind: 'pglite', dataDir }).catch((error: Error) => {
    throw new BackupRefused(error.message);
  });
  try {
    table = await firstTableWithRows(database.pool);
  } finally {
    await database.close();
  }
  if (table)
    throw new BackupRefused(
      `The embedded database in ${dataDir} is not empty (table ${table} has rows): restore into a new, empty folder (FARO_DATA_DIR).`,
    );
  await rm(dataDir, { recursive: true, force: true });
}

/** Writes PGlite's data folder from the backup's tar, the folder held against other processes meanwhile. */
async function loadDataDir(dataDir: string, tar: Blob): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const unlock = await lockDataDir(dataDir);
  try {
    const lite = new PGlite({ fs: new PrivateNodeFS(dataDir), loadDataDir: tar });
    await lite.waitReady;
    await lite.close();
  } finally {
    await unlock();
  }
}
