import { z } from 'zod';
import { reportSummarySchema } from './report.js';

/** Events streamed to the dispatch board over Server-Sent Events. */
export const liveEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('report.created'), report: reportSummarySchema }),
]);
export type LiveEvent = z.infer<typeof liveEventSchema>;
