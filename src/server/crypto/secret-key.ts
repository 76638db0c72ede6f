import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, copyFile, link, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import type { KeyRing } from './secret-box.js';

/**
 * The server's 32-byte key: from FARO_SECRET_KEY, or else a key file made
 * once (mode 0600, in a folder of its own mode 0700 when Faro makes it), so
 * that `npm start` — on PGlite or with just DATABASE_URL — needs no setup.
 *
 * The file is kept beside the data folder, never in it (FARO_SECRET_KEY_FILE,
 * default `<data folder>.key`): a copy or backup of the data must not carry
 * the key that opens its sealed fields. Earlier versions kept it inside the
 * data folder; such a key is moved out on start, with a warning. The key must
 * never live in the database. With PostgreSQL and several machines, every
 * process needs the same key: set FARO_SECRET_KEY (a warning says so).
 *
 * The file may hold several keys, one a line: the first seals, the others
 * (kept by `faro keys rotate`) only open; this returns the first.
 */
export async function loadSecretKey(
  config: Pick<Config, 'secretKey' | 'keyFile' | 'legacyKeyFile' | 'database'>,
  warn: (message: string) => void = () => undefined,
): Promise<Uint8Array> {
  if (config.secretKey) return config.secretKey;
  const file = config.keyFile;
  if (config.database.kind === 'postgres') {
    warn(
      `FARO_SECRET_KEY is not set: using the key file ${file}. Every Faro process must use the same key; on several machines set FARO_SECRET_KEY.`,
    );
  }
  await moveLegacyKey(config.legacyKeyFile, file, warn);
  const existing = await readKeys(file, warn);
  if (existing) return existing[0] as Uint8Array;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // Written whole under a name of its own, then linked into place: another
  // process never reads a key file that is there but not yet written, and a
  // link never replaces a key that is already there.
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(draft, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, file);
    return key;
  } catch (error) {
    // Another process starting at the same moment put its key there first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const theirs = await readKeys(file, warn);
    if (!theirs) throw error;
    return theirs[0] as Uint8Array;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/**
 * Moves a key file left inside the data folder by an earlier version to its
 * own place. A hard link then unlink never overwrites a key already there; two
 * processes doing this at once end with the same single key.
 */
async function moveLegacyKey(legacy: string, file: string, warn: (message: string) => void): Promise<void> {
  if (legacy === file) return;
  try {
    await stat(legacy);
  } catch {
    return;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    await link(legacy, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EXDEV' || code === 'EPERM') {
      await copyFile(legacy, file, 1 /* COPYFILE_EXCL */).catch((copyError: NodeJS.ErrnoException) => {
        if (copyError.code !== 'EEXIST') throw copyError;
      });
    } else if (code === 'EEXIST') {
      const [kept, old] = await Promise.all([readFile(file, 'utf8'), readFile(legacy, 'utf8')]);
      if (kept.trim() !== old.trim()) {
        warn(
          `Two different server keys: ${file} is used; ${legacy}, inside the data folder, is left as it is. Delete the one that is not needed.`,
        );
        return;
      }
    } else if (code !== 'ENOENT') {
      throw error;
    }
  }
  await unlink(legacy).catch(() => undefined);
  warn(
    `The server key was moved out of the data folder to ${file}, so that a copy of the data does not carry the key that opens it. Back it up separately.`,
  );
}

async function readKeys(file: string, warn: (message: string) => void): Promise<Uint8Array[] | null> {
  try {
    const { mode } = await stat(file);
    if ((mode & 0o077) !== 0) {
      await chmod(file, 0o600);
      warn(`The key file ${file} could be read by other users of this machine; it is now private (0600).`);
    }
    return parseKeyFile(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** A key file: one base64 key a line, the current first, then older keys that only open. */
export function parseKeyFile(text: string): Uint8Array[] {
  const keys = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map(decodeKey);
  if (keys.length === 0) throw new Error('the key file holds no key');
  return keys;
}

/**
 * The keyring of this process: FARO_SECRET_KEY (or the key file's first key) seals; the file's
 * other lines, FARO_OLD_SECRET_KEYS and FARO_NEXT_SECRET_KEY only open. In key-file mode a value
 * naming a key the ring lacks makes it re-read the file (`faro keys rotate` may have written it).
 */
export async function loadKeyRing(
  config: Pick<Config, 'secretKey' | 'openOnlyKeys' | 'keyFile' | 'legacyKeyFile' | 'database'>,
  warn: (message: string) => void = () => undefined,
): Promise<KeyRing> {
  const current = await loadSecretKey(config, warn);
  if (config.secretKey) return { current, others: config.openOnlyKeys };
  const fromFile = (await readKeys(config.keyFile, warn)) ?? [current];
  const ringOf = (keys: Uint8Array[]): KeyRing => ({
    current: keys[0] as Uint8Array,
    others: [...keys.slice(1), ...config.openOnlyKeys],
    reload: () => {
      try {
        return ringOf(parseKeyFile(readFileSync(config.keyFile, 'utf8')));
      } catch {
        return null;
      }
    },
  });
  return ringOf(fromFile);
}

/**
 * Writes a key file anew (one key a line, the current first), whole under a name of its own and
 * renamed into place: a process re-reading it sees the old file or the new, never half of one.
 */
export async function writeKeyFile(file: string, keys: readonly Uint8Array[]): Promise<void> {
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(draft, keys.map((key) => `${Buffer.from(key).toString('base64')}\n`).join(''), {
    mode: 0o600,
    flag: 'wx',
  });
  try {
    await rename(draft, file);
  } catch (error) {
    await unlink(draft).catch(() => undefined);
    throw error;
  }
}

/** Where the key came from, for messages: the variable or the file. */
export function keySource(config: Pick<Config, 'secretKey' | 'keyFile'>): string {
  return config.secretKey ? 'in FARO_SECRET_KEY' : `in ${config.keyFile}`;
}

/** Decodes a base64 key, insisting on 32 bytes. */
export function decodeKey(base64: string): Uint8Array {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('a secret key must be 32 bytes, base64-encoded');
  return key;
}
