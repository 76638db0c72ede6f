/**
 * What a public output may say about when something happened. One rule for
 * every place a time leaves rounded — the receipt status, alert texts, the
 * approver's incident facts, the feed's date before any alert — so none of
 * them can be a finer clock than the others.
 */

/** Public times are rounded down to this many minutes. */
export const PUBLIC_TIME_STEP_MINUTES = 5;

const STEP_MS = PUBLIC_TIME_STEP_MINUTES * 60_000;

/** A time as it may be published: rounded down to five minutes. */
export function publicTime(date: Date): Date {
  return new Date(Math.floor(date.getTime() / STEP_MS) * STEP_MS);
}
