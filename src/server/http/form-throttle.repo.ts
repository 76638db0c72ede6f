import type { Drizzle } from '../db/database.js';
import { takeInWindow, windowStart } from '../db/windowed-count.js';

/**
 * How much of the address's digest names its row: 20 bits, so that each row
 * stands for thousands of IPv4 addresses. Whoever holds the database and the
 * server's key cannot try every address and find the one that reported; two
 * people posting in the same hour share an allowance about once in a million.
 */
export const FORM_KEY_HEX_DIGITS = 5;

/** The start of the fixed window `at` is in (windows start on the clock: the hour, for an hour). */
export const formWindowStart = windowStart;

/**
 * Counts one form posted without scripts for `key` in its fixed window and says whether it is
 * within `max` (takeInWindow: one statement, a refused post not counted, old windows deleted).
 * Several keys (the client, its wider networks, the whole network) are taken in one transaction
 * by the caller: one refusal undoes the others.
 */
export const takeFormPost = (
  db: Drizzle,
  key: string,
  at: Date,
  rule: { windowSeconds: number; max: number },
) => takeInWindow(db, 'form_throttle', key, at, rule);
