import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { firstCoalition } from './coalitions.repo.js';

export interface Coalition {
  id: string;
  slug: string;
  name: string;
}

export interface CoalitionService {
  /** The coalition this deployment serves; UNAVAILABLE until one is set up. */
  current(): Promise<Coalition>;
}

/**
 * One deployment serves one coalition (its member organizations share it).
 * It never changes while the process runs, so it is read once and kept.
 */
export function createCoalitionService(db: Drizzle): CoalitionService {
  let cached: Coalition | undefined;
  return {
    async current() {
      if (cached) return cached;
      const row = await firstCoalition(db);
      if (!row) {
        throw new AppError(
          'UNAVAILABLE',
          'This Faro server has no coalition yet; an administrator must set it up.',
        );
      }
      cached = row;
      return row;
    },
  };
}
