import type { LiveEvent } from '../../../shared/events.js';
import type { DomainEvent } from '../../realtime/events.js';
import type { IncidentService } from './incidents.service.js';

/**
 * What the dispatch board is sent for a domain event, resolved once per
 * process (realtime/hub.ts): an incident's summary when it changed. A report
 * reaches the board through its incident (grouping announces the incident), so
 * `report.created` resolves to nothing: it only wakes the grouper. A
 * responder's own events go to their app's stream, and access changes only
 * make that person's streams check their session.
 */
export function boardEvent(
  incidents: Pick<IncidentService, 'summary'>,
): (event: DomainEvent) => Promise<LiveEvent | null> {
  return async (event) => {
    if (event.type !== 'incident.updated') return null;
    const incident = await incidents.summary(event.coalitionId, event.subjectId);
    return incident ? { type: 'incident.updated', incident } : null;
  };
}
