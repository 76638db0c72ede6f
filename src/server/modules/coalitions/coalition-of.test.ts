import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, registerErrorHandling } from '../../http/errors.js';
import { coalitionOf, registerCoalitionOf } from './coalition-of.js';
import type { Coalition } from './coalitions.service.js';

const COALITION: Coalition = { id: '00000000-0000-4000-8000-000000000001', slug: 'la', name: 'LA Network' };

/** An app whose coalition service counts its look-ups, and answers with `answer`. */
function appWith(answer: () => Promise<Coalition>) {
  const lookups = { count: 0 };
  const app = Fastify();
  registerErrorHandling(app, { default: 1024 });
  registerCoalitionOf(app, {
    current: () => {
      lookups.count += 1;
      return answer();
    },
  });
  // A route that asks three times, as a route and the helpers it calls might.
  app.get('/asks', async (request) => {
    const [a, b] = await Promise.all([coalitionOf(request), coalitionOf(request)]);
    const c = await coalitionOf(request);
    return { same: a === b && b === c, id: c.id };
  });
  app.get('/never-asks', async () => ({ ok: true }));
  return { app, lookups };
}

describe('coalitionOf', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('looks the coalition up at most once per request, and again for the next request', async () => {
    const { app, lookups } = appWith(async () => COALITION);
    close = () => app.close();
    const first = await app.inject({ method: 'GET', url: '/asks' });
    expect(first.json()).toEqual({ same: true, id: COALITION.id });
    expect(lookups.count).toBe(1);
    await app.inject({ method: 'GET', url: '/asks' });
    expect(lookups.count).toBe(2);
  });

  it('is never looked up by a request that does not ask, so it works before any coalition exists', async () => {
    const { app, lookups } = appWith(async () => {
      throw new AppError('UNAVAILABLE', 'no coalition yet');
    });
    close = () => app.close();
    const health = await app.inject({ method: 'GET', url: '/never-asks' });
    expect(health.statusCode).toBe(200);
    expect(lookups.count).toBe(0);
    // A route that needs it says the server is not set up yet, once.
    const asked = await app.inject({ method: 'GET', url: '/asks' });
    expect(asked.statusCode).toBe(503);
    expect(asked.json().error.code).toBe('UNAVAILABLE');
    expect(lookups.count).toBe(1);
  });
});
