import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';

const KEY_FILE = 'faro-secret.key';

/**
 * The server's 32-byte key: from FARO_SECRET_KEY, or else a key file made
 * once in the data folder (mode 0600), so that `npm start` — on PGlite or with
 * just DATABASE_URL — needs no setup. The key must never live in the database.
 * With PostgreSQL and several machines, every process needs the same key:
 * set FARO_SECRET_KEY (a warning says so when the file is used).
 */
export async function loadSecretKey(
  config: Config,
  warn: (message: string) => void = () => undefined,
): Promise<Uint8Array> {
  if (config.secretKey) return config.secretKey;
  const file = path.join(config.keyDir, KEY_FILE);
  if (config.database.kind === 'postgres') {
    warn(
      `FARO_SECRET_KEY is not set: using the key file ${file}. Every Faro process must use the same key; on several machines set FARO_SECRET_KEY.`,
    );
  }
  const existing = await readKey(file);
  if (existing) return existing;
  await mkdir(config.keyDir, { recursive: true });
  const key = randomBytes(32);
  try {
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    // Another process starting at the same moment wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const theirs = await readKey(file);
    if (!theirs) throw error;
    return theirs;
  }
}

async function readKey(file: string): Promise<Uint8Array | null> {
  try {
    return decodeKey((await readFile(file, 'utf8')).trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Decodes a base64 key, insisting on 32 bytes. */
export function decodeKey(base64: string): Uint8Array {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('a secret key must be 32 bytes, base64-encoded');
  return key;
}
