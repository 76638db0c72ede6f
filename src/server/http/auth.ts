import { timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorReason } from '../../shared/errors.js';
import { can, type Permission } from '../../shared/permissions.js';
import type { SessionContext, SessionService } from '../modules/access/sessions.service.js';
import { AppError } from './errors.js';
import { type FormBody, formText, isFormPost, postedFromAnotherSite } from './forms.js';

/**
 * Who may call a route. Every /api route must say (deny by default: a route
 * without it makes start-up fail):
 * - `public`: anyone, no session needed;
 * - `session`: any session, even one still finishing sign-in (its own sign-in steps);
 * - `signed-in`: a fully signed-in person (their own account);
 * - a permission: a signed-in person whose roles grant it.
 */
export type Access = 'public' | 'session' | 'signed-in' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * The route also takes a native HTML form post from this Faro's own pages (a download the
     * browser saves to disk as it arrives, which a script's fetch cannot do without holding it in
     * memory). Such a post cannot send the CSRF header: its token is the form field `csrfToken`.
     */
    formPost?: true;
  }
  interface FastifyRequest {
    session: SessionContext | null;
    /** A form post whose CSRF token is checked from its body once read (see `formPost`). */
    csrfInForm: boolean;
  }
}

export const SESSION_COOKIE = 'faro_session';
export const CSRF_HEADER = 'x-csrf-token';
/** The field that carries the CSRF token in a form posted by this Faro's pages (routes with `formPost`). */
export const CSRF_FIELD = 'csrfToken';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * The body limit of a public route that does not set its own: anyone may send
 * to it, and what they send (a sign-in, a subscription) is small.
 */
export const PUBLIC_BODY_LIMIT = 16 * 1024;

/** The routes that declared an access rule, for the authorization matrix test and docs. */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
  /** It also takes a native form post, its CSRF token as a field (`formPost`). */
  formPost?: true;
}

const sameText = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** Cookies, the session of each request, and the access rule of every route. */
export async function registerAuth(
  app: FastifyInstance,
  deps: { sessions: SessionService; secureCookie: boolean; absoluteHours: number; publicUrl: string },
): Promise<RouteAccess[]> {
  await app.register(fastifyCookie);
  app.decorateRequest('session', null);
  app.decorateRequest('csrfInForm', false);
  const table: RouteAccess[] = [];

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.url.startsWith('/api/docs')) return;
    const access = route.config?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!access) throw new Error(`${methods.join(',')} ${route.url} declares no access rule (config.access)`);
    if (access === 'public' && route.bodyLimit === undefined) route.bodyLimit = PUBLIC_BODY_LIMIT;
    const formPost = route.config?.formPost ? { formPost: true as const } : {};
    for (const method of methods)
      if (method !== 'HEAD') table.push({ method, url: route.url, access, ...formPost });
  });

  // On arrival, before the body is read: a caller who may not use a route does
  // not get to make the server read, buffer and parse what they send.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access ?? 'public';
    if (access === 'public') return;
    const token = request.cookies[SESSION_COOKIE];
    request.session = token ? await deps.sessions.resolve(token) : null;
    const session = request.session;
    if (!session) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
    if (!SAFE_METHODS.has(request.method)) {
      if (request.routeOptions.config.formPost && isFormPost(request)) {
        // The session cookie is SameSite=Strict already; a form another site's page posts is refused
        // on what the browser says of its origin too, before its body is read.
        if (postedFromAnotherSite(request, deps.publicUrl))
          throw new AppError('FORBIDDEN', 'A form posted from another site is refused.', {
            reason: 'csrf' satisfies ErrorReason,
          });
        request.csrfInForm = true;
      } else {
        const sent = request.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !sameText(sent, session.csrfToken)) {
          throw new AppError('FORBIDDEN', `This request needs the ${CSRF_HEADER} header of your session.`, {
            reason: 'csrf' satisfies ErrorReason,
          });
        }
      }
    }
    if (access === 'session') return;
    if (session.state !== 'signed_in') throw new AppError('UNAUTHENTICATED', 'Finish signing in first.');
    if (access === 'signed-in') return;
    if (!can(session.roles, access)) throw new AppError('FORBIDDEN', 'Your role does not allow this.');
  });

  // A form post's token, once its body is read: before validation and the handler, so nothing it
  // asks for is done without it.
  app.addHook('preValidation', async (request) => {
    if (!request.csrfInForm) return;
    const session = sessionOf(request);
    const sent = formText((request.body ?? {}) as FormBody, CSRF_FIELD);
    if (!sent || !sameText(sent, session.csrfToken))
      throw new AppError('FORBIDDEN', `This form needs the ${CSRF_FIELD} field of your session.`, {
        reason: 'csrf' satisfies ErrorReason,
      });
  });

  return table;
}

/** Sets the session cookie: httpOnly, SameSite=Strict, Secure over https. */
export function setSessionCookie(
  reply: FastifyReply,
  token: string,
  options: { secureCookie: boolean; absoluteHours: number },
): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: options.secureCookie,
    path: '/',
    maxAge: options.absoluteHours * 3600,
  });
}

export function clearSessionCookie(reply: FastifyReply, options: { secureCookie: boolean }): void {
  void reply.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    secure: options.secureCookie,
    path: '/',
  });
}

/** The session of a route whose access rule guarantees one. */
export function sessionOf(request: FastifyRequest): SessionContext {
  if (!request.session) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
  return request.session;
}
