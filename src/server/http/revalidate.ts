import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A public document every client must check before using again (a cancel
 * has to show at once), but need not download again when nothing changed:
 * `no-cache` with a strong ETag of the body, and 304 with no body when the
 * client already holds it. A phone polling the alerts on a weak signal gets
 * a few hundred bytes instead of the list.
 */
export function sendRevalidated(request: FastifyRequest, reply: FastifyReply, body: string, type: string) {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  reply.header('cache-control', 'no-cache').header('etag', etag);
  const held = request.headers['if-none-match'];
  if (held?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
  return reply.type(type).send(body);
}
