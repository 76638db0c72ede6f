import type { Drizzle } from '../../db/database.js';
import { findSettings, updateSettings } from './coalitions.repo.js';

/**
 * A coalition's settings, kept with the coalition (the coalitions module
 * writes its table) but shaped and checked by the module that uses them:
 * incidents (grouping) and alerts (publishing). Every call takes the
 * caller's database or transaction, so a change commits with what goes with it.
 */
export const coalitionSettings = {
  grouping: async (db: Drizzle, coalitionId: string): Promise<unknown> =>
    (await findSettings(db, coalitionId))?.grouping,
  setGrouping: (db: Drizzle, coalitionId: string, grouping: object) =>
    updateSettings(db, coalitionId, { grouping }),
  /** The publishing settings with the coalition's name (the sender's name of what it publishes). */
  publishing: async (
    db: Drizzle,
    coalitionId: string,
  ): Promise<{ name: string; publishing: unknown } | undefined> => {
    const row = await findSettings(db, coalitionId);
    return row && { name: row.name, publishing: row.publishing };
  },
  setPublishing: (db: Drizzle, coalitionId: string, publishing: object) =>
    updateSettings(db, coalitionId, { publishing }),
};
