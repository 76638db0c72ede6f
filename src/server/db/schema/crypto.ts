import { pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';

/**
 * Keys the server makes for itself. Owned by `crypto/`: only
 * server-keys.repo.ts writes this table.
 */
/** Keys this server makes for itself once (the VAPID key pair of Web Push, the evidence signing key), sealed; shared by all its processes. */
export const serverKeys = pgTable('server_keys', {
  name: text('name').primaryKey(),
  sealed: text('sealed').notNull(),
  createdAt: createdAt(),
});
