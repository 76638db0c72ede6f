import { createHmac, randomBytes } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { clientKeyOf } from './client-address.js';
import { AppError } from './errors.js';

/**
 * Limits on the public endpoints, per client (`clientKey`: an address, or an
 * IPv6 /64) — but the address is never kept: the key is an HMAC of it with a
 * random salt that lives only in this process's memory and is replaced every day.
 */
export function addressKeyer(now: () => Date = () => new Date()) {
  let day = '';
  let salt = randomBytes(32);
  return (request: FastifyRequest): string => {
    const today = now().toISOString().slice(0, 10);
    if (today !== day) {
      day = today;
      salt = randomBytes(32);
    }
    return createHmac('sha256', salt).update(clientKeyOf(request)).digest('base64url');
  };
}

/** Registers the plugin; routes opt in with `config.rateLimit`. */
export async function registerRateLimits(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    keyGenerator: addressKeyer(),
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'RATE_LIMITED',
        `Too many requests from your connection. Try again in ${Math.ceil(context.ttl / 1000)} seconds.`,
        {
          retryAfterSeconds: Math.ceil(context.ttl / 1000),
        },
      ),
  });
}
