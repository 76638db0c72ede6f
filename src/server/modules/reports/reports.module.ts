import type { Platform } from '../../platform.js';
import type { Grouper } from '../incidents/grouper.js';
import type { FaroModule } from '../module.js';
import type { ZoneService } from '../zones/zones.service.js';
import { createPhotoService } from './photos.js';
import { registerReportFormRoutes } from './report-form.routes.js';
import { ungroupedBacklog } from './reports.repo.js';
import { registerReportRoutes } from './reports.routes.js';
import { createReportService } from './reports.service.js';

/** Reports: what a person saw, taken from the public form, the hotline and the field, with photos. */
export function createReportsModule(
  platform: Platform,
  deps: { zones: ZoneService; grouper: Grouper | null },
) {
  const { config, database, box } = platform;
  const photos = createPhotoService({ db: database.db, box });
  const reports = createReportService({
    photos,
    database,
    zones: deps.zones,
    box,
    // A report stored here is grouped at once by this process's grouper; a web-only
    // process's reports reach a worker's through the realtime hub.
    onStored: (intake) => {
      deps.grouper?.kick();
      platform.metrics.reportsReceived.inc({ channel: intake });
    },
  });
  return {
    services: { reports, photos },
    routes(app, http) {
      registerReportRoutes(app, {
        reports,
        photos,
        proofOfWork: platform.proofOfWork,
        rateLimits: config.rateLimits,
      });
      registerReportFormRoutes(app, {
        pages: http.pages,
        reports,
        zones: deps.zones,
        formLimit: platform.formLimit,
        publicUrl: config.publicUrl,
        timeZone: config.timeZone,
        rateLimits: config.rateLimits,
      });
    },
    async resume() {
      await reports.sealPlainMarkings();
    },
    async measure() {
      const { waiting, oldest } = await ungroupedBacklog(database.db);
      platform.metrics.groupingBacklog.set(waiting);
      platform.metrics.groupingLag.set(
        oldest ? Math.max(0, (platform.now().getTime() - oldest.getTime()) / 1000) : 0,
      );
    },
  } satisfies FaroModule & Record<string, unknown>;
}
