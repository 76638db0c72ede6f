import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { codeSchema, newPasswordSchema, sessionInfoSchema, signInSchema } from '../../../shared/access.js';
import { clearSessionCookie, sessionOf, setSessionCookie } from '../../http/auth.js';
import { clientKeyOf } from '../../http/client-address.js';
import { AppError } from '../../http/errors.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { InvitationService } from './invitations.service.js';
import type { SessionContext, SessionService } from './sessions.service.js';
import { describeAgent } from './sessions.service.js';
import type { SignInService } from './sign-in.service.js';

const sessionInfo = (session: SessionContext) => ({
  state: session.state,
  hasPasskey: session.hasPasskey,
  user: { id: session.userId, email: session.email, displayName: session.displayName },
  roles: session.roles,
  permissions: session.permissions,
  csrfToken: session.csrfToken,
  idleExpiresAt: session.idleExpiresAt.toISOString(),
  expiresAt: session.expiresAt.toISOString(),
});

const ok = z.object({ ok: z.literal(true) });

/** Sign-in, second factor, enrolment, password and sign-out; invitations accepted. */
export function registerAuthRoutes(
  app: FastifyInstance,
  deps: {
    sessions: SessionService;
    signIn: SignInService;
    invitations: InvitationService;
    cookie: { secureCookie: boolean; absoluteHours: number };
  },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['access'];

  const startedSession = (reply: FastifyReply, token: string) =>
    sessionWithToken(deps.sessions, deps.cookie, reply, token);

  routes.get(
    '/api/auth/session',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'The current session and where sign-in stands',
        response: { 200: sessionInfoSchema },
      },
    },
    async (request) => sessionInfo(sessionOf(request)),
  );

  routes.post(
    '/api/auth/sign-in',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Sign in with e-mail and password',
        body: signInSchema,
        response: { 200: sessionInfoSchema },
      },
    },
    async (request, reply) => {
      const { token } = await deps.signIn.signIn((await coalitionOf(request)).id, {
        ...request.body,
        source: clientKeyOf(request),
        agent: describeAgent(request.headers['user-agent']),
      });
      return startedSession(reply, token);
    },
  );

  routes.post(
    '/api/auth/second-factor/totp',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Finish sign-in with an authenticator code',
        body: codeSchema,
        response: { 200: sessionInfoSchema },
      },
    },
    async (request, reply) => {
      const { token } = await deps.signIn.verifyTotp(sessionOf(request), request.body.code);
      return startedSession(reply, token);
    },
  );

  routes.post(
    '/api/auth/second-factor/recovery',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Finish sign-in with a single-use recovery code',
        body: codeSchema,
        response: { 200: sessionInfoSchema },
      },
    },
    async (request, reply) => {
      const { token } = await deps.signIn.useRecoveryCode(sessionOf(request), request.body.code);
      return startedSession(reply, token);
    },
  );

  routes.post(
    '/api/auth/totp-enrolment',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Start enrolling an authenticator app',
        response: { 200: z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() }) },
      },
    },
    async (request) => deps.signIn.beginTotpEnrolment(sessionOf(request)),
  );

  routes.post(
    '/api/auth/totp-enrolment/confirm',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Confirm the authenticator with a first code; returns recovery codes once',
        body: codeSchema,
        response: { 200: z.object({ recoveryCodes: z.array(z.string()), session: sessionInfoSchema }) },
      },
    },
    async (request, reply) => {
      const { recoveryCodes, token } = await deps.signIn.confirmTotpEnrolment(
        sessionOf(request),
        request.body.code,
      );
      return { recoveryCodes, session: await startedSession(reply, token) };
    },
  );

  routes.post(
    '/api/auth/password',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Change the password (signs out every other browser)',
        body: z.object({ currentPassword: z.string().min(1).max(256), newPassword: newPasswordSchema }),
        response: { 200: sessionInfoSchema },
      },
    },
    async (request, reply) => {
      const { token } = await deps.signIn.changePassword(sessionOf(request), request.body);
      return startedSession(reply, token);
    },
  );

  routes.post(
    '/api/auth/sign-out',
    {
      config: { access: 'session' },
      schema: {
        tags,
        summary: 'Sign out this browser, or everywhere',
        body: z.object({ everywhere: z.boolean().default(false) }).default({ everywhere: false }),
        response: { 200: ok },
      },
    },
    async (request, reply) => {
      await deps.signIn.signOut(sessionOf(request), request.body.everywhere);
      clearSessionCookie(reply, deps.cookie);
      return { ok: true as const };
    },
  );

  routes.get(
    '/api/account/sessions',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'The browsers signed in to this account',
        response: {
          200: z.object({
            sessions: z.array(
              z.object({
                id: z.string(),
                agent: z.string(),
                createdAt: z.string(),
                lastSeenAt: z.string(),
                current: z.boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({
      sessions: (await deps.sessions.list(sessionOf(request).userId, sessionOf(request).tokenHash)).map(
        (session) => ({
          ...session,
          createdAt: session.createdAt.toISOString(),
          lastSeenAt: session.lastSeenAt.toISOString(),
        }),
      ),
    }),
  );

  routes.post(
    '/api/account/sessions/:id/sign-out',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Sign out one of your other browsers',
        params: z.object({ id: z.string().min(8).max(32) }),
        response: { 200: ok },
      },
    },
    async (request) => {
      await deps.signIn.endSession(sessionOf(request), request.params.id);
      return { ok: true as const };
    },
  );

  routes.post(
    '/api/invitations/accept',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Accept an invitation: create the account, then enrol a second factor',
        body: z.object({
          code: z.string().trim().min(8).max(64),
          email: z.email().max(320),
          displayName: z.string().trim().min(1).max(100),
          password: newPasswordSchema,
        }),
        response: { 200: sessionInfoSchema },
      },
    },
    async (request, reply) => {
      const { token } = await deps.invitations.accept({
        ...request.body,
        source: clientKeyOf(request),
        agent: describeAgent(request.headers['user-agent']),
      });
      return startedSession(reply, token);
    },
  );
}

/**
 * Sets the cookie of a new or renewed session token (sign-in, second factor,
 * password change) and answers with where sign-in stands.
 */
export async function sessionWithToken(
  sessions: SessionService,
  cookie: { secureCookie: boolean; absoluteHours: number },
  reply: FastifyReply,
  token: string,
) {
  setSessionCookie(reply, token, cookie);
  const session = await sessions.resolve(token);
  if (!session) throw new AppError('INTERNAL', 'The new session could not be read back.');
  return sessionInfo(session);
}
