import { handleJob } from '../../jobs/queue.js';
import type { Platform } from '../../platform.js';
import type { FaroModule } from '../module.js';
import { createFolderChunkStore, databaseChunkStore } from './chunk-store.js';
import { registerEvidenceRoutes } from './evidence.routes.js';
import { createEvidenceService } from './evidence.service.js';
import { createEvidenceExport } from './export.js';
import { registerEvidenceExportRoutes } from './export.routes.js';
import { createEvidenceSigner } from './signing-key.js';
import { registerUploadRoutes } from './uploads.js';
import { workingCopyJobType } from './working-copy.js';

/**
 * Evidence: what responders record on an incident, kept for counsel as sealed
 * originals with hashes and a tamper-evident chain of custody, and exported
 * to counsel as signed bundles.
 */
export function createEvidenceModule(platform: Platform) {
  const { config, database, box, now, jobs } = platform;
  const evidence = createEvidenceService({
    database,
    box,
    now,
    retentionDays: config.retention.evidenceDays,
    store: config.evidenceStoreDir ? createFolderChunkStore(config.evidenceStoreDir) : databaseChunkStore,
    enqueueWorkingCopy: async (request, tx) =>
      void (await jobs.send(workingCopyJobType, request, tx?.client)),
  });
  const workingCopy = handleJob(workingCopyJobType, ({ coalitionId, itemId }) =>
    evidence.makeWorkingCopy(coalitionId, itemId),
  );
  const signer = createEvidenceSigner({ db: database.db, box });
  const exports = createEvidenceExport({
    evidence,
    signer,
    publicUrl: config.publicUrl,
    timeZone: config.timeZone,
    now,
  });
  return {
    services: { evidence, evidenceExport: exports, evidenceSigner: signer },
    jobDefinitions: { evidenceWorkingCopy: workingCopy },
    jobs: [workingCopy],
    // Photos completed while no worker could make their copies (or before copies were made at all).
    async resume() {
      await evidence.requestMissingWorkingCopies();
    },
    routes(app) {
      registerEvidenceRoutes(app, { evidence, retentionDays: config.retention.evidenceDays });
      registerUploadRoutes(app, { evidence });
      registerEvidenceExportRoutes(app, {
        exports,
        signer,
        lookupsPerMinute: config.rateLimits.lookupsPerMinute,
        publicUrl: config.publicUrl,
      });
    },
  } satisfies FaroModule & Record<string, unknown>;
}
