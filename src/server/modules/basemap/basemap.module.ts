import type { Platform } from '../../platform.js';
import type { FaroModule } from '../module.js';
import { registerBasemapRoutes } from './basemap.routes.js';
import { createBasemapService } from './basemap.service.js';

/** The coalition's street map: a PMTiles archive kept in the database, served by ranges to the board's map. */
export function createBasemapModule(platform: Platform) {
  const basemap = createBasemapService(platform.database);
  return {
    services: { basemap },
    routes(app) {
      registerBasemapRoutes(app, { basemap });
    },
  } satisfies FaroModule & Record<string, unknown>;
}
