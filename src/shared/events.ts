import { z } from 'zod';
import { incidentSummarySchema } from './incident.js';

/**
 * Events streamed to the dispatch board over Server-Sent Events. The board
 * shows incidents: a new report reaches it as its incident's `incident.updated`.
 */
export const liveEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('incident.updated'), incident: incidentSummarySchema }),
]);
export type LiveEvent = z.infer<typeof liveEventSchema>;
