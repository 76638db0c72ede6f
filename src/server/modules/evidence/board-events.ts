import type { SqlExecutor } from '../../db/database.js';
import { recordEvents } from '../../realtime/events.repo.js';

/**
 * Tells the dispatch board that an incident's evidence changed — an item
 * started, resumed after a stall, or completed — inside the transaction that
 * changed it (announced on commit, like every domain event). The board
 * already refetches an open incident on `incident.updated`; its evidence list
 * is part of that. Not sent per slice: a recording sends one every two
 * seconds, and the open panel polls while an item is arriving.
 */
export function announceEvidenceChange(
  client: SqlExecutor,
  coalitionId: string,
  incidentId: string,
): Promise<void> {
  return recordEvents(client, coalitionId, [{ type: 'incident.updated', subjectId: incidentId }]);
}
