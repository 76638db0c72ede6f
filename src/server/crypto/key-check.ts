import { type Config, StartupError } from '../config.js';
import type { Drizzle } from '../db/database.js';
import {
  createSecretBox,
  type KeyRing,
  keyId,
  kidOf,
  type SecretBox,
  UnknownKeyError,
} from './secret-box.js';
import { keySource, loadKeyRing } from './secret-key.js';
import { findServerKey, insertServerKeyIfMissing, listServerKeys } from './server-keys.repo.js';

const CHECK = 'key-check';
/** The key of `box.digest`: not the rotating key, so stored digests keep their values across rotations. */
export const DIGEST_KEY = 'digest-key';
export const serverKeyContext = (name: string) => `server-key:${name}`;

/**
 * The keyring of this process, checked against the database (below), with its digest key set:
 * what the server and every `faro` command that opens sealed data starts with.
 */
export async function openKeyring(
  db: Drizzle,
  config: Pick<Config, 'secretKey' | 'openOnlyKeys' | 'keyFile' | 'legacyKeyFile' | 'database'>,
  warn: (message: string) => void = () => undefined,
): Promise<SecretBox> {
  const ring = await loadKeyRing(config, warn);
  const box = await createSecretBox(ring);
  await checkServerKey(db, box, keySource(config), ring);
  return box;
}

/**
 * Refuses to start with a server key other than the one this database's
 * sealed data was made with: a value sealed with the first key is kept in
 * `server_keys` (beside the VAPID keys, sealed the same way), and every row
 * there must open. Otherwise a wrong key would show only later, as a crash or
 * as data nobody can read.
 *
 * Then sets the box's digest key. The first start with key rotation stores the key the
 * database was made with (the one that opens the key-check row: the key every digest already
 * stored was made with) as the `digest-key` row, sealed like the others; a rotation re-seals it.
 */
export async function checkServerKey(
  db: Drizzle,
  box: SecretBox,
  source: string,
  ring?: KeyRing,
): Promise<void> {
  await insertServerKeyIfMissing(db, CHECK, box.seal('faro', serverKeyContext(CHECK)));
  for (const row of await listServerKeys(db)) {
    try {
      box.open(row.sealed, serverKeyContext(row.name));
    } catch (error) {
      throw new StartupError(
        error instanceof UnknownKeyError
          ? `The server key ${source} does not match this database: its data was sealed with the key ${error.kid}, which this process was not given (it has ${box.kids().join(', ')}). After a rotation, start with the new key as FARO_SECRET_KEY (or first in the key file) and the older ones in FARO_OLD_SECRET_KEYS until they are retired.`
          : `The server key ${source} does not match this database, whose data was sealed with another key: start Faro with the key this database was made with.`,
      );
    }
  }
  let sealed = await findServerKey(db, DIGEST_KEY);
  if (!sealed) {
    const original = await originalKey(db, ring ?? null);
    if (!original) return; // a box made from one key: the digest key is that key (as before rotation)
    await insertServerKeyIfMissing(
      db,
      DIGEST_KEY,
      box.seal(Buffer.from(original).toString('base64'), serverKeyContext(DIGEST_KEY)),
    );
    sealed = (await findServerKey(db, DIGEST_KEY)) as string;
  }
  box.setDigestKey(Buffer.from(box.open(sealed, serverKeyContext(DIGEST_KEY)), 'base64'));
}

/** The key of the ring that opens the key-check row: the key this database was made with. */
async function originalKey(db: Drizzle, ring: KeyRing | null): Promise<Uint8Array | null> {
  if (!ring) return null;
  const check = (await findServerKey(db, CHECK)) as string;
  const keys = [ring.current, ...(ring.others ?? [])];
  const kid = kidOf(check);
  for (const key of keys) {
    if (kid !== 'v1' && keyId(key) !== kid) continue;
    try {
      (await createSecretBox(key)).open(check, serverKeyContext(CHECK));
      return key;
    } catch {
      // not this one
    }
  }
  return null;
}
