// The server functions most commands share, loaded when a command first calls them:
// importing them here costs nothing, so `faro --help` loads neither zod nor the database drivers.
import type * as ConfigModule from '../server/config.js';
import type * as KeyCheck from '../server/crypto/key-check.js';
import type * as DatabaseModule from '../server/db/database.js';
import type * as Migrate from '../server/db/migrate.js';

/** The configuration from the environment, or exit 78 naming every problem (as `loadConfigOrExit`). */
export const loadConfigOrExit = async (
  ...args: Parameters<typeof ConfigModule.loadConfigOrExit>
): Promise<ConfigModule.Config> => (await import('../server/config.js')).loadConfigOrExit(...args);

export const openDatabase: typeof DatabaseModule.openDatabase = async (...args) =>
  (await import('../server/db/database.js')).openDatabase(...args);

export const migrateDatabase: typeof Migrate.migrateDatabase = async (...args) =>
  (await import('../server/db/migrate.js')).migrateDatabase(...args);

export const openKeyring: typeof KeyCheck.openKeyring = async (...args) =>
  (await import('../server/crypto/key-check.js')).openKeyring(...args);
