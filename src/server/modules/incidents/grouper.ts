import type { IncidentService } from './incidents.service.js';

/**
 * Groups stored reports into incidents, right after they are stored and off
 * the request path. Intake is one insert (a surge is taken at the speed of
 * the database); the grouper runs the grouping command
 * (`IncidentService.groupWaiting`, one transaction per batch under the
 * coalition's grouping lock) until nothing waits. It wakes when a report is stored (in this process, or announced by
 * another), and polls as a safety net: a report stored just before a crash is
 * grouped at the next start. Nothing is lost; at worst grouped late.
 */
export interface Grouper {
  /** Something was stored: group soon. */
  kick(): void;
  /** Resolves when no report is waiting to be grouped (tests, CLI). */
  settle(): Promise<void>;
  /**
   * Whether it works: a pass is under way, or one ended within `withinMs`
   * without failing (it passes every poll interval even when nothing waits).
   */
  ranRecently(withinMs: number): boolean;
  stop(): Promise<void>;
}

const BATCH = 200;
/**
 * Passes start at least this far apart: in a surge, the reports of those
 * milliseconds are grouped in one transaction instead of one each. A report
 * stored after a quiet spell is grouped at once (a board waits on it).
 */
export const GATHER_MS = 25;

export function startGrouper(deps: {
  incidents: Pick<IncidentService, 'groupWaiting' | 'anyWaiting'>;
  pollMs: number;
  /** Subscribes to domain events announced by any process (the realtime hub's tap). */
  tap: (listener: (event: { type: string }) => void) => () => void;
  onError: (error: unknown) => void;
}): Grouper {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let lastError: unknown = null;
  /** When the last pass ended (Date.now()), and when the one under way began. */
  let lastPassEnded: number | null = null;
  let passStarted: number | null = null;

  /** Groups one batch; returns how many reports it grouped. */
  const groupBatch = () => deps.incidents.groupWaiting(BATCH);

  const run = () => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      passStarted = Date.now();
      try {
        lastError = null;
        do {
          again = false;
          while (!stopped && (await groupBatch()) === BATCH) {
            // a full batch: there may be more
          }
        } while (again && !stopped);
      } catch (error) {
        lastError = error;
        deps.onError(error);
      } finally {
        running = null;
        passStarted = null;
        lastPassEnded = Date.now();
      }
    })();
    return running;
  };

  let gathering: NodeJS.Timeout | null = null;
  const kick = () => {
    if (gathering) return;
    // A pass under way or just ended: this report waits for the next, with those that come meanwhile.
    const wait = running ? GATHER_MS : (lastPassEnded ?? 0) + GATHER_MS - Date.now();
    if (wait <= 0) {
      void run();
      return;
    }
    gathering = setTimeout(() => {
      gathering = null;
      void run();
    }, wait);
  };
  // Reports stored by another process wake this one too.
  const untap = deps.tap((event) => {
    if (event.type === 'report.created') kick();
  });
  const timer = setInterval(() => void run(), deps.pollMs);
  timer.unref();
  void run();

  return {
    kick,
    async settle() {
      // Run until a pass finds nothing left; a report stored meanwhile sets `again`.
      for (;;) {
        await run();
        if (lastError) throw lastError;
        if (!(await deps.incidents.anyWaiting())) return;
      }
    },
    ranRecently(withinMs) {
      if (stopped) return false;
      const now = Date.now();
      if (passStarted !== null) return now - passStarted < withinMs;
      return lastPassEnded !== null && now - lastPassEnded < withinMs && !lastError;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (gathering) clearTimeout(gathering);
      untap();
      await running;
    },
  };
}
