import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  activatePlanSchema,
  createPlanSchema,
  planActivatedSchema,
  planCredentialsSchema,
  planLegalOrganizationsSchema,
  planTemplatesSchema,
  planViewSchema,
  updatePlanSchema,
} from '../../../shared/plan.js';
import { sessionOf } from '../../http/auth.js';
import { clientKeyOf } from '../../http/client-address.js';
import { errorSchema } from '../../http/errors.js';
import { PROOF_OF_WORK_HEADER, type ProofOfWork, requireProofOfWork } from '../../http/proof-of-work.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { PlanService } from './plans.service.js';
import { planTemplates } from './templates.js';
import type { PlanSender } from './unlock.js';

/** A plan is a few kilobytes of text. */
const PLAN_BODY_LIMIT = 64 * 1024;

const byAddress = (request: FastifyRequest): PlanSender => ({ kind: 'address', value: clientKeyOf(request) });

/**
 * The member's plan routes (anonymous, rate-limited, code and PIN in the body — never in a URL,
 * which proxies write into their logs) and the hotline's activation for a caller.
 */
export function registerPlanRoutes(
  app: FastifyInstance,
  deps: { plans: PlanService; lookupsPerMinute: number; proofOfWork: ProofOfWork | null },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const limited = {
    access: 'public' as const,
    rateLimit: { max: deps.lookupsPerMinute, timeWindow: 60_000 },
  };
  const refusals = {
    400: errorSchema,
    404: errorSchema,
    409: errorSchema,
    429: errorSchema,
    503: errorSchema,
  };

  routes.get(
    '/api/plans/templates',
    {
      config: limited,
      schema: {
        tags: ['plans'],
        summary: 'The message templates for each contact task, in every language',
        description:
          'A contact’s message starts from the template in the contact’s language, then the member edits it.',
        response: { 200: planTemplatesSchema },
      },
    },
    async () => planTemplates(),
  );

  routes.get(
    '/api/plans/legal-organizations',
    {
      config: limited,
      schema: {
        tags: ['plans'],
        summary: 'The member organizations with a legal team, for the consent in a plan',
        description:
          'Names only: where a case opened from an activated plan may go. Empty when no organization has a legal team (consent cannot be given then).',
        response: { 200: planLegalOrganizationsSchema },
      },
    },
    async (request) => deps.plans.legalOrganizations((await coalitionOf(request)).id),
  );

  routes.post(
    '/api/plans',
    {
      bodyLimit: PLAN_BODY_LIMIT,
      config: limited,
      schema: {
        tags: ['plans'],
        summary: 'Write an emergency plan (anonymous)',
        description:
          'Answers with the plan code, once: it is not stored and cannot be shown again. Asks for the report ' +
          'form’s proof of work (`GET /api/reports/challenge`, solution in the `x-faro-pow` header): a plan ' +
          'texts up to fifteen numbers, so writing one costs a script what a report does.',
        body: createPlanSchema,
        headers: z.object({ [PROOF_OF_WORK_HEADER]: z.string().max(4096).optional() }),
        response: { 201: z.object({ code: z.string() }), ...refusals },
      },
    },
    async (request, reply) => {
      await requireProofOfWork(deps.proofOfWork, request.headers[PROOF_OF_WORK_HEADER]);
      const created = await deps.plans.create((await coalitionOf(request)).id, request.body);
      return reply.status(201).send(created);
    },
  );

  routes.post(
    '/api/plans/open',
    {
      config: limited,
      schema: {
        tags: ['plans'],
        summary: 'Open an emergency plan with its code and PIN',
        description: 'A wrong code and a wrong PIN get the same 404; wrong attempts back off (429).',
        body: planCredentialsSchema,
        response: { 200: planViewSchema, ...refusals },
      },
    },
    async (request) => deps.plans.open((await coalitionOf(request)).id, request.body, byAddress(request)),
  );

  routes.post(
    '/api/plans/update',
    {
      bodyLimit: PLAN_BODY_LIMIT,
      config: limited,
      schema: {
        tags: ['plans'],
        summary: 'Save changes to an emergency plan (confirms it for another year)',
        body: updatePlanSchema,
        response: { 204: z.null(), ...refusals },
      },
    },
    async (request, reply) => {
      const { plan, ...credentials } = request.body;
      await deps.plans.update((await coalitionOf(request)).id, credentials, plan, byAddress(request));
      return reply.status(204).send(null);
    },
  );

  routes.post(
    '/api/plans/deactivate',
    {
      config: limited,
      schema: {
        tags: ['plans'],
        summary: 'Turn an emergency plan off',
        body: planCredentialsSchema,
        response: { 204: z.null(), ...refusals },
      },
    },
    async (request, reply) => {
      await deps.plans.deactivate((await coalitionOf(request)).id, request.body, byAddress(request));
      return reply.status(204).send(null);
    },
  );

  routes.post(
    '/api/plans/activate',
    {
      config: limited,
      schema: {
        tags: ['plans'],
        summary: 'Activate an emergency plan (or test it: only the member’s own number is texted)',
        description:
          'The member’s page waits a few seconds, with an undo button, before it sends this: once it ' +
          'arrives, the texts are queued at once.',
        body: activatePlanSchema,
        response: { 202: planActivatedSchema, ...refusals },
      },
    },
    async (request, reply) => {
      const { test, ...credentials } = request.body;
      const result = await deps.plans.activate((await coalitionOf(request)).id, credentials, {
        channel: 'web',
        sourceRef: `web:${randomUUID()}`,
        sender: byAddress(request),
        test,
      });
      return reply.status(202).send({ messages: result.messages, test: result.test });
    },
  );

  routes.post(
    '/api/hotline/plans/activate',
    {
      config: { access: 'plans:activate' },
      schema: {
        tags: ['plans'],
        summary: 'Activate a caller’s emergency plan with the code and PIN they give (audited)',
        body: planCredentialsSchema,
        response: { 202: planActivatedSchema, ...refusals, 401: errorSchema, 403: errorSchema },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const result = await deps.plans.activate(session.coalitionId, request.body, {
        channel: 'hotline',
        sourceRef: `hotline:${randomUUID()}`,
        sender: { kind: 'operator', value: session.userId },
        actorId: session.userId,
      });
      return reply.status(202).send({ messages: result.messages, test: result.test });
    },
  );
}
