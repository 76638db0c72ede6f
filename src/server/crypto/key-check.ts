import { StartupError } from '../config.js';
import type { Drizzle } from '../db/database.js';
import type { SecretBox } from './secret-box.js';
import { insertServerKeyIfMissing, listServerKeys } from './server-keys.repo.js';

const CHECK = 'key-check';
const context = (name: string) => `server-key:${name}`;

/**
 * Refuses to start with a server key other than the one this database's
 * sealed data was made with: a value sealed with the first key is kept in
 * `server_keys` (beside the VAPID keys, sealed the same way), and every row
 * there must open. Otherwise a wrong key would show only later, as a crash or
 * as data nobody can read.
 */
export async function checkServerKey(db: Drizzle, box: SecretBox, keySource: string): Promise<void> {
  await insertServerKeyIfMissing(db, CHECK, box.seal('faro', context(CHECK)));
  for (const row of await listServerKeys(db)) {
    try {
      box.open(row.sealed, context(row.name));
    } catch {
      throw new StartupError(
        `The server key ${keySource} does not match this database, whose data was sealed with another key: start Faro with the key this database was made with.`,
      );
    }
  }
}
