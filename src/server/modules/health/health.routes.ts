import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROCESS_ROLES, type ProcessRole } from '../../config.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { countUngrouped } from '../reports/reports.repo.js';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness.js';

/**
 * `/healthz`: the process answers. `/readyz`: it can do its role's work — the
 * checks it ran are listed (every role: database reachable, schema current;
 * web: it hears other processes; worker: job workers running, grouper
 * passing) — and how many stored reports wait to be grouped (normally 0; a
 * number that stays up means the grouper is behind or stopped). 503, with the
 * checks, when one fails.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  deps: {
    database: Database;
    role: ProcessRole;
    checks: () => Promise<{ checks: ReadinessCheck[]; pendingMigrations: number }>;
  },
): void {
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
        summary: "Readiness: the process's role and the checks it passed (503 with them when one fails)",
        response: {
          200: z.object({
            status: z.literal('ready'),
            role: z.enum(PROCESS_ROLES),
            database: z.enum(['pglite', 'postgres']),
            groupingBacklog: z.number().int(),
            checks: z.array(z.object({ name: z.enum(READINESS_CHECKS), ok: z.literal(true) })),
          }),
        },
      },
      logLevel: 'warn',
      config: { access: 'public' },
    },
    async () => {
      const { checks, pendingMigrations } = await deps.checks();
      const failed = checks.find((check) => !check.ok);
      if (failed) {
        throw new AppError('UNAVAILABLE', failed.problem ?? `${failed.name} failed`, {
          role: deps.role,
          checks,
          ...(pendingMigrations > 0 ? { pendingMigrations } : {}),
        });
      }
      return {
        status: 'ready' as const,
        role: deps.role,
        database: deps.database.kind,
        groupingBacklog: await countUngrouped(deps.database.db),
        checks: checks.map(({ name }) => ({ name, ok: true as const })),
      };
    },
  );
}
