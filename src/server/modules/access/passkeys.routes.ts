import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionInfoSchema } from '../../../shared/access.js';
import { sessionOf } from '../../http/auth.js';
import { AppError } from '../../http/errors.js';
import { relyingParty, webauthnOptions, webauthnResponse } from './passkeys.js';
import type { PasskeyService } from './passkeys.service.js';
import type { SessionService } from './sessions.service.js';
import type { SignInService } from './sign-in.service.js';

const ok = z.object({ ok: z.literal(true) });
const options = webauthnOptions;

/** Passkeys: add and remove from the account page; finish sign-in with one. */
export function registerPasskeyRoutes(
  app: FastifyInstance,
  deps: {
    passkeys: PasskeyService;
    signIn: SignInService;
    sessions: SessionService;
    /** The relying party is this site as configured, never the host a request names. */
    publicUrl: string;
    /** Sets the cookie of the renewed session token and answers with the session. */
    renewed: (reply: FastifyReply, token: string) => Promise<z.infer<typeof sessionInfoSchema>>;
  },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['access'];
  const rp = relyingParty(deps.publicUrl);

  routes.post(
    '/api/auth/second-factor/passkey/options',
    {
      config: { access: 'session' },
      schema: { tags, summary: 'Options to finish sign-in with a passkey', response: { 200: options } },
    },
    async (request) => (await deps.signIn.passkeyOptions(sessionOf(request), rp)) as Record<string, unknown>,
  );

  routes.post(
    '/api/auth/second-factor/passkey',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Finish sign-in with a passkey',
        body: webauthnResponse,
        response: { 200: sessionInfoSchema },
      },
    },
    async (request, reply) => {
      const { token } = await deps.signIn.verifyPasskey(
        sessionOf(request),
        rp,
        request.body as unknown as AuthenticationResponseJSON,
      );
      return deps.renewed(reply, token);
    },
  );

  routes.get(
    '/api/account/passkeys',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Your passkeys',
        response: {
          200: z.object({
            passkeys: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                createdAt: z.string(),
                lastUsedAt: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ passkeys: await deps.passkeys.list(sessionOf(request)) }),
  );

  routes.post(
    '/api/account/passkeys/options',
    {
      config: { access: 'signed-in' },
      schema: { tags, summary: 'Options to add a passkey', response: { 200: options } },
    },
    async (request) =>
      (await deps.passkeys.registrationOptions(sessionOf(request), rp)) as unknown as Record<string, unknown>,
  );

  routes.post(
    '/api/account/passkeys',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Add a passkey',
        body: z.object({ name: z.string().trim().min(1).max(60), response: webauthnResponse }),
        response: { 201: ok },
      },
    },
    async (request, reply) => {
      const { name, response } = request.body;
      await deps.passkeys.register(
        sessionOf(request),
        rp,
        response as unknown as RegistrationResponseJSON,
        name,
      );
      return reply.status(201).send({ ok: true as const });
    },
  );

  routes.post(
    '/api/account/passkeys/:id/remove',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Remove a passkey',
        params: z.object({ id: z.string().min(1).max(1024) }),
        response: { 200: ok },
      },
    },
    async (request) => {
      if (!request.params.id) throw new AppError('VALIDATION', 'A passkey id is needed.');
      await deps.passkeys.remove(sessionOf(request), request.params.id);
      return { ok: true as const };
    },
  );
}
