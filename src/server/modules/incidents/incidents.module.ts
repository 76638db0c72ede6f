import { INCIDENT_STATUSES, type Verdict } from '../../../shared/report-fields.js';
import type { Tx } from '../../db/database.js';
import { setCounts } from '../../metrics/metrics.js';
import type { Platform } from '../../platform.js';
import type { SessionService } from '../access/sessions.service.js';
import type { FaroModule } from '../module.js';
import { openRestricted } from '../reports/restricted.js';
import { createBoardFeed } from './board-stream.js';
import { registerBoardStream } from './board-stream.routes.js';
import { type Grouper, startGrouper } from './grouper.js';
import { countIncidentsByStatus } from './incidents.repo.js';
import { registerIncidentRoutes } from './incidents.routes.js';
import { createIncidentService } from './incidents.service.js';

/**
 * Incidents: reports grouped into what is happening, the dispatcher's
 * corrections and verdicts, and the board that shows them live. Grouping runs
 * in worker processes; a web-only process's reports are picked up by a worker.
 */
export function createIncidentsModule(
  platform: Platform,
  deps: {
    /** Runs in the transaction that gives an incident a verdict (texts SMS reporters who asked). */
    onVerdict?: (tx: Tx, incidentId: string, verdict: Verdict) => Promise<void>;
    /** Whether a board's session still grants watching it (checked while the stream is open). */
    sessions: Pick<SessionService, 'stillGrants'>;
  },
) {
  const { database, box, now, hub } = platform;
  const incidents = createIncidentService({
    database,
    box,
    reveal: (reportId, sealed) => openRestricted(box, reportId, sealed),
    now,
    onVerdict: deps.onVerdict,
  });
  const board = createBoardFeed({
    hub,
    incidents,
    onError: (error) => platform.logError('the board’s live delivery failed', error),
  });
  const grouper: Grouper | null = platform.works
    ? startGrouper({
        incidents,
        pollMs: platform.config.jobs.pollSeconds * 1000,
        tap: (listener) => hub.tap(listener),
        onError: (error) => platform.logError('grouping failed', error),
      })
    : null;

  return {
    services: { incidents, board, grouper },
    routes(app, http) {
      registerIncidentRoutes(app, { incidents });
      registerBoardStream(app, {
        board,
        streams: http.streams,
        sessions: deps.sessions,
      });
    },
    async measure() {
      const counts = await countIncidentsByStatus(database.db);
      setCounts(platform.metrics.incidents, 'status', INCIDENT_STATUSES, counts);
    },
    async stop() {
      await grouper?.stop();
      await board.close();
    },
  } satisfies FaroModule & Record<string, unknown>;
}
