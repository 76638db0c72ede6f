import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Coalition, CoalitionService } from './coalitions.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The coalition of this request, once looked up (see coalitionOf). */
    coalitionLookup: Promise<Coalition> | null;
    /** Looks the coalition up, at most once per request. */
    lookUpCoalition(): Promise<Coalition>;
  }
}

/**
 * Lets every route ask for the coalition it serves: looked up when a route
 * first asks, at most once per request. A request that never asks (health,
 * static files, a session before any coalition is set up) never looks it up,
 * so it does not fail on a server with no coalition yet.
 */
export function registerCoalitionOf(
  app: FastifyInstance,
  coalitions: Pick<CoalitionService, 'current'>,
): void {
  app.decorateRequest('coalitionLookup', null);
  app.decorateRequest('lookUpCoalition', function (this: FastifyRequest) {
    this.coalitionLookup ??= coalitions.current();
    return this.coalitionLookup;
  });
}

/** The coalition a request is served for (UNAVAILABLE until one is set up); the one way a route gets it. */
export function coalitionOf(request: FastifyRequest): Promise<Coalition> {
  return request.lookUpCoalition();
}
