import type { Database } from '../db/database.js';
import { type DomainEvent, EVENTS_CHANNEL } from './events.js';
import { eventsAfter, eventsSince, latestEventId } from './events.repo.js';

type Listener = (event: DomainEvent) => void;

/**
 * Hands the domain events every Faro process records to this process's
 * listeners: the board's feed, the responders' streams, the grouper. A
 * process that commits events wakes every hub (`Database.wake`: at once in
 * its own process, by one coalesced NOTIFY without payload in the others);
 * a woken hub reads the events after the last it saw — one query shared by
 * all its listeners — and hands them on in id order, each at most once. An
 * id skipped by a newer one (allocated earlier, committed later) is looked
 * for again for GAP_WAIT_MS. A slow safety poll covers a wake never sent (a
 * process killed between its commit and its wake) and a LISTEN connection
 * lost and restored. It knows no module; what an event means to a page is
 * the listener's business.
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
/** How long an id skipped by a newer one (allocated earlier, not committed yet) is looked for again. */
const GAP_WAIT_MS = 10_000;
/** Skipped ids remembered at most (rolled-back transactions leave ids that never come). */
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
  // Ids below lastSeenId not seen yet, with when they were first missed: each handed on at most once.
  const gaps = new Map<number, number>();

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
    const now = Date.now();
    for (const [id, since] of gaps) if (now - since > gapWaitMs) gaps.delete(id);
    const rows = await eventsSince(database.db, lastSeenId, [...gaps.keys()], READ_LIMIT);
    for (const row of rows) {
      if (row.id > lastSeenId) {
        for (let missing = lastSeenId + 1; missing < row.id && gaps.size < MAX_GAPS; missing++) {
          gaps.set(missing, now);
        }
        lastSeenId = row.id;
      } else if (!gaps.delete(row.id)) {
        continue; // handed on already
      }
      announce(row);
    }
    return rows.length === READ_LIMIT;
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

  const unlisten = await database.listen(EVENTS_CHANNEL, wake, wake);
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
