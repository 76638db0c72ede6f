import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Posts of the public forms that work without scripts (the report form, the
 * subscribe form): no proof of work can run there, so each form kind is
 * counted per client in fixed windows, held here so the stricter limit holds
 * across every Faro process. The key is the form kind and 20 bits of a daily
 * HMAC of the address (thousands of addresses share each), or the kind and
 * "all"; the window starts on the hour: no row names an address, nor matches
 * a post's time. Rows older than a window are useless and deleted.
 * Owned by `http/`: only form-throttle.repo.ts writes it.
 */
export const formThrottle = pgTable('form_throttle', {
  key: text('key').primaryKey(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  count: integer('count').notNull(),
});
