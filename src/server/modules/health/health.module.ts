import { databaseAnswers } from '../../db/database.js';
import { migrationsCurrent } from '../../db/migrate.js';
import type { Platform } from '../../platform.js';
import type { Grouper } from '../incidents/grouper.js';
import type { FaroModule } from '../module.js';
import { registerHealthRoutes } from './health.routes.js';
import { readinessChecks } from './readiness.js';

/** Whether this process answers and can serve (for the load balancer and the operator). */
export function createHealthModule(platform: Platform, deps: { grouper: Grouper | null }) {
  const checks = readinessChecks({
    role: platform.config.role,
    database: platform.database,
    hub: platform.hub,
    jobs: platform.jobs,
    grouper: deps.grouper,
    // The grouper passes at least every poll interval; a few missed ones mean it is stuck or stopped.
    grouperWithinMs: Math.max(30_000, platform.config.jobs.pollSeconds * 1000 * 5),
  });
  return {
    routes(app) {
      registerHealthRoutes(app, { database: platform.database, role: platform.config.role, checks });
    },
    async measure() {
      // What /readyz answers, as a number: 1 ready, 0 not (the database away, a migration missing).
      const ready =
        (await databaseAnswers(platform.database)) && (await migrationsCurrent(platform.database)).current;
      platform.metrics.ready.set(ready ? 1 : 0);
    },
  } satisfies FaroModule;
}
