import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Database, databaseAnswers } from '../../db/database.js';
import { migrationsCurrent } from '../../db/migrate.js';
import { AppError } from '../../http/errors.js';
import { countUngrouped } from '../reports/reports.repo.js';

/**
 * `/healthz`: the process answers. `/readyz`: it can serve — database
 * reachable, schema current — and how many stored reports wait to be grouped
 * (normally 0; a number that stays up means the grouper is behind or stopped).
 */
export function registerHealthRoutes(app: FastifyInstance, deps: { database: Database }): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
      logLevel: 'warn',
      config: { access: 'public' },
    },
    async () => ({ status: 'ok' as const }),
  );
  routes.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: database reachable and migrations applied',
        response: {
          200: z.object({
            status: z.literal('ready'),
            database: z.enum(['pglite', 'postgres']),
            groupingBacklog: z.number().int(),
          }),
        },
      },
      logLevel: 'warn',
      config: { access: 'public' },
    },
    async () => {
      if (!(await databaseAnswers(deps.database)))
        throw new AppError('UNAVAILABLE', 'The database is not reachable.');
      const migrations = await migrationsCurrent(deps.database);
      if (!migrations.current) {
        throw new AppError(
          'UNAVAILABLE',
          `${migrations.pending} database migration(s) are not applied yet.`,
          {
            pendingMigrations: migrations.pending,
          },
        );
      }
      return {
        status: 'ready' as const,
        database: deps.database.kind,
        groupingBacklog: await countUngrouped(deps.database.db),
      };
    },
  );
}
