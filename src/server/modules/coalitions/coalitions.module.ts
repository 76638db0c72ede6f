import type { Platform } from '../../platform.js';
import type { FaroModule } from '../module.js';
import { createCoalitionService } from './coalitions.service.js';

/** The coalition this deployment serves, its member organizations and its settings. */
export function createCoalitionsModule(platform: Platform) {
  return { services: { coalitions: createCoalitionService(platform.database.db) } } satisfies FaroModule &
    Record<string, unknown>;
}
