import { z } from 'zod';

/**
 * The coalition's street map, as the board learns of it before reading the
 * archive itself (`GET /api/basemap/archive`, a PMTiles file read by ranges).
 */

/** Where a basemap came from: an extract an admin imported, or the demo's approximate sketch. */
export const BASEMAP_KINDS = ['imported', 'demo'] as const;
export type BasemapKind = (typeof BASEMAP_KINDS)[number];

export const basemapInfoSchema = z.object({
  basemap: z
    .object({
      kind: z.enum(BASEMAP_KINDS),
      /** The archive's strong ETag: changes with every import. */
      etag: z.string(),
      size: z.number().int(),
      minZoom: z.number().int(),
      maxZoom: z.number().int(),
      /** [west, south, east, north] in degrees. */
      bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]),
      /** Who made the data (plain text from the archive), for an imported one. */
      attribution: z.string().nullable(),
    })
    .nullable(),
});
export type BasemapInfo = z.infer<typeof basemapInfoSchema>;
