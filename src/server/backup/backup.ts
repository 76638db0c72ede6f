import { createReadStream } from 'node:fs';
import { lstat, open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import {
  BackupRefused,
  MESSAGE_BYTES,
  type Recipient,
  type StreamWriter,
  startEncryption,
} from './envelope.js';
import { connectionOf, startProgram } from './programs.js';

/**
 * What a backup holds, inside the encryption: frames, each one message of the
 * stream (a type byte, then its bytes). First what the backup is of, then the
 * database (pg_dump's custom format, or PGlite's data folder as a tar), then
 * each file of the evidence folder, then the end, with the counts to check.
 */
export const FRAME = { meta: 1, database: 2, file: 3, fileData: 4, end: 5 } as const;

export interface BackupMeta {
  /** The engine the dump is of: restored only into the same. */
  database: 'postgres' | 'pglite';
  createdAt: string;
  /** Whether the server kept evidence originals in a folder (EVIDENCE_STORE_DIR). */
  evidenceFolder: boolean;
}

export interface BackupEnd {
  databaseBytes: number;
  files: number;
  fileBytes: number;
}

/** What the backup of a database needs to know of the configuration. */
export type BackupConfig = Pick<Config, 'database' | 'evidenceStoreDir'>;

/** Cuts what is pushed into frames of at most one message. */
function framer(writer: StreamWriter, onBytes?: (n: number) => void) {
  return {
    async frame(type: number, payload: Uint8Array, final = false) {
      const message = new Uint8Array(payload.length + 1);
      message[0] = type;
      message.set(payload, 1);
      await writer.push(message, final);
    },
    async data(type: number, bytes: Uint8Array) {
      for (let at = 0; at < bytes.length; at += MESSAGE_BYTES - 1) {
        const part = bytes.subarray(at, at + MESSAGE_BYTES - 1);
        await this.frame(type, part);
        onBytes?.(part.length);
      }
    },
  };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** Every regular file under `root`, as paths relative to it ('/'-separated), sorted. */
export async function filesIn(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (relative: string) => {
    let names: string[];
    try {
      names = await readdir(path.join(root, relative));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const name of names.sort()) {
      const child = relative ? `${relative}/${name}` : name;
      const info = await lstat(path.join(root, child));
      if (info.isDirectory()) await visit(child);
      else if (info.isFile()) found.push(child);
    }
  };
  await visit('');
  return found;
}

/**
 * Writes an encrypted backup of the database and the evidence folder to
 * `file`: into `file.partial` first, renamed when complete, so a backup
 * interrupted half-way is never taken for one. The dump is encrypted as it
 * is made: no plaintext reaches the disk.
 */
export async function writeBackup(options: {
  database: Database;
  config: BackupConfig;
  recipient: Recipient;
  file: string;
  onProgress?: (bytes: number) => void;
  now?: Date;
}): Promise<BackupEnd> {
  const { database, config } = options;
  const partial = `${options.file}.partial`;
  const handle = await open(partial, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST')
      throw new BackupRefused(
        `${partial} exists: another backup is being written to it, or one was interrupted (remove it).`,
      );
    throw error;
  });
  let done = 0;
  const progress = (n: number) => {
    done += n;
    options.onProgress?.(done);
  };
  let complete = false;
  try {
    const writer = await startEncryption(options.recipient, async (bytes) => {
      await handle.write(bytes);
    });
    const frames = framer(writer, progress);
    const meta: BackupMeta = {
      database: database.kind,
      createdAt: (options.now ?? new Date()).toISOString(),
      evidenceFolder: config.evidenceStoreDir !== undefined,
    };
    await frames.frame(FRAME.meta, json(meta));
    const end: BackupEnd = { databaseBytes: 0, files: 0, fileBytes: 0 };
    const databaseBytes = async (bytes: Uint8Array) => {
      end.databaseBytes += bytes.length;
      await frames.data(FRAME.database, bytes);
    };
    if (database.kind === 'pglite') {
      if (!database.snapshot) throw new Error('this embedded database cannot be dumped');
      const tar = await database.snapshot();
      for await (const chunk of tar.stream()) await databaseBytes(chunk);
    } else {
      if (config.database.kind !== 'postgres') throw new Error('a PostgreSQL database without its URL');
      await dumpPostgres(config.database.url, databaseBytes);
    }
    // After the dump: every original a row of it names is in the folder by now.
    if (config.evidenceStoreDir) {
      const root = config.evidenceStoreDir;
      for (const relative of await filesIn(root)) {
        const size = (await lstat(path.join(root, relative))).size;
        await frames.frame(FRAME.file, json({ path: relative, size }));
        let read = 0;
        const chunks = size > 0 ? createReadStream(path.join(root, relative), { end: size - 1 }) : [];
        for await (const chunk of chunks) {
          read += (chunk as Buffer).length;
          await frames.data(FRAME.fileData, chunk as Buffer);
        }
        if (read !== size) throw new Error(`evidence file ${relative} changed while it was backed up`);
        end.files++;
        end.fileBytes += size;
      }
    }
    await frames.frame(FRAME.end, json(end), true);
    await handle.sync();
    await handle.close();
    await rename(partial, options.file);
    complete = true;
    return end;
  } finally {
    if (!complete) {
      await handle.close().catch(() => undefined);
      await unlink(partial).catch(() => undefined);
    }
  }
}

/** Streams pg_dump's custom-format archive of the database into `push`. */
async function dumpPostgres(url: string, push: (bytes: Uint8Array) => Promise<void>): Promise<void> {
  const { dbname, env } = connectionOf(url);
  const { child, finished } = await startProgram(
    'pg_dump',
    // Unlogged tables hold only passing counters (rate limits), as PGlite's own dump leaves them out too.
    ['--format=custom', '--no-unlogged-table-data', `--dbname=${dbname}`],
    env,
  );
  child.stdin?.end();
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) await push(chunk);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  await finished;
}
