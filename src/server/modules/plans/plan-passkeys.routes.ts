import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { planActivatedSchema, planCredentialsSchema } from '../../../shared/plan.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { clientKeyOf } from '../../http/client-address.js';
import { errorSchema } from '../../http/errors.js';
import { message } from '../../locales/messages.js';
import { webauthnOptions, webauthnResponse } from '../access/passkeys.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { PlanService } from './plans.service.js';

const tags = ['plans'];
const challenge = z.object({ challengeId: z.uuid(), options: webauthnOptions });
const signed = z.object({ challengeId: z.uuid(), response: webauthnResponse });
const refusals = { 400: errorSchema, 404: errorSchema, 409: errorSchema, 429: errorSchema, 503: errorSchema };

/**
 * A plan's passkeys (anonymous, rate-limited like the other plan routes): added with the code and
 * PIN, then used instead of them to activate (the page's one-tap button, after its undo
 * countdown). A passkey that is not a plan's is refused as a wrong code is.
 */
export function registerPlanPasskeyRoutes(
  app: FastifyInstance,
  deps: { plans: PlanService; lookupsPerMinute: number },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const config = { access: 'public' as const, rateLimit: { max: deps.lookupsPerMinute, timeWindow: 60_000 } };
  const { passkeys } = deps.plans;

  routes.post(
    '/api/plans/passkeys/options',
    {
      config,
      schema: {
        tags,
        summary: 'Options to add a passkey on this phone to the plan the code and PIN open',
        body: planCredentialsSchema.extend({ language: z.enum(LANGUAGES).default('en') }),
        response: { 200: challenge, ...refusals },
      },
    },
    async (request) => {
      const { language, ...credentials } = request.body;
      return passkeys.registrationOptions(
        (await coalitionOf(request)).id,
        credentials,
        { kind: 'address', value: clientKeyOf(request) },
        // What the phone's passkey list shows: a generic name, never the member's or the code.
        message(language, 'plans.passkeyName'),
      );
    },
  );

  routes.post(
    '/api/plans/passkeys',
    {
      config,
      schema: {
        tags,
        summary: 'Keep the passkey the phone made for the plan',
        body: signed,
        response: { 201: z.object({ ok: z.literal(true) }), ...refusals },
      },
    },
    async (request, reply) => {
      await passkeys.register(
        request.body.challengeId,
        request.body.response as unknown as RegistrationResponseJSON,
      );
      return reply.status(201).send({ ok: true });
    },
  );

  routes.post(
    '/api/plans/passkeys/remove',
    {
      config,
      schema: {
        tags,
        summary: 'Forget every passkey of the plan the code and PIN open (a phone lost or given away)',
        body: planCredentialsSchema,
        response: { 200: z.object({ removed: z.number().int() }), ...refusals },
      },
    },
    async (request) =>
      passkeys.removeAll((await coalitionOf(request)).id, request.body, {
        kind: 'address',
        value: clientKeyOf(request),
      }),
  );

  routes.post(
    '/api/plans/passkey-challenge',
    {
      config,
      schema: {
        tags,
        summary: 'A challenge for the phone to sign with a plan’s passkey',
        response: { 200: challenge, 429: errorSchema },
      },
    },
    async () => passkeys.authenticationOptions(),
  );

  routes.post(
    '/api/plans/passkey-activate',
    {
      config,
      schema: {
        tags,
        summary: 'Activate (or test) the plan of the passkey that signed the challenge',
        body: signed.extend({ test: z.boolean().default(false) }),
        response: { 202: planActivatedSchema, ...refusals },
      },
    },
    async (request, reply) => {
      const result = await passkeys.activate(
        (await coalitionOf(request)).id,
        request.body.challengeId,
        request.body.response as unknown as AuthenticationResponseJSON,
        request.body.test,
      );
      return reply.status(202).send({ messages: result.messages, test: result.test });
    },
  );
}
