import type { Platform } from '../../platform.js';
import type { FaroModule } from '../module.js';
import { registerZoneRoutes } from './zones.routes.js';
import { createZoneService } from './zones.service.js';

/** The coalition's named areas: what reports and alerts are placed in, and what people subscribe to. */
export function createZonesModule(platform: Platform) {
  const zones = createZoneService(platform.database.db, platform.database);
  return {
    services: { zones },
    routes(app) {
      registerZoneRoutes(app, { zones });
    },
  } satisfies FaroModule & Record<string, unknown>;
}
