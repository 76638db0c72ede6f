import { jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';
import { zones } from './zones.js';

/**
 * The coalition (the root every row belongs to), its member organizations and
 * the zones each covers. Owned by `modules/coalitions/`: only its repositories
 * (coalitions.repo.ts, organizations.repo.ts) write these tables.
 */

/** A coalition: the network one deployment serves. Every other row belongs to one. */
export const coalitions = pgTable('coalitions', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  /** How reports are grouped into incidents (distance, time window, per activity); defaults when empty. */
  grouping: jsonb('grouping').notNull().default({}),
  /** The publishing guard's settings: hosts links may point to, names never to publish. */
  publishing: jsonb('publishing').notNull().default({}),
  createdAt: createdAt(),
});

/**
 * The coalition a row belongs to. A function declaration, so it exists before this file runs:
 * zones.ts calls it while this file waits for zones.ts (organization_zones refers to zones), and
 * the reference itself is resolved only once every table exists.
 */
export function coalitionRef() {
  return uuid('coalition_id')
    .notNull()
    .references(() => coalitions.id);
}

export const organizations = pgTable(
  'organizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('organizations_coalition_slug').on(t.coalitionId, t.slug)],
);

/** Zones an organization covers. */
export const organizationZones = pgTable(
  'organization_zones',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    zoneId: uuid('zone_id')
      .notNull()
      .references(() => zones.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.zoneId] })],
);
