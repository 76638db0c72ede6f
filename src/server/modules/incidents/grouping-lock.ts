import type { Database, Tx } from '../../db/database.js';
import { recordEvents } from '../../realtime/events.repo.js';
import { lockGrouping } from './incidents.repo.js';

/**
 * The envelope of every change to which reports make which incident — the
 * grouper's batches and a dispatcher's merge, split, move, status and note:
 * one transaction under the coalition's grouping lock (so two processes never
 * group at once, and a correction never races a batch), announcing each
 * incident it touched (`incident.updated`) when it commits.
 */
export function underGroupingLock<T>(
  database: Database,
  coalitionId: string,
  work: (tx: Tx) => Promise<{ result: T; touched: Iterable<string> }>,
): Promise<T> {
  return database.transaction(async (tx) => {
    await lockGrouping(tx.client, coalitionId);
    const { result, touched } = await work(tx);
    await recordEvents(
      tx.client,
      coalitionId,
      [...new Set(touched)].map((subjectId) => ({ type: 'incident.updated' as const, subjectId })),
    );
    return result;
  });
}
