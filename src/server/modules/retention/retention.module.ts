import type { Platform } from '../../platform.js';
import type { CasesService } from '../cases/cases.module.js';
import type { EvidenceService } from '../evidence/evidence.service.js';
import type { FaroModule } from '../module.js';
import type { PlanService } from '../plans/plans.service.js';
import { RETENTION_SCHEDULE, retentionJob } from './retention.job.js';
import { registerRetentionRoutes } from './retention.routes.js';

/** Restricted data deleted on schedule, and the schedule shown to administrators. */
export function createRetentionModule(
  platform: Platform,
  deps: {
    evidence: Pick<EvidenceService, 'purgeExpired'>;
    cases: Pick<CasesService, 'purgeExpired'>;
    plans: Pick<PlanService, 'purgeExpired'>;
  },
) {
  const { config, database } = platform;
  const retention = retentionJob({
    db: database.db,
    purgeEvidence: () => deps.evidence.purgeExpired(),
    purgeCases: () => deps.cases.purgeExpired(),
    purgePlans: () => deps.plans.purgeExpired(),
    ...config.retention,
    onPurged: (purged) =>
      Object.values(purged).some((n) => n > 0) && platform.log.info(purged, 'restricted data purged'),
  });
  return {
    jobDefinitions: { retention },
    jobs: [retention],
    routes(app) {
      registerRetentionRoutes(app, { database, retention: config.retention, schedule: RETENTION_SCHEDULE });
    },
  } satisfies FaroModule & Record<string, unknown>;
}
