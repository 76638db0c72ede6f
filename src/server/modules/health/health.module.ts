import { databaseAnswers } from '../../db/database.js';
import { migrationsCurrent } from '../../db/migrate.js';
import type { Platform } from '../../platform.js';
import type { FaroModule } from '../module.js';
import { registerHealthRoutes } from './health.routes.js';

/** Whether this process answers and can serve (for the load balancer and the operator). */
export function createHealthModule(platform: Platform) {
  return {
    routes(app) {
      registerHealthRoutes(app, { database: platform.database });
    },
    async measure() {
      // What /readyz answers, as a number: 1 ready, 0 not (the database away, a migration missing).
      const ready =
        (await databaseAnswers(platform.database)) && (await migrationsCurrent(platform.database)).current;
      platform.metrics.ready.set(ready ? 1 : 0);
    },
  } satisfies FaroModule;
}
