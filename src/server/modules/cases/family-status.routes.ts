import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type FamilyStatus,
  familyAccessListSchema,
  familyCredentialsSchema,
  familyStatusSchema,
  issuedFamilyAccessSchema,
  issueFamilyAccessSchema,
} from '../../../shared/family-status.js';
import { sessionOf } from '../../http/auth.js';
import { clientKeyOf } from '../../http/client-address.js';
import { AppError, errorSchema } from '../../http/errors.js';
import { acceptFormBodies, type FormBody, formText, postedFromAnotherSite } from '../../http/forms.js';
import type { WebPages } from '../../http/pages.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { CasesService } from './cases.module.js';

const tags = ['cases'];
const errors = { 400: errorSchema, 403: errorSchema, 404: errorSchema };

const actorOf = (request: Parameters<typeof sessionOf>[0]) => {
  const session = sessionOf(request);
  return {
    userId: session.userId,
    roles: session.roles,
    permissions: session.permissions,
    tokenHash: session.tokenHash,
  };
};

/**
 * Family status without an account (issue 16). The family's lookup is public and rate-limited, the
 * code and PIN in the body (never in a URL, which proxies log); the team's routes take a case id
 * and, like every route of a case, answer 404 to anyone who may not know the case.
 */
export function registerFamilyStatusRoutes(
  app: FastifyInstance,
  deps: { cases: CasesService; lookupsPerMinute: number; pages: WebPages; publicUrl: string },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { cases } = deps;
  const limited = {
    access: 'public' as const,
    rateLimit: { max: deps.lookupsPerMinute, timeWindow: 60_000 },
  };

  // The page's form posted without scripts: answered as the page, with the status or why not. The
  // code and PIN are read from the body and never echoed back into the page.
  app.register(async (scope) => {
    acceptFormBodies(scope, 2048);
    scope.post(
      '/family',
      { bodyLimit: 2048, schema: { hide: true }, config: limited },
      async (request, reply) => {
        const page = (family: { status?: FamilyStatus; refusal?: 'noMatch' | 'blocked' }, status: number) =>
          deps.pages.send(request, reply, { family, status });
        if (postedFromAnotherSite(request, deps.publicUrl)) {
          request.log.warn('family status form posted from another site: refused');
          return page({ refusal: 'noMatch' }, 403);
        }
        const form = (request.body ?? {}) as FormBody;
        const credentials = familyCredentialsSchema.safeParse({
          code: formText(form, 'code'),
          pin: formText(form, 'pin'),
        });
        if (!credentials.success) return page({ refusal: 'noMatch' }, 404);
        try {
          const status = await cases.familyStatus((await coalitionOf(request)).id, credentials.data, {
            kind: 'address',
            value: clientKeyOf(request),
          });
          return page({ status }, 200);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          if (error.code === 'NOT_FOUND') return page({ refusal: 'noMatch' }, 404);
          if (error.code === 'RATE_LIMITED') return page({ refusal: 'blocked' }, 429);
          throw error;
        }
      },
    );
  });

  routes.post(
    '/api/family-status',
    {
      config: limited,
      schema: {
        tags,
        summary: 'A family reads a case’s stage and whom to call, with the case code and PIN (anonymous)',
        description:
          'An unknown code, a revoked one and a wrong PIN get the same 404; wrong attempts back off per code and per client (429).',
        body: familyCredentialsSchema,
        response: { 200: familyStatusSchema, 400: errorSchema, 404: errorSchema, 429: errorSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return cases.familyStatus((await coalitionOf(request)).id, request.body, {
        kind: 'address',
        value: clientKeyOf(request),
      });
    },
  );

  routes.get(
    '/api/cases/:id/family-access',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Which family contacts of a case hold a case code in force, since when',
        params: z.object({ id: z.uuid() }),
        response: { 200: familyAccessListSchema, ...errors },
      },
    },
    async (request) =>
      cases.familyAccess((await coalitionOf(request)).id, actorOf(request), request.params.id),
  );

  routes.post(
    '/api/cases/:id/family-access',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary:
          'Give a family contact a case code and PIN (the holding team), replacing any before; answered once, optionally the code texted',
        params: z.object({ id: z.uuid() }),
        body: issueFamilyAccessSchema,
        response: { 201: issuedFamilyAccessSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .header('cache-control', 'no-store')
        .send(
          await cases.issueFamilyAccess(
            (await coalitionOf(request)).id,
            actorOf(request),
            request.params.id,
            request.body,
          ),
        ),
  );

  routes.post(
    '/api/cases/:id/family-access/:contactId/revoke',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Revoke a family contact’s case code (the holding team): it then finds nothing',
        params: z.object({ id: z.uuid(), contactId: z.uuid() }),
        response: { 200: z.object({ revoked: z.literal(true) }), ...errors },
      },
    },
    async (request) =>
      cases.revokeFamilyAccess(
        (await coalitionOf(request)).id,
        actorOf(request),
        request.params.id,
        request.params.contactId,
      ),
  );
}
