import type http from 'node:http';
import type http2 from 'node:http2';

/**
 * How an outbound exchange is written as an HTTP/2 stream and how its
 * answer's headers are read back (http2-sessions.ts holds the sessions, the
 * queue and the deadlines).
 */

/** Request headers HTTP/2 forbids (RFC 9113 §8.2.2) or carries otherwise (`host` is `:authority`). */
const NOT_HTTP2 = new Set([
  'connection',
  'host',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
]);

/**
 * A stream's options with HTTP/2's default priority spelled out: Node adds each missing one to its
 * copy of the options, four new properties a request, which cost 6 % of a fan-out's main thread
 * (CPU profile of a 100k fan-out, and of a bare loop of requests: gone when they are given).
 */
const streamOptions = (endStream: boolean): http2.ClientSessionRequestOptions & { silent: boolean } => ({
  endStream,
  weight: 16,
  parent: 0,
  exclusive: false,
  silent: false,
});

/** Opens the exchange's stream on the session: its headers in lower case, none HTTP/2 forbids. */
export function openStream(
  session: http2.ClientHttp2Session,
  url: URL,
  method: string,
  headers: Record<string, string | number>,
  endStream: boolean,
): http2.ClientHttp2Stream {
  const requestHeaders: http2.OutgoingHttpHeaders = {
    ':method': method,
    ':path': `${url.pathname}${url.search}`,
  };
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!NOT_HTTP2.has(lower)) requestHeaders[lower] = value;
  }
  return session.request(requestHeaders, streamOptions(endStream));
}

/** An answer's headers without HTTP/2's pseudo-headers (`:status`), as HTTP/1.1 gives them. */
export function plainHeaders(headers: http2.IncomingHttpHeaders): http.IncomingHttpHeaders {
  const plain: http.IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (!name.startsWith(':')) plain[name] = value as string | string[];
  return plain;
}
