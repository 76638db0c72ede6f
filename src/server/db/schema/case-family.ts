import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './access.js';
import { caseContacts, cases } from './cases.js';
import { coalitionRef } from './coalitions.js';
import { createdAt } from './columns.js';

/**
 * A family contact's view of a case, without an account (issue 16, "After a detention"): a case
 * code and a PIN the legal team gives them. Owned by `modules/cases/`: only family-status.repo.ts
 * writes these tables. The code is kept only as a keyed digest, the PIN only as a slow hash; the
 * rows go with the case (retention) and with the contact.
 */
export const caseFamilyAccess = pgTable(
  'case_family_access',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => caseContacts.id, { onDelete: 'cascade' }),
    /** HMAC of the code's symbols under the server key: lookup only by the code. */
    codeDigest: text('code_digest').notNull().unique(),
    /** argon2id of an HMAC of the PIN (the server key as a pepper). */
    pinHash: text('pin_hash').notNull(),
    issuedBy: uuid('issued_by').references(() => users.id, { onDelete: 'set null' }),
    /** Revoked (or replaced by a new code): the code then finds nothing. */
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('case_family_access_case').on(t.caseId)],
);

/** Wrong code-and-PIN attempts on family codes, per code digest and per sender: the back-off's state. */
export const caseFamilyAttempts = pgTable('case_family_attempts', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** The provider's id of each status text answered: the same delivery twice is answered once. */
export const caseFamilyTexts = pgTable('case_family_texts', {
  sourceRef: text('source_ref').primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull(),
});
