// Wakes: a process's subscribers woken at once, other processes by a coalesced NOTIFY (database.ts `wake`).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/** A wake's NOTIFY on a LISTEN connection that has not answered within this goes through the pool. */
const LISTEN_NOTIFY_MS = 500;
/** At most this often does a process send a wake's NOTIFY (or wake its own subscribers) per channel. */
const WAKE_SPACING_MS = 2;
/** A NOTIFY's payload is under 8000 bytes: the parts of one wake at most this, with the sender's token. */
const WAKE_PAYLOAD_BYTES = 7_900;

/**
 * Runs `send(channel, payload)` when it is asked for, coalesced per channel:
 * one run in flight, and runs asked for meanwhile (any number) become one
 * more run after it, WAKE_SPACING_MS later. The payload is the parts of the
 * wakes it stands for, each once, joined by newlines; '' if one came without
 * parts or they outgrew WAKE_PAYLOAD_BYTES. Failures are logged: subscribers also poll.
 */
export function coalesced(
  send: (channel: string, payload: string) => Promise<void> | void,
  log?: (msg: string) => void,
) {
  interface Pending {
    again: boolean;
    /** The parts asked for since the last run; null: someone must look for itself. */
    parts: Set<string> | null;
    bytes: number;
  }
  const state = new Map<string, Pending>();
  const inFlight = new Set<Promise<void>>();
  const add = (entry: Pending, parts: readonly string[] | undefined) => {
    if (!parts || parts.length === 0) entry.parts = null;
    if (entry.parts === null) return;
    for (const part of parts ?? []) {
      if (entry.parts.has(part)) continue;
      entry.parts.add(part);
      entry.bytes += Buffer.byteLength(part) + 1;
    }
    if (entry.bytes > WAKE_PAYLOAD_BYTES) entry.parts = null;
  };
  const run = (channel: string) => {
    const entry = state.get(channel);
    if (!entry) return;
    const payload = entry.parts === null ? '' : [...entry.parts].join('\n');
    entry.again = false;
    entry.parts = new Set();
    entry.bytes = 0;
    const done = (async () => {
      try {
        await send(channel, payload);
      } catch (error) {
        log?.(`wake of ${channel} not sent: ${(error as Error).message}`);
      }
    })();
    inFlight.add(done);
    void done.then(() => {
      inFlight.delete(done);
      if (entry.again) setTimeout(() => run(channel), WAKE_SPACING_MS).unref();
      else state.delete(channel);
    });
  };
  const request = (channel: string, parts?: readonly string[]) => {
    const entry = state.get(channel);
    if (entry) {
      entry.again = true;
      add(entry, parts);
      return;
    }
    const fresh: Pending = { again: false, parts: new Set(), bytes: 0 };
    add(fresh, parts);
    state.set(channel, fresh);
    // The first wake goes at once (a live board waits on it); those that come while it runs are one more.
    run(channel);
  };
  request.settled = async () => {
    while (inFlight.size > 0) await Promise.all(inFlight);
  };
  return request;
}

/** This process's subscribers per channel, woken directly (coalesced). */
export function localWakes() {
  const subscribers = new Map<string, Set<(payload: string) => void>>();
  const wake = coalesced((channel, payload) => {
    for (const subscriber of subscribers.get(channel) ?? []) {
      try {
        subscriber(payload);
      } catch {
        // a subscriber's own failure is its business
      }
    }
  });
  return {
    subscribe(channel: string, onPayload: (payload: string) => void) {
      const set = subscribers.get(channel) ?? new Set();
      subscribers.set(channel, set);
      const own = (payload: string) => onPayload(payload);
      set.add(own);
      return () => {
        set.delete(own);
      };
    },
    wake,
  };
}

/**
 * PostgreSQL's wakes for one database: LISTEN connections of their own (reconnecting), NOTIFY
 * coalesced per channel, and this process's own subscribers woken directly.
 */
