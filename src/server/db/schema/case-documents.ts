import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { users } from './access.js';
import { cases } from './cases.js';
import { createdAt } from './columns.js';

/**
 * A case's documents (issue 16): what the case knows of each — its title (sealed, bound to the
 * row) and who added it; the bytes are an evidence item owned by the case (evidence_items.case_id,
 * the same id), sealed there. Owned by `modules/cases/` (cases/documents.repo.ts writes it).
 */
export const caseDocuments = pgTable(
  'case_documents',
  {
    /** The evidence item's id. */
    id: uuid('id').primaryKey(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    addedBy: uuid('added_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('case_documents_case').on(t.caseId)],
);
