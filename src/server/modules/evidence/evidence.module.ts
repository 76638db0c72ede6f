import type { Platform } from '../../platform.js';
import type { FaroModule } from '../module.js';
import { registerEvidenceRoutes } from './evidence.routes.js';
import { createEvidenceService } from './evidence.service.js';
import { registerUploadRoutes } from './uploads.js';

/**
 * Evidence: what responders record on an incident, kept for counsel as sealed
 * originals with hashes and a tamper-evident chain of custody.
 */
export function createEvidenceModule(platform: Platform) {
  const { config, database, box, now } = platform;
  const evidence = createEvidenceService({
    database,
    box,
    now,
    retentionDays: config.retention.evidenceDays,
  });
  return {
    services: { evidence },
    routes(app) {
      registerEvidenceRoutes(app, { evidence, retentionDays: config.retention.evidenceDays });
      registerUploadRoutes(app, { evidence });
    },
  } satisfies FaroModule & { services: object };
}
