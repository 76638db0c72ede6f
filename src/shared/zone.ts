import { z } from 'zod';

export const zoneSummarySchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  cellCount: z.number().int(),
});
export type ZoneSummary = z.infer<typeof zoneSummarySchema>;

export const zoneListSchema = z.object({ zones: z.array(zoneSummarySchema) });
export type ZoneList = z.infer<typeof zoneListSchema>;
