import { z } from 'zod';
import { incidentSummarySchema } from './incident.js';
import { reportSummarySchema } from './report.js';

/** Events streamed to the dispatch board over Server-Sent Events. */
export const liveEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('report.created'), report: reportSummarySchema }),
  z.object({ type: z.literal('incident.updated'), incident: incidentSummarySchema }),
]);
export type LiveEvent = z.infer<typeof liveEventSchema>;
