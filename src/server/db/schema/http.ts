import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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

/**
 * Proof-of-work challenges already spent (http/proof-of-work.ts): a solved challenge is accepted
 * once by whichever Faro process sees it first, so the row is taken with one insert that does
 * nothing on a conflict. Only the challenge's signature (an HMAC the server made) and when it
 * expires; nothing about who solved it. Expired rows are useless (the challenge itself is refused
 * then) and deleted on the way. Owned by `http/`: only proof-of-work.repo.ts writes it.
 */
export const spentChallenges = pgTable(
  'spent_challenges',
  {
    signature: text('signature').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('spent_challenges_expires_at').on(t.expiresAt)],
);

/**
 * Requests to the public routes that opt into a limit (`config.rateLimit`), counted per client
 * and route so that the limit holds across every Faro process (http/rate-limits.ts). The key is
 * the route and 20 bits of a daily HMAC of the address (thousands of addresses share each); the
 * window starts at the key's first request and the row says only when it ends. UNLOGGED (the
 * migration says so by hand): counts of the last minute are not worth the WAL, never reach a
 * backup or a replica, and a crash that empties the table only gives everyone a fresh minute.
 * Rows whose window has ended are deleted on the way. Owned by `http/`: only
 * rate-limit-store.repo.ts writes it.
 */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    key: text('key').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [index('rate_limit_hits_expires_at').on(t.expiresAt)],
);
