/**
 * How often one number is answered what the line offers (RIGHTS, HELP, ZONES, how to subscribe):
 * the same answer again is worth nothing to the person, and answering every text lets anyone
 * with a phone (or a forged sender) run up the coalition's bill, or get its number flagged as
 * spam by texting a stranger's number into replies. Reports and answers about a person's own
 * subscription or report are never held back by it.
 */
export const INFO_REPLIES_PER_HOUR = 5;
const WINDOW_MS = 3_600_000;
/** Numbers remembered at once (oldest forgotten first): memory stays bounded whoever texts. */
const KEPT = 10_000;

/**
 * Counted per process, in memory, by a keyed digest of the number (never the number): several
 * processes each allow their share, which still bounds what one number costs.
 */
export function createReplyLimit(now: () => number = Date.now) {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    /** One more answer to `sender` (a digest): true when it may be sent. */
    take(sender: string): boolean {
      const at = now();
      const kept = windows.get(sender);
      if (kept && at - kept.start < WINDOW_MS) {
        if (kept.count >= INFO_REPLIES_PER_HOUR) return false;
        kept.count += 1;
        return true;
      }
      windows.delete(sender);
      windows.set(sender, { start: at, count: 1 });
      if (windows.size > KEPT) windows.delete(windows.keys().next().value as string);
      return true;
    },
  };
}
