import type { DeliveryOutcome } from './channels/outcome.js';

/**
 * How a sender job paces one channel: rows per claim, messages in flight in
 * all, and per origin (a push service); after how many failures in a row
 * (time-outs, refused connections, 5xx) an origin is set aside for this run.
 */
export interface Pace {
  batch: number;
  inFlight: number;
  perOrigin: number;
  /**
   * An origin starts with this many in flight, one more for every answer it
   * gives (so a working push service is at `perOrigin` within a few round
   * trips, and one that never answers costs only these few).
   */
  startPerOrigin: number;
  /** null: never set aside (one SMTP server, one SMS provider: their failures retry one by one). */
  setAsideAfter: number | null;
  /** Mark each message the moment it has left (slow, costly channels) rather than in batches. */
  markEach: boolean;
  /**
   * Rows that may wait in memory while every origin that has some is busy
   * (0: claim only when fewer than half a batch wait, as a single-origin
   * channel must — its rows would outlive their lease).
   */
  lookahead: number;
}

/** A delivery that was set aside with its origin: tried again after the back-off, like any retry. */
export const SET_ASIDE: DeliveryOutcome = { kind: 'retry', code: 'origin_unresponsive' };

/** What a sender held and had not sent when its alert was replaced: withdrawn, never sent after the follow-up. */
export const HALTED: DeliveryOutcome = { kind: 'retry', code: 'alert_ended' };

/** Marks of batched channels are written at least this often, so a crash repeats little. */
const FLUSH_EVERY_MS = 1000;

/**
 * Sends claimed deliveries as one continuous stream. Each origin has its own
 * queue and its own share of the messages in flight, earned by answering, so
 * a push service that never answers holds a few of them (for one time-out)
 * and the others go on at full pace; once it has failed `setAsideAfter` times in a
 * row its remaining deliveries are handed back at once to be retried after
 * the back-off, instead of each waiting for its own time-out. The queues are
 * refilled (claimed) before they run dry, and marks are written while the
 * next messages go out. When `halt` fires, nothing more is claimed or sent:
 * what waits is handed back (`HALTED`), and the stream ends once the
 * messages in flight are answered.
 */
export function streamDeliveries<T>(options: {
  pace: Pace;
  /** The next rows to send; none when there are no more (or the job's time is up). */
  claim: () => Promise<T[]>;
  originOf: (item: T) => string;
  send: (item: T) => Promise<DeliveryOutcome>;
  record: (items: T[], outcomes: DeliveryOutcome[]) => Promise<void>;
  halt?: AbortSignal;
}): Promise<void> {
  const { pace } = options;
  const waiting = new Map<string, T[]>();
  const busy = new Map<string, number>();
  const limits = new Map<string, number>();
  const limitOf = (origin: string) => limits.get(origin) ?? Math.min(pace.startPerOrigin, pace.perOrigin);
  const failuresInARow = new Map<string, number>();
  const setAside = new Set<string>();
  let queued = 0;
  let active = 0;
  let exhausted = false;
  let halted = false;
  let refilling = false;
  let failure: unknown = null;
  let unmarked: { item: T; outcome: DeliveryOutcome }[] = [];
  let lastFlush = Date.now();
  const marks: Promise<void>[] = [];
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const flush = () => {
    if (unmarked.length === 0) return;
    const items = unmarked;
    unmarked = [];
    lastFlush = Date.now();
    marks.push(
      options.record(
        items.map((i) => i.item),
        items.map((i) => i.outcome),
      ),
    );
  };

  const mark = (item: T, outcome: DeliveryOutcome) => {
    unmarked.push({ item, outcome });
    if (unmarked.length >= pace.batch || Date.now() - lastFlush >= FLUSH_EVERY_MS) flush();
  };

  const handBack = (origin: string, outcome = SET_ASIDE) => {
    const items = waiting.get(origin) ?? [];
    waiting.delete(origin);
    queued -= items.length;
    for (const item of items) mark(item, outcome);
  };

  /** The next item whose origin has room, round the origins in turn. */
  const take = (): { item: T; origin: string } | null => {
    for (const [origin, items] of waiting) {
      if ((busy.get(origin) ?? 0) >= limitOf(origin)) continue;
      const item = items.shift();
      if (item === undefined) continue;
      queued -= 1;
      if (items.length === 0) waiting.delete(origin);
      else {
        // To the back of the line: the next pick starts with another origin.
        waiting.delete(origin);
        waiting.set(origin, items);
      }
      return { item, origin };
    }
    return null;
  };

  const settle = (item: T, origin: string, outcome: DeliveryOutcome) => {
    active -= 1;
    busy.set(origin, (busy.get(origin) ?? 1) - 1);
    if (outcome.kind === 'retry') {
      const inARow = (failuresInARow.get(origin) ?? 0) + 1;
      failuresInARow.set(origin, inARow);
      if (pace.setAsideAfter !== null && inARow >= pace.setAsideAfter && !setAside.has(origin)) {
        setAside.add(origin);
        handBack(origin);
      }
    } else {
      failuresInARow.set(origin, 0);
      limits.set(origin, Math.min(pace.perOrigin, limitOf(origin) + 1));
    }
    if (!pace.markEach) mark(item, outcome);
    pump();
  };

  const refill = () => {
    refilling = true;
    options
      .claim()
      .then(
        (claimed) => {
          if (claimed.length === 0) exhausted = true;
          for (const item of claimed) {
            const origin = options.originOf(item);
            if (options.halt?.aborted) {
              mark(item, HALTED);
              continue;
            }
            if (setAside.has(origin)) {
              mark(item, SET_ASIDE);
              continue;
            }
            const items = waiting.get(origin);
            if (items) items.push(item);
            else waiting.set(origin, [item]);
            queued += 1;
          }
        },
        (error: unknown) => {
          failure = error;
          exhausted = true;
        },
      )
      .finally(() => {
        refilling = false;
        pump();
      });
  };

  /** Sends one delivery; its slot is free again once it is settled (and, for a slow channel, marked). */
  async function deliver(item: T, origin: string) {
    const outcome = await options
      .send(item)
      .catch(
        (error: unknown): DeliveryOutcome => ({ kind: 'retry', code: (error as Error).name ?? 'error' }),
      );
    // A slow channel's message is marked the moment it has left: if this worker dies, only
    // the messages in flight right then can go out twice (with the same message id).
    if (pace.markEach)
      await options.record([item], [outcome]).catch((error: unknown) => {
        failure ??= error;
      });
    settle(item, origin, outcome);
  }

  /** Rows waiting for an origin that has room now. */
  const ready = () => {
    let n = 0;
    for (const [origin, items] of waiting) if ((busy.get(origin) ?? 0) < limitOf(origin)) n += items.length;
    return n;
  };

  function pump() {
    if (options.halt?.aborted && !halted) {
      halted = true;
      exhausted = true;
      for (const origin of [...waiting.keys()]) handBack(origin, HALTED);
    }
    while (active < pace.inFlight) {
      const next = take();
      if (!next) break;
      const { item, origin } = next;
      active += 1;
      busy.set(origin, (busy.get(origin) ?? 0) + 1);
      void deliver(item, origin);
    }
    const low = queued < pace.batch / 2 || (queued < pace.lookahead && ready() < pace.batch / 2);
    if (!exhausted && !refilling && low) refill();
    if (exhausted && !refilling && active === 0 && queued === 0) finish();
  }

  options.halt?.addEventListener('abort', () => pump(), { once: true });
  pump();
  return finished.then(async () => {
    flush();
    await Promise.all(marks);
    if (failure) throw failure;
  });
}
