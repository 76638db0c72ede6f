import type { ClaimedDelivery, HeldRows } from './delivery-claims.repo.js';

/**
 * The rows a sender has claimed and not yet marked. Their leases are renewed
 * while the sender lives, so rows waiting their turn here (the number's pace,
 * a slow push service) are not taken by another sender meanwhile; a sender
 * that dies stops renewing, and its rows are retaken after the lease.
 *
 * With each, until when by this process's monotonic clock it is surely still
 * this sender's: from just before the statement that claimed or renewed it, a
 * lease's length (the database counts from when it ran, later). A message
 * leaves no later (`leaveBy`): a sender cut off from the database — its
 * renewals failing, and with them its checks for a follow-up — must not send
 * the alert once its rows may be another's, or after the cancel that waited
 * for them.
 */
export interface HeldDeliveries {
  /** Rows just claimed by a statement sent at `asked` (performance.now()). */
  hold(rows: readonly ClaimedDelivery[], asked: number): void;
  /** Until when a row is surely this sender's (0: not held). */
  until(subscriptionId: string): number;
  /** Marked (or handed back): no longer renewed — only if it is still this attempt. */
  release(row: { subscriptionId: string; attempts: number }): void;
  /** The rows a heartbeat at `now` renews (exported for its test). */
  due(now: number): ClaimedDelivery[];
  stop(): void;
}

/** How often a sender renews its leases: three times a lease (and not more than twice a second). */
export const renewEvery = (leaseMs: number) => Math.max(500, leaseMs / 3);

export function heldDeliveries(options: {
  leaseMs: number;
  /**
   * How long a message may take once it leaves (a push's time-out: its exchange ends at the row's
   * hold, `leaveBy`); 0 where the row is leased again just before it leaves (texts, e-mails).
   */
  sendingMs: number;
  /** Renews the rows' leases; resolves to the subscriptions of those still this sender's. */
  renew: (rows: HeldRows) => Promise<string[]>;
  /** Tests: no heartbeat of its own. */
  heartbeat?: false;
}): HeldDeliveries {
  const { leaseMs } = options;
  const every = renewEvery(leaseMs);
  const held = new Map<string, { row: ClaimedDelivery; until: number }>();

  // Not the rows claimed (or renewed) within the last half heartbeat: their lease has more than two
  // and a half heartbeats to run, and the next heartbeat renews them with half a lease still left.
  // (All were renewed at every heartbeat: some 10,000 rows a push sender holds, claimed moments
  // before — about a tenth of the database's row writes in a 1M fan-out.) Nor fewer than a message
  // needs: a row keeps its message's whole time and two heartbeats more, so that one renewal may
  // fail and a push leaving before the next still has its whole time-out (with a lease short next
  // to the time-out, every row is renewed at every heartbeat, as all were).
  const renewBelow = Math.max(leaseMs - every / 2, options.sendingMs + 2 * every);
  const due = (now: number) => {
    const rows: ClaimedDelivery[] = [];
    for (const entry of held.values()) if (entry.until - now < renewBelow) rows.push(entry.row);
    return rows;
  };

  const timer =
    options.heartbeat === false
      ? null
      : setInterval(() => {
          const asked = performance.now();
          const rows = due(asked);
          if (rows.length === 0) return;
          options.renew(rows).then(
            (answered) => {
              const renewed = new Set(answered);
              for (const row of rows) {
                const entry = held.get(row.subscriptionId);
                if (entry?.row.attempts !== row.attempts) continue;
                // Not renewed: no longer this sender's (taken after its lease ran out in the
                // database's time, or marked meanwhile) — nothing of it may leave from here.
                entry.until = renewed.has(row.subscriptionId) ? asked + leaseMs : 0;
              }
            },
            () => undefined,
          );
        }, every);

  return {
    hold(rows, asked) {
      for (const row of rows) held.set(row.subscriptionId, { row, until: asked + leaseMs });
    },
    until: (subscriptionId) => held.get(subscriptionId)?.until ?? 0,
    release(row) {
      // A row this sender took again after its lease ran out (attempt 2) stays held when attempt
      // 1's late answer is marked.
      if (held.get(row.subscriptionId)?.row.attempts === row.attempts) held.delete(row.subscriptionId);
    },
    due,
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
