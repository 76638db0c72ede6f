import type { Database } from '../db/database.js';
import { type DomainEvent, EVENTS_CHANNEL, eventOfWakePart } from './events.js';
import { eventsAfter, eventsSince, latestEventId } from './events.repo.js';

type Listener = (event: DomainEvent) => void;

/**
 * Hands the domain events every Faro process records to this process's
 * listeners: the board's feed, the responders' streams, the grouper. A
 * process that commits events wakes every hub (`Database.wake`: at once in
 * its own process, by one coalesced NOTIFY in the others), with the events
 * when they fit. A woken hub hands those on at once if they follow the last
 * event it saw (nothing can be missing before them); otherwise, or for a
 * wake without them, it reads the events after the last it saw — one query
 * shared by all its listeners — and hands them on in id order, each at most
 * once. An id skipped by a newer one (allocated earlier, committed later) is
 * looked for again until the database says no transaction that could still
 * commit it is running (and GAP_WAIT_MS at least). A slow safety poll covers
 * a wake never sent (a process killed between its commit and its wake) and a
 * LISTEN connection lost and restored. It knows no module; what an event
 * means to a page is the listener's business.
 */
export interface RealtimeHub {
  /** Hears every domain event of every coalition, each once, in id order per read; returns the way to stop. */
  tap(listener: Listener): () => void;
  /** A coalition's events after the given id, oldest first (for a stream that reconnects). */
  eventsAfter(coalitionId: string, afterId: number, limit: number): Promise<DomainEvent[]>;
  /** Whether it hears other processes now (its LISTEN connection is up). */
  listening(): boolean;
  close(): Promise<void>;
}

/** Events one read hands on at most; a full read is followed by another at once. */
const READ_LIMIT = 5_000;
/**
 * How long an id skipped by a newer one (allocated earlier, not committed yet) is looked for again at
 * least: longer while a transaction that may hold it runs (an id taken apart from its insert).
 */
const GAP_WAIT_MS = 10_000;
/**
 * Skipped ids remembered at most (rolled-back transactions leave ids that never come; a transaction
 * left open keeps every later one looked for): beyond, the oldest are given up, and said so.
 */
const MAX_GAPS = 10_000;
/** How often the hub reads even without a wake: a process that died between its commit and its wake. */
const SAFETY_POLL_MS = 1_000;
/** Reads at most this often under a stream of wakes (each read takes every event committed since). */
const READ_SPACING_MS = 5;

/** Starts listening and returns the hub. */
export async function startRealtimeHub(
  database: Database,
  onError: (error: unknown) => void,
  options: { safetyPollMs?: number; gapWaitMs?: number } = {},
): Promise<RealtimeHub> {
  const listeners = new Set<Listener>();
  const gapWaitMs = options.gapWaitMs ?? GAP_WAIT_MS;
  // The newest event this process has handed on: it reads what came after.
  let lastSeenId = await latestEventId(database.db, null);
  // Ids below lastSeenId not seen yet, oldest first: when they were first missed, and the `xmax` of the
  // snapshot that missed them — every transaction that could commit one has an id below it (it had
  // written a newer id's insert, or its own, by then). Each handed on at most once.
  const gaps = new Map<number, { since: number; xmax: bigint }>();

  const announce = (event: DomainEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        onError(error);
      }
    }
  };

  /** One read of what is new (and of the ids still missing); whether there may be more. */
  const readOnce = async (): Promise<boolean> => {
    const { events, xmin, xmax } = await eventsSince(database.pool, lastSeenId, [...gaps.keys()], READ_LIMIT);
    const now = Date.now();
    let givenUp = 0;
    for (const event of events) {
      if (event.id > lastSeenId) {
        const from = Math.max(lastSeenId + 1, event.id - MAX_GAPS);
        givenUp += from - (lastSeenId + 1);
        for (let missing = from; missing < event.id; missing++) {
          if (gaps.size >= MAX_GAPS) {
            const oldest = gaps.keys().next().value;
            if (oldest !== undefined) gaps.delete(oldest);
            givenUp += 1;
          }
          gaps.set(missing, { since: now, xmax });
        }
        lastSeenId = event.id;
      } else if (!gaps.delete(event.id)) {
        continue; // handed on already
      }
      announce(event);
    }
    // What this snapshot did not show of a gap no transaction still running can commit: it never comes.
    for (const [id, gap] of gaps) if (xmin >= gap.xmax && now - gap.since > gapWaitMs) gaps.delete(id);
    if (givenUp > 0) onError(new Error(`${givenUp} skipped event ids are no longer looked for (too many)`));
    return events.length === READ_LIMIT;
  };

  /**
   * Hands on the events a wake carried if nothing can be missing before them (they follow the last
   * event handed on, or fill a gap); whether it did so for all, or a read must look.
   */
  const takeCarried = (payload: string): boolean => {
    const carried = payload.split('\n').map(eventOfWakePart);
    if (carried.some((event) => event === undefined)) return false;
    for (const event of (carried as DomainEvent[]).sort((a, b) => a.id - b.id)) {
      if (event.id === lastSeenId + 1) lastSeenId = event.id;
      else if (!gaps.delete(event.id)) {
        if (event.id <= lastSeenId) continue; // handed on already
        return false; // something before it may be missing
      }
      announce(event);
    }
    return true;
  };

  // One read at a time, shared by every listener of this process; wakes during a read make one more.
  let reading: Promise<void> | undefined;
  let again = false;
  let lastReadAt = 0;
  let stopped = false;
  const read = async () => {
    do {
      again = false;
      const wait = lastReadAt + READ_SPACING_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      lastReadAt = Date.now();
      try {
        if (await readOnce()) again = true;
      } catch (error) {
        onError(error); // the next wake or poll reads again
        return;
      }
    } while (again && !stopped);
  };
  const wake = () => {
    if (stopped) return;
    if (reading) {
      again = true;
      return;
    }
    reading = read().finally(() => {
      reading = undefined;
    });
  };

  const onWake = (payload: string) => {
    if (stopped || (payload !== '' && takeCarried(payload))) return;
    wake();
  };
  const unlisten = await database.listen(EVENTS_CHANNEL, onWake, wake);
  const poll = setInterval(wake, options.safetyPollMs ?? SAFETY_POLL_MS);
  poll.unref();

  return {
    tap(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async eventsAfter(coalitionId, afterId, limit) {
      return eventsAfter(database.db, coalitionId, afterId, limit);
    },
    listening: () => database.listening(),
    async close() {
      stopped = true;
      clearInterval(poll);
      listeners.clear();
      await unlisten();
      await reading;
    },
  };
}
