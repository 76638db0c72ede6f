import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { retentionViewSchema } from '../../../shared/admin.js';
import type { Database } from '../../db/database.js';
import { PENDING_PHOTO_MS } from '../reports/photos.js';
import type { RetentionPolicy } from './retention.job.js';
import { heldRestrictedData } from './retention.repo.js';

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
