import { timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorReason } from '../../shared/errors.js';
import { can, type Permission } from '../../shared/permissions.js';
import type { SessionContext, SessionService } from '../modules/access/sessions.service.js';
import { AppError } from './errors.js';

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
  }
  interface FastifyRequest {
    session: SessionContext | null;
  }
}

export const SESSION_COOKIE = 'faro_session';
export const CSRF_HEADER = 'x-csrf-token';
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
}

const sameText = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** Cookies, the session of each request, and the access rule of every route. */
export async function registerAuth(
  app: FastifyInstance,
  deps: { sessions: SessionService; secureCookie: boolean; absoluteHours: number },
): Promise<RouteAccess[]> {
  await app.register(fastifyCookie);
  app.decorateRequest('session', null);
  const table: RouteAccess[] = [];

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.url.startsWith('/api/docs')) return;
    const access = route.config?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!access) throw new Error(`${methods.join(',')} ${route.url} declares no access rule (config.access)`);
    if (access === 'public' && route.bodyLimit === undefined) route.bodyLimit = PUBLIC_BODY_LIMIT;
    for (const method of methods) if (method !== 'HEAD') table.push({ method, url: route.url, access });
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
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameText(sent, session.csrfToken)) {
        throw new AppError('FORBIDDEN', `This request needs the ${CSRF_HEADER} header of your session.`, {
          reason: 'csrf' satisfies ErrorReason,
        });
      }
    }
    if (access === 'session') return;
    if (session.state !== 'signed_in') throw new AppError('UNAUTHENTICATED', 'Finish signing in first.');
    if (access === 'signed-in') return;
    if (!can(session.roles, access)) throw new AppError('FORBIDDEN', 'Your role does not allow this.');
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
