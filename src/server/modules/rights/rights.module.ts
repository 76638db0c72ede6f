import type { Platform } from '../../platform.js';
import type { Publishing } from '../alerts/publishing.js';
import type { FaroModule } from '../module.js';
import { registerRightsRoutes } from './rights.routes.js';
import { createRightsService } from './rights.service.js';

/**
 * Know your rights (issue 17): the rights library the coalition edits and reviews, in the public
 * languages, and the public page that shows it.
 */
export function createRightsModule(
  platform: Platform,
  deps: { publishing: Pick<Publishing, 'context' | 'contacts'> },
) {
  const rights = createRightsService({
    db: platform.database.db,
    guard: async (coalitionId) => (await deps.publishing.context(coalitionId)).guard,
    contacts: (coalitionId) => deps.publishing.contacts(coalitionId),
    now: platform.now,
  });
  return {
    services: { rights },
    routes(app, http) {
      registerRightsRoutes(app, {
        rights,
        pages: http.pages,
        readsPerMinute: platform.config.rateLimits.pageViewsPerMinute,
      });
    },
  } satisfies FaroModule & Record<string, unknown>;
}
