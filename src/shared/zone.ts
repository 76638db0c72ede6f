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
