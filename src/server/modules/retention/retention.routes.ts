import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { PENDING_PHOTO_MS } from '../reports/photos.js';
import type { RetentionPolicy } from './retention.job.js';

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
      const { rows } = await deps.database.pool.query<{
        restricted: string;
        callbacks: string;
        photos: string;
        notes: string;
        oldest: Date | null;
      }>(
        `select
           (select count(*) from reports where restricted is not null) as restricted,
           (select count(*) from reports where callback is not null) as callbacks,
           (select count(*) from report_photos) as photos,
           (select count(*) from incident_timeline where note is not null) as notes,
           (select min(received_at) from reports where restricted is not null) as oldest`,
      );
      const row = rows[0];
      return {
        policy: {
          restrictedDays: deps.retention.exactLocationDays,
          callbackHours: deps.retention.callbackHours,
          unclaimedPhotoMinutes: PENDING_PHOTO_MS / 60_000,
          schedule: deps.schedule,
        },
        held: {
          reportsWithRestrictedFields: Number(row?.restricted ?? 0),
          callbackNumbers: Number(row?.callbacks ?? 0),
          photos: Number(row?.photos ?? 0),
          incidentNotes: Number(row?.notes ?? 0),
          oldestRestrictedAt: row?.oldest ? new Date(row.oldest).toISOString() : null,
        },
      };
    },
  );
}
