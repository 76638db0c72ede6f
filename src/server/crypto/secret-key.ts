import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';

const KEY_FILE = 'faro-secret.key';

/**
 * The server's 32-byte key: from FARO_SECRET_KEY, or — for the embedded
 * database only — a key file made once beside the data (mode 0600), so
 * `npm start` needs no setup. With PostgreSQL the key must be configured:
 * it must be the same in every process and must not live in the database.
 */
export async function loadSecretKey(config: Config): Promise<Uint8Array> {
  if (config.secretKey) return config.secretKey;
  if (config.database.kind !== 'pglite') {
    throw new Error(
      'FARO_SECRET_KEY is required with DATABASE_URL (32 random bytes, base64: `openssl rand -base64 32`).',
    );
  }
  const file = path.join(config.database.dataDir, KEY_FILE);
  try {
    return decodeKey((await readFile(file, 'utf8')).trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(config.database.dataDir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

/** Decodes a base64 key, insisting on 32 bytes. */
export function decodeKey(base64: string): Uint8Array {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('a secret key must be 32 bytes, base64-encoded');
  return key;
}
