import type { Platform } from '../../platform.js';
import type { FaroModule } from '../module.js';
import { registerHealthRoutes } from './health.routes.js';

/** Whether this process answers and can serve (for the load balancer and the operator). */
export function createHealthModule(platform: Platform) {
  return {
    routes(app) {
      registerHealthRoutes(app, { database: platform.database });
    },
  } satisfies FaroModule;
}
