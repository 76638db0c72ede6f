import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { PENDING_PHOTO_MS } from '../reports/photos.js';
import type { RetentionPolicy } from './retention.job.js';
import { heldRestrictedData } from './retention.repo.js';

export const retentionViewSchema = z.object({
  policy: z.object({
    restrictedDays: z.number().int(),
    callbackHours: z.number().int(),
    unclaimedPhotoMinutes: z.number().int(),
    schedule: z.string(),
  }),
  /** What is held right now, waiting for its deletion. */
  held: z.object({
    reportsWithRestrictedFields: z.number().int(),
    callbackNumbers: z.number().int(),
    photos: z.number().int(),
    incidentNotes: z.number().int(),
    oldestRestrictedAt: z.string().nullable(),
  }),
});

/** `GET /api/admin/retention`: the deletion schedule and how much restricted data exists now. */
export function registerRetentionRoutes(
  app: FastifyInstance,
  deps: { database: Database; retention: RetentionPolicy; schedule: string },
): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/admin/retention',
    {
      config: { access: 'audit:read' },
      schema: {
        tags: ['admin'],
        summary: 'The retention policy and the restricted data held now',
        response: { 200: retentionViewSchema },
      },
    },
    async () => {
      const row = await heldRestrictedData(deps.database.db);
      return {
        policy: {
          restrictedDays: deps.retention.exactLocationDays,
          callbackHours: deps.retention.callbackHours,
          unclaimedPhotoMinutes: PENDING_PHOTO_MS / 60_000,
          schedule: deps.schedule,
        },
        held: {
          reportsWithRestrictedFields: row.restricted,
          callbackNumbers: row.callbacks,
          photos: row.photos,
          incidentNotes: row.notes,
          oldestRestrictedAt: row.oldest ? new Date(row.oldest).toISOString() : null,
        },
      };
    },
  );
}