export function postgresWakes({
  url,
  Client,
  connectDeadlineMs,
  pool,
  log,
}: {
  url: string;
  /** node-postgres' client, with the connection deadline (database.ts `connectBounded`). */
  Client: typeof pg.Client;
  /** The LISTEN statement, as the connection itself, not answered within this fails. */
  connectDeadlineMs: number;
  pool: pg.Pool;
  log?: ((msg: string) => void) | undefined;
}) {
  const listeners = new Set<pg.Client>();
  let subscriptions = 0;
  const local = localWakes();
  // The first line of this process's wakes: its own LISTEN connection hears them too, and skips them
  // (the subscribers here were woken at once).
  const token = randomUUID();
  // LISTEN connections with a NOTIFY of ours in flight.
  const sending = new Set<pg.Client>();
  const notify = coalesced(async (channel, payload) => {
    const text = payload === '' ? token : `${token}\n${payload}`;
    // On a LISTEN connection that is idle, if there is one: it is open already, where a pool client may
    // be a wait away in a surge (and the wake is what a live board waits on).
    const idle = [...listeners].find((client) => !sending.has(client));
    if (idle) {
      sending.add(idle);
      const sent = idle
        .query('select pg_notify($1, $2)', [channel, text])
        .finally(() => sending.delete(idle));
      let timer: NodeJS.Timeout | undefined;
      // A connection that died without a word would hold this channel's wakes until TCP gives up:
      // past LISTEN_NOTIFY_MS the pool's connection sends it (this one stays aside until it answers).
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), LISTEN_NOTIFY_MS);
      });
      try {
        if ((await Promise.race([sent, late])) !== 'late') return;
      } catch {
        // lost meanwhile: the pool's connection below
      } finally {
        clearTimeout(timer);
      }
      sent.catch(() => undefined);
    }
    await pool.query('select pg_notify($1, $2)', [channel, text]);
  }, log);
  return {
    async listen(
      channel: string,
      onPayload: (payload: string) => void,
      onRestored?: () => void,
    ): Promise<() => Promise<void>> {
      const unsubscribe = local.subscribe(channel, onPayload);
      const fromOthers = (message: string) => {
        const end = message.indexOf('\n');
        const sender = end < 0 ? message : message.slice(0, end);
        if (sender !== token) onPayload(end < 0 ? '' : message.slice(end + 1));
      };
      const unlisten = await listenWithReconnect(
        url,
        Client,
        connectDeadlineMs,
        channel,
        { onPayload: fromOthers, onRestored },
        listeners,
        log,
      ).catch((error: unknown) => {
        unsubscribe();
        throw error;
      });
      subscriptions += 1;
      return async () => {
        subscriptions -= 1;
        unsubscribe();
        await unlisten();
      };
    },
    wake(channel: string, parts?: readonly string[]): void {
      local.wake(channel, parts);
      notify(channel, parts);
    },
    listening: () => listeners.size >= subscriptions,
    /** Sends the wakes still on their way, then closes the LISTEN connections (not the pool). */
    async close() {
      await notify.settled();
      await Promise.all([...listeners].map((client) => client.end().catch(() => undefined)));
      listeners.clear();
    },
  };
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * LISTEN needs a session of its own. If the connection drops (a database
 * restart), it reconnects with back-off; events sent meanwhile are replayed
 * by clients from the event log, not from NOTIFY.
 */
async function listenWithReconnect(
  url: string,
  Client: typeof pg.Client,
  deadlineMs: number,
  channel: string,
  handlers: { onPayload: (payload: string) => void; onRestored?: (() => void) | undefined },
  listeners: Set<pg.Client>,
  log?: (msg: string) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let current: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  const connect = async (attempt: number): Promise<void> => {
    // TCP keep-alive: a LISTEN connection that died without a word is noticed (it also sends wakes).
    const client = new Client({ connectionString: url, application_name: 'faro-listen', keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) handlers.onPayload(message.payload);
    });
    let listening = false;
    client.on('error', (error) => {
      listeners.delete(client);
      client.end().catch(() => undefined);
      // Lost while being made: the attempt's own failure (below) is what tries again, once.
      if (!listening) return;
      log?.(`listen connection lost: ${error.message}`);
      if (!stopped) retryTimer = setTimeout(() => void reconnect(1), 250);
    });
    try {
      await client.connect();
      await client.query({
        text: `listen ${quoteIdent(channel)}`,
        query_timeout: deadlineMs,
      } as pg.QueryConfig);
    } catch (error) {
      // Not awaited: on a path gone silent its end is the stream's destruction, not an answer.
      client.end().catch(() => undefined);
      throw error;
    }
    listening = true;
    if (stopped) {
      client.end().catch(() => undefined);
      return;
    }
    current = client;
    listeners.add(client);
    if (attempt > 0) {
      log?.('listen connection restored');
      handlers.onRestored?.();
    }
  };
  const reconnect = async (attempt: number): Promise<void> => {
    if (stopped) return;
    try {
      await connect(attempt);
    } catch {
      retryTimer = setTimeout(() => void reconnect(attempt + 1), Math.min(10_000, 250 * 2 ** attempt));
    }
  };

  await connect(0);
  return async () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    if (current) {
      listeners.delete(current);
      await current.end().catch(() => undefined);
    }
  };
}
