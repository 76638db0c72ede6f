import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import { reports } from '../../db/schema.js';
import { recordEvents } from '../../realtime/events.repo.js';
import type { CoalitionService } from '../coalitions/coalitions.service.js';
import { lockGrouping } from './incidents.repo.js';
import type { IncidentService } from './incidents.service.js';

/**
 * Groups stored reports into incidents, right after they are stored and off
 * the request path. Intake is one insert (a surge is taken at the speed of
 * the database); the grouper takes the reports not yet grouped, oldest first,
 * in batches — each batch one transaction under the coalition's grouping
 * lock, so one commit covers many reports and two processes never group at
 * once. It wakes when a report is stored (in this process, or announced by
 * another), and polls as a safety net: a report stored just before a crash is
 * grouped at the next start. Nothing is lost; at worst grouped late.
 */
export interface Grouper {
  /** Something was stored: group soon. */
  kick(): void;
  /** Resolves when no report is waiting to be grouped (tests, CLI). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const BATCH = 200;
/**
 * How long a kick waits before grouping: in a surge, the reports of those
 * milliseconds are grouped in one transaction instead of one each.
 */
const GATHER_MS = 25;

export function startGrouper(deps: {
  database: Database;
  coalitions: CoalitionService;
  incidents: IncidentService;
  pollMs: number;
  /** Subscribes to domain events announced by any process (the realtime hub's tap). */
  tap: (listener: (event: { type: string }) => void) => () => void;
  onError: (error: unknown) => void;
}): Grouper {
  const { database } = deps;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let lastError: unknown = null;

  /** Groups one batch; returns how many reports it grouped. */
  async function groupBatch(): Promise<number> {
    const coalition = await deps.coalitions.current();
    const policy = await deps.incidents.policy(coalition.id);
    return database.transaction(async (tx) => {
      await lockGrouping(tx.client, coalition.id);
      const waiting = await tx.db
        .select({
          id: reports.id,
          activity: reports.activity,
          zoneId: reports.zoneId,
          h3Cell: reports.h3Cell,
          fineCell: reports.fineCell,
          observedAt: reports.observedAt,
          firsthand: reports.firsthand,
          precise: sql<boolean>`${reports.hasExactLocation} or ${reports.hasPlace}`,
        })
        .from(reports)
        .where(and(eq(reports.coalitionId, coalition.id), isNull(reports.incidentId)))
        .orderBy(asc(reports.receivedAt), asc(reports.id))
        .limit(BATCH);
      if (waiting.length === 0) return 0;
      const byIncident = await deps.incidents.groupBatch(tx, coalition.id, waiting, policy);
      for (const [incidentId, ids] of byIncident) {
        await tx.db.update(reports).set({ incidentId }).where(inArray(reports.id, ids));
      }
      await recordEvents(
        tx.client,
        coalition.id,
        [...byIncident.keys()].map((subjectId) => ({ type: 'incident.updated' as const, subjectId })),
      );
      return waiting.length;
    });
  }

  const run = () => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
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
      }
    })();
    return running;
  };

  let gathering: NodeJS.Timeout | null = null;
  const kick = () => {
    gathering ??= setTimeout(() => {
      gathering = null;
      void run();
    }, GATHER_MS);
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
        const [left] = await database.db
          .select({ id: reports.id })
          .from(reports)
          .where(isNull(reports.incidentId))
          .limit(1);
        if (!left) return;
      }
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
