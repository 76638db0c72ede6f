import { bigserial, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { DOMAIN_EVENT_TYPES } from '../../realtime/events.js';
import { createdAt } from './columns.js';

/**
 * The domain event log: one row per state change, written in the same
 * transaction as the change. Its id is the SSE event id, so a reconnecting
 * board replays what it missed. Payloads hold ids, never personal data.
 * Owned by `realtime/`: only events.repo.ts writes it.
 */
export const domainEvents = pgTable(
  'domain_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    coalitionId: uuid('coalition_id').notNull(),
    type: text('type', { enum: DOMAIN_EVENT_TYPES }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('domain_events_coalition_id').on(t.coalitionId, t.id)],
);
