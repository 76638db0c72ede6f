import { z } from 'zod';
import { hasUnpublishable, UNPUBLISHABLE_MESSAGE } from './text.js';

/** A zone's name is published in every alert for it (CAP areaDesc, the feed, texts). */
export const zoneNameSchema = z
  .string()
  .trim()
  .min(2, 'must be at least 2 characters')
  .max(80)
  .refine((value) => !hasUnpublishable(value), UNPUBLISHABLE_MESSAGE);

export const zoneSummarySchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  cellCount: z.number().int(),
});
export type ZoneSummary = z.infer<typeof zoneSummarySchema>;

export const zoneListSchema = z.object({ zones: z.array(zoneSummarySchema) });
export type ZoneList = z.infer<typeof zoneListSchema>;

/** The zones' outlines as GeoJSON, for the board's map (public: neighborhoods, nothing more). */
export const zoneGeometrySchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.uuid(),
      properties: z.object({ name: z.string() }),
      geometry: z.object({
        type: z.literal('Polygon'),
        coordinates: z.array(z.array(z.tuple([z.number(), z.number()]))),
      }),
    }),
  ),
});
export type ZoneGeometry = z.infer<typeof zoneGeometrySchema>;
