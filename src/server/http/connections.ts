import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';
import { clientKey } from './client-address.js';
import { errorBody } from './errors.js';

/**
 * Server options against slow clients: a request's headers must arrive within
 * `headersTimeoutMs` and the whole request within `requestTimeoutMs`; a
 * connection silent for `idleTimeoutMs` is closed, and an idle keep-alive one
 * after `keepAliveTimeoutMs`. (Fastify's default request timeout is none: one
 * body sent a byte at a time held a connection for as long as it liked.)
 */
export function timeoutOptions(http: Config['http']): Pick<
  FastifyServerOptions,
  'requestTimeout' | 'connectionTimeout' | 'keepAliveTimeout'
> & {
  http: ServerOptions;
} {
  return {
    requestTimeout: http.requestTimeoutMs,
    connectionTimeout: http.idleTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: {
      headersTimeout: http.headersTimeoutMs,
      // Node looks for requests past their time this often (30 s by default, as long as the limit itself).
      connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(http.headersTimeoutMs / 4))),
    },
  };
}

/**
 * Live streams (routes with `sse`) are meant to stay open: the idle timeout is
 * lifted for their connection (the stream's own heartbeat shows it is alive).
 * The request and header timeouts do not touch them once the request is in.
 */
export function keepStreamsOpen(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!(route as { sse?: unknown }).sse) return;
    const existing = route.onRequest ? [route.onRequest].flat() : [];
    route.onRequest = [
      ...existing,
      async (request) => {
        request.raw.socket?.setTimeout(0);
      },
    ];
  });
}

const REFUSAL = JSON.stringify(
  errorBody('UNAVAILABLE', 'Too many connections from your address at once. Close some and try again.'),
);

/**
 * At most `max` open connections per client (`clientKey` of the socket's peer);
 * beyond that a new connection is answered 503 and closed at once. Connections
 * from a trusted proxy are not counted here: they carry many clients, and the
 * proxy is where their connections are limited.
 */
export function limitConnectionsPerAddress(
  server: Server,
  options: { max: number; isTrustedProxy: (address: string) => boolean },
): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (!address || options.isTrustedProxy(address)) return;
    const key = clientKey(address);
    const count = (open.get(key) ?? 0) + 1;
    if (count > options.max) {
      socket.end(
        'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 10\r\n' +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(REFUSAL)}\r\n\r\n${REFUSAL}`,
      );
      socket.destroySoon();
      return;
    }
    open.set(key, count);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
  });
}
