import dns from 'node:dns';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import tls from 'node:tls';
import { addressKind, bareHost, hostAllowed, isAddressLiteral, isLoopbackHost } from './addresses.js';

/**
 * Every request Faro makes to another server goes through here: push
 * services, the SMS provider's API, MMS pictures. A push endpoint comes from
 * an anonymous browser and a media URL from a text message, so a request may
 * only go
 *  - over https (plain http only to this machine, and only where the
 *    test-only loopback allowance is configured: it relaxes scheme and
 *    address, never the hosts a call may reach),
 *  - to a host the call allows (push services, the provider's host),
 *  - to public addresses: names are resolved here and every private,
 *    loopback, link-local, unique-local, CGNAT or metadata address is refused
 *    at the moment of connecting (so a name that changes its answer between
 *    a check and a send gains nothing),
 *  - through redirects only to hosts the call allows,
 * with a deadline for the whole exchange and a size limit enforced while the
 * answer is read (the connection is cut as soon as it is passed).
 *
 * Over https, an origin is asked for HTTP/2 (ALPN `h2`, then `http/1.1`) on a
 * TLS connection opened here with the same checked address lookup: one
 * session per origin carries all its requests (push services all speak it,
 * and a stream costs far less CPU than an HTTP/1.1 request). An origin that
 * picks HTTP/1.1 is sent HTTP/1.1 through kept-alive connections, without
 * asking again for a while. Every rule above holds on both: on HTTP/2 a
 * stream past its deadline or its size limit is cancelled (RST_STREAM), and a
 * session that fails or is told to go away is dropped, the next request
 * opening another. What the server never processed — a request still waiting
 * for a stream, one past a GOAWAY's last stream id, one refused with
 * REFUSED_STREAM — is sent again at once on the new session, within its own
 * deadline (RFC 9113 §8.7: such a request is safe to retry); an exchange cut
 * off after the server took it fails with ECONNRESET (worth retrying later).
 */

export interface ResolvedAddress {
  address: string;
  family: number;
}
/** Name → addresses (the system resolver by default; tests give their own). */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

export type RefusedReason = 'scheme' | 'host' | 'address' | 'redirect' | 'too_large';

/** A request Faro will not make, or an answer it will not read; never worth retrying as is. */
export class OutboundRefusedError extends Error {
  readonly code = 'OUTBOUND_REFUSED';
  constructor(
    readonly reason: RefusedReason,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundRefusedError';
  }
}

/** The whole exchange took longer than its deadline; may pass later. */
export class OutboundTimeoutError extends Error {
  readonly code = 'TIMEOUT';
  constructor() {
    super('the request timed out');
    this.name = 'OutboundTimeoutError';
  }
}

export interface OutboundRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string | number>;
  body?: Buffer | string | null;
  /** Hosts this call may reach, redirects included (`*.name` for any under it); omitted: the URL's own host only. */
  hosts?: readonly string[];
  /** For the whole exchange: connecting, sending, and reading the answer. */
  timeoutMs: number;
  /** The answer's body is read up to this many bytes; a longer one is cut off and refused. */
  maxBytes: number;
  /** How many redirects to follow, each checked like the first request (default none). */
  redirects?: number;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Outbound {
  /**
   * Checks a URL as a request to it would be checked — scheme, host, and the
   * addresses its name resolves to — without sending anything.
   */
  check(url: string | URL, hosts?: readonly string[]): Promise<URL>;
  request(url: string | URL, request: OutboundRequest): Promise<OutboundResponse>;
  close(): void;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that belong to the first host only: never carried to another by a redirect. */
const CREDENTIALS = ['authorization', 'cookie', 'proxy-authorization'];

/** How long an origin that chose HTTP/1.1 over HTTP/2 is sent HTTP/1.1 without asking again. */
const HTTP1_REMEMBERED_MS = 10 * 60_000;
/** An HTTP/2 session (or a kept-alive connection) with nothing to carry is closed after this. */
const IDLE_MS = 60_000;
/** Opening a connection (TCP, TLS, the server's first SETTINGS) takes at most this. */
const CONNECT_MS = 10_000;
/** Streams in flight on one session at most, whatever the server allows (push services announce 100 to 1,000). */
const STREAMS_CAP = 1000;
/** After a stream timed out, a session that does not answer a PING within this is given up. */
const PING_MS = 2000;
/** TCP keep-alive probes on an idle HTTP/2 connection start after this. */
const KEEPALIVE_MS = 10_000;
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
 * An exchange the server never processed is sent again at once on a new session at most this many
 * times (a server going away twice under it, a rolling restart); a server that refuses every
 * stream is not called in a loop until the deadline.
 */
const UNPROCESSED_MOVES = 2;
/** Errors of `session.request` on a session closing or closed: no frame of the request was sent. */
const SESSION_GONE = new Set([
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_OUT_OF_STREAMS',
]);

/** The server did not process the request (it went away or refused the stream): nothing of it arrived. */
class UnprocessedError extends Error {
  readonly code = 'UNPROCESSED';
  constructor() {
    super('the server did not process the request');
    this.name = 'UnprocessedError';
  }
}

/** A session or stream that ended under an exchange: a network failure like a reset connection, worth retrying. */
const cutOff = (error: unknown): Error =>
  error instanceof OutboundRefusedError || error instanceof OutboundTimeoutError
    ? error
    : Object.assign(
        new Error(`the exchange was cut off (${(error as { code?: string })?.code ?? String(error)})`),
        {
          code: 'ECONNRESET',
          cause: error,
        },
      );

const systemResolve: Resolve = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

export function createOutbound(options: {
  /** Test-only: lets requests reach this machine (127.0.0.1, ::1, localhost), over http too. */
  allowLoopback: boolean;
  resolve?: Resolve;
  /** Kept-alive connections per origin (a fan-out sends thousands of requests to a handful of hosts). */
  maxSocketsPerOrigin?: number;
  /** Test-only: plain http (loopback only, with the allowance) speaks HTTP/2 with prior knowledge (h2c). */
  http2Cleartext?: boolean;
  /** Tests only: servers' certificates are verified against this authority instead of the system's. */
  ca?: string | Buffer;
}): Outbound {
  const resolve = options.resolve ?? systemResolve;
  const permitted = (address: string) => {
    const kind = addressKind(address);
    return kind === 'public' || (kind === 'loopback' && options.allowLoopback);
  };

  /** The addresses of a host that may be connected to; refused when there are none. */
  async function addressesOf(hostname: string): Promise<ResolvedAddress[]> {
    const host = bareHost(hostname);
    if (isAddressLiteral(host)) {
      if (permitted(host)) return [{ address: host, family: host.includes(':') ? 6 : 4 }];
      throw new OutboundRefusedError('address', 'the address is not a public one');
    }
    let found: ResolvedAddress[];
    try {
      found = await resolve(host);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA')
        throw new OutboundRefusedError('address', 'the host name does not exist');
      throw error;
    }
    const usable = found.filter((entry) => permitted(entry.address));
    if (usable.length === 0)
      throw new OutboundRefusedError('address', 'the host name resolves to no public address');
    return usable;
  }

  // Node calls this for every new connection of a name (IP literals are checked before).
  const lookup = ((hostname, lookupOptions, callback) => {
    const family = typeof lookupOptions === 'object' ? lookupOptions.family : lookupOptions;
    const all = typeof lookupOptions === 'object' && lookupOptions.all === true;
    addressesOf(hostname).then(
      (addresses) => {
        const wanted =
          family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        const first = wanted[0];
        if (!first) {
          callback(new OutboundRefusedError('address', 'no public address of that family'), '', 0);
          return;
        }
        if (all) callback(null, wanted);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  }) as LookupFunction;

  const maxSockets = options.maxSocketsPerOrigin ?? 64;
  // Every connection may stay open between bursts: with the default (256 idle kept), a fan-out's
  // ups and downs closed and reopened thousands of connections to one push service (4,230 for
  // 20,000 pushes in the fan-out bench).
  // Idle ones are closed after a minute: a quiet push service holds no sockets for long.
  const agentOptions = {
    keepAlive: true,
    maxSockets,
    maxFreeSockets: maxSockets,
    timeout: IDLE_MS,
    lookup,
    ...(options.ca ? { ca: options.ca } : {}),
  };
  const agents = {
    http: new http.Agent(agentOptions),
    https: new https.Agent(agentOptions),
  };

  /** Scheme and host, without resolving: throws for what may never be requested. */
  function checkSync(url: URL, hosts: readonly string[] | undefined, first: URL | null): void {
    const loopback = options.allowLoopback && isLoopbackHost(url.hostname);
    if (url.protocol !== 'https:' && !(loopback && url.protocol === 'http:'))
      throw new OutboundRefusedError('scheme', 'only https addresses are called');
    if (url.username || url.password)
      throw new OutboundRefusedError('scheme', 'addresses with credentials are not called');
    const allowedHost = hosts
      ? hostAllowed(url.hostname, hosts)
      : !first || bareHost(first.hostname) === bareHost(url.hostname);
    // The loopback allowance relaxes scheme and address, never the hosts a call may reach.
    if (!allowedHost) throw new OutboundRefusedError('host', 'the host is not one this call may reach');
    if (isAddressLiteral(url.hostname) && !permitted(bareHost(url.hostname)))
      throw new OutboundRefusedError('address', 'the address is not a public one');
  }

  function exchangeHttp1(
    url: URL,
    method: string,
    headers: Record<string, string | number>,
    body: Buffer | string | null,
    deadline: number,
    maxBytes: number,
  ): Promise<OutboundResponse & { location?: string }> {
    return new Promise((resolvePromise, reject) => {
      const secure = url.protocol === 'https:';
      const request = (secure ? https : http).request(url, {
        method,
        headers,
        agent: secure ? agents.https : agents.http,
        lookup,
      });
      let settled = false;
      const settle = (error: Error | null, value?: OutboundResponse & { location?: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          request.destroy();
          reject(error);
        } else if (value) resolvePromise(value);
      };
      const timer = setTimeout(() => settle(new OutboundTimeoutError()), Math.max(0, deadline - Date.now()));
      request.on('error', (error) => settle(error));
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        response.on('error', (error) => settle(error));
        if (REDIRECTS.has(status)) {
          // A redirect's body is never read, whatever its size.
          response.destroy();
          settle(null, {
            status,
            headers: response.headers,
            body: Buffer.alloc(0),
            location: response.headers.location,
          });
          return;
        }
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          response.destroy();
          settle(new OutboundRefusedError('too_large', `the answer is larger than ${maxBytes} bytes`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            // Cut off at once: not one more byte is read past the limit.
            response.destroy();
            settle(new OutboundRefusedError('too_large', `the answer is larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () =>
          settle(null, { status, headers: response.headers, body: Buffer.concat(chunks) }),
        );
        response.on('close', () => {
          if (!response.complete)
            settle(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' }));
        });
      });
      request.end(body ?? undefined);
    });
  }

  /** One HTTP/2 session to an origin, the streams it carries and the exchanges waiting for one. */
  interface Http2Origin {
    session: http2.ClientHttp2Session;
    active: number;
    waiting: (() => void)[];
    /** Drops and destroys the session: the next exchange opens a new one. */
    kill: () => void;
    pinging: boolean;
    /** Dropped: it takes no new stream (what waits for one moves to a new session). */
    gone: boolean;
    /** The last stream id of the server's GOAWAY: streams above it were never processed. */
    lastStreamID: number | null;
  }

  /**
   * After a stream's time-out: whether the session is still alive. A connection that went silent
   * (a dropped NAT entry, a stalled front end) would otherwise carry every push to that service
   * into a time-out, retries included, until TCP gives up minutes later — HTTP/1.1 closed the
   * socket of each timed-out request. No answer to a PING within PING_MS: the session is killed.
   */
  function checkAlive(origin: Http2Origin) {
    if (origin.pinging || origin.session.destroyed) return;
    origin.pinging = true;
    const timer = setTimeout(() => origin.kill(), PING_MS);
    try {
      origin.session.ping((error) => {
        clearTimeout(timer);
        origin.pinging = false;
        if (error) origin.kill();
      });
    } catch {
      clearTimeout(timer);
      origin.kill();
    }
  }
  /** Per origin: its session (being opened or open), or null while it is sent HTTP/1.1. */
  const sessions = new Map<string, Promise<Http2Origin | null>>();
  /** Per origin: its session once open, taken at once (no promise, no set-up deadline per request). */
  const opened = new Map<string, Http2Origin>();
  const http1Until = new Map<string, number>();
  let closed = false;

  const speaksHttp2 = (url: URL) =>
    url.protocol === 'https:'
      ? (http1Until.get(url.origin) ?? 0) <= Date.now()
      : options.http2Cleartext === true && url.protocol === 'http:';

  /**
   * A connection to the origin, made here so that it goes through the checked
   * lookup (and the address rules) like every other; over TLS the server
   * chooses h2 or http/1.1, in clear (tests only) h2 is assumed.
   */
  function openSession(url: URL): Promise<Http2Origin | null> {
    return new Promise((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const host = bareHost(url.hostname);
      const port = Number(url.port) || (secure ? 443 : 80);
      const socket: net.Socket = secure
        ? tls.connect({
            host,
            port,
            lookup,
            ALPNProtocols: ['h2', 'http/1.1'],
            ...(isAddressLiteral(host) ? {} : { servername: host }),
            ...(options.ca ? { ca: options.ca } : {}),
          })
        : net.connect({ host, port, lookup });
      const failed = (error: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(
        () => failed(Object.assign(new Error('connecting timed out'), { code: 'ETIMEDOUT' })),
        CONNECT_MS,
      );
      socket.once('error', failed);
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        socket.removeListener('error', failed);
        if (closed) return failed(new Error('outbound requests are closed'));
        if (secure && (socket as tls.TLSSocket).alpnProtocol !== 'h2') {
          // This origin speaks HTTP/1.1 only: its requests go through the agent for a while.
          clearTimeout(timer);
          socket.destroy();
          http1Until.set(url.origin, Date.now() + HTTP1_REMEMBERED_MS);
          resolve(null);
          return;
        }
        const session = http2.connect(url.origin, {
          createConnection: () => socket,
          settings: { enablePush: false },
        });
        const opening = sessions.get(url.origin);
        const drop = () => {
          origin.gone = true;
          if (sessions.get(url.origin) === opening) sessions.delete(url.origin);
          if (opened.get(url.origin) === origin) opened.delete(url.origin);
          // Whoever waits for a stream was never sent: it moves to a new session now.
          for (const wake of origin.waiting.splice(0)) wake();
        };
        const origin: Http2Origin = {
          session,
          active: 0,
          waiting: [],
          pinging: false,
          kill: () => {
            drop();
            session.destroy();
          },
          gone: false,
          lastStreamID: null,
        };
        // The operating system's probes too, for a connection idle between bursts.
        socket.setKeepAlive(true, KEEPALIVE_MS);
        session.on('error', drop);
        session.on('goaway', (_code: number, lastStreamID: number) => {
          origin.lastStreamID = lastStreamID;
          drop();
        });
        session.on('close', drop);
        session.on('frameError', () => {});
        session.setTimeout(IDLE_MS, () => {
          drop();
          session.close();
        });
        session.once('remoteSettings', () => {
          clearTimeout(timer);
          session.unref();
          if (!session.destroyed && !session.closed) opened.set(url.origin, origin);
          resolve(origin);
        });
        session.once('error', (error) => failed(error));
      });
    });
  }

  function sessionFor(url: URL): Promise<Http2Origin | null> {
    const known = sessions.get(url.origin);
    if (known) return known;
    const opening = openSession(url);
    sessions.set(url.origin, opening);
    opening.then(
      (origin) => {
        if (!origin && sessions.get(url.origin) === opening) sessions.delete(url.origin);
      },
      () => {
        if (sessions.get(url.origin) === opening) sessions.delete(url.origin);
      },
    );
    return opening;
  }

  /** The streams a session may carry at once: what the server allows, within a bound of ours. */
  const streamLimit = (origin: Http2Origin) =>
    Math.max(1, Math.min(STREAMS_CAP, origin.session.remoteSettings.maxConcurrentStreams ?? 100));

  function exchangeHttp2(
    origin: Http2Origin,
    url: URL,
    method: string,
    headers: Record<string, string | number>,
    body: Buffer | string | null,
    deadline: number,
    maxBytes: number,
  ): Promise<OutboundResponse & { location?: string }> {
    return new Promise((resolvePromise, reject) => {
      let stream: http2.ClientHttp2Stream | null = null;
      let settled = false;
      let ended = false;
      let answered = false;
      const settle = (error: Error | null, value?: OutboundResponse & { location?: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const at = origin.waiting.indexOf(start);
        if (at >= 0) origin.waiting.splice(at, 1);
        // Not read to its end (cut off, timed out, a redirect): the server is told to stop sending at once.
        if (stream && !ended && !stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
        if (error) reject(error);
        else if (value) resolvePromise(value);
      };
      const timer = setTimeout(
        () => {
          settle(new OutboundTimeoutError());
          checkAlive(origin);
        },
        Math.max(0, deadline - Date.now()),
      );
      const release = () => {
        origin.active -= 1;
        if (origin.active === 0) origin.session.unref();
        origin.waiting.shift()?.();
      };
      function start() {
        if (settled) return;
        if (origin.gone) {
          settle(new UnprocessedError());
          return;
        }
        origin.active += 1;
        origin.session.ref();
        const requestHeaders: http2.OutgoingHttpHeaders = {
          ':method': method,
          ':path': `${url.pathname}${url.search}`,
        };
        for (const [name, value] of Object.entries(headers)) {
          const lower = name.toLowerCase();
          if (!NOT_HTTP2.has(lower)) requestHeaders[lower] = value;
        }
        try {
          stream = origin.session.request(requestHeaders, { endStream: body === null });
        } catch (error) {
          release();
          const code = (error as { code?: string }).code ?? '';
          settle(SESSION_GONE.has(code) ? new UnprocessedError() : cutOff(error));
          return;
        }
        const current = stream;
        // Ended before any answer, and the server said it never took it: refused, or past the last
        // stream id of its GOAWAY (a stream that never got an id never left).
        const unprocessed = () =>
          !answered &&
          (current.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM ||
            (origin.lastStreamID !== null &&
              !((current.id ?? 0) > 0 && (current.id ?? 0) <= origin.lastStreamID)));
        current.on('close', () => {
          release();
          // Closed under an exchange not yet settled: cut off. (Every stream closes; the error is
          // made only when it is one — building it costs a stack trace, 4 % of a fan-out's main thread.)
          if (!settled)
            settle(
              unprocessed() ? new UnprocessedError() : cutOff({ code: `RST_STREAM ${current.rstCode}` }),
            );
        });
        current.on('error', (error) => settle(unprocessed() ? new UnprocessedError() : cutOff(error)));
        current.on('response', (responseHeaders) => {
          answered = true;
          const status = Number(responseHeaders[':status']);
          const plain: http.IncomingHttpHeaders = {};
          for (const [name, value] of Object.entries(responseHeaders))
            if (!name.startsWith(':')) plain[name] = value as string | string[];
          if (REDIRECTS.has(status)) {
            settle(null, { status, headers: plain, body: Buffer.alloc(0), location: plain.location });
            return;
          }
          const declared = Number(plain['content-length']);
          if (Number.isFinite(declared) && declared > maxBytes) {
            settle(new OutboundRefusedError('too_large', `the answer is larger than ${maxBytes} bytes`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          current.on('data', (chunk: Buffer) => {
            if (settled) return;
            size += chunk.length;
            if (size > maxBytes) {
              settle(new OutboundRefusedError('too_large', `the answer is larger than ${maxBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          current.on('end', () => {
            ended = true;
            settle(null, { status, headers: plain, body: Buffer.concat(chunks) });
          });
        });
        if (body !== null) current.end(body);
      }
      if (origin.active < streamLimit(origin)) start();
      else origin.waiting.push(start);
    });
  }

  async function exchange(
    url: URL,
    method: string,
    headers: Record<string, string | number>,
    body: Buffer | string | null,
    deadline: number,
    maxBytes: number,
  ): Promise<OutboundResponse & { location?: string }> {
    for (let moves = 0; speaksHttp2(url); moves++) {
      // An open session is taken at once; otherwise one is opened (or its opening waited for) within the deadline.
      let origin = opened.get(url.origin) ?? null;
      if (!origin) {
        let timer: NodeJS.Timeout | undefined;
        origin = await Promise.race([
          sessionFor(url),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new OutboundTimeoutError()), Math.max(0, deadline - Date.now()));
          }),
        ]).finally(() => clearTimeout(timer));
      }
      if (!origin) break;
      try {
        return await exchangeHttp2(origin, url, method, headers, body, deadline, maxBytes);
      } catch (error) {
        // Never processed (the session went away under it): at once on a new session, not after a back-off.
        if (!(error instanceof UnprocessedError) || moves >= UNPROCESSED_MOVES || Date.now() >= deadline)
          throw error;
      }
    }
    return exchangeHttp1(url, method, headers, body, deadline, maxBytes);
  }

  return {
    async check(raw, hosts) {
      const url = new URL(raw);
      checkSync(url, hosts, null);
      await addressesOf(url.hostname);
      return url;
    },

    async request(raw, call) {
      // A URL the caller parsed is not parsed again (nothing here changes it).
      const first = raw instanceof URL ? raw : new URL(raw);
      checkSync(first, call.hosts, null);
      const deadline = Date.now() + call.timeoutMs;
      let url = first;
      let method: string = call.method ?? 'GET';
      let body = call.body ?? null;
      let headers = { ...(call.headers ?? {}) };
      for (let hop = 0; ; hop++) {
        const answer = await exchange(url, method, headers, body, deadline, call.maxBytes);
        if (!REDIRECTS.has(answer.status)) return answer;
        if (hop >= (call.redirects ?? 0) || !answer.location)
          throw new OutboundRefusedError('redirect', `redirects are not followed here (${answer.status})`);
        const next = new URL(answer.location, url);
        try {
          checkSync(next, call.hosts, first);
        } catch (error) {
          throw new OutboundRefusedError('redirect', `a redirect was refused: ${(error as Error).message}`);
        }
        if (bareHost(next.hostname) !== bareHost(url.hostname))
          headers = Object.fromEntries(
            Object.entries(headers).filter(([name]) => !CREDENTIALS.includes(name.toLowerCase())),
          );
        if (
          answer.status === 303 ||
          ((answer.status === 301 || answer.status === 302) && method === 'POST')
        ) {
          method = 'GET';
          body = null;
        }
        url = next;
      }
    },

    close() {
      closed = true;
      agents.http.destroy();
      agents.https.destroy();
      for (const opening of sessions.values())
        opening.then(
          (origin) => origin?.session.destroy(),
          () => {},
        );
      sessions.clear();
      opened.clear();
    },
  };
}

/** Whether an error means the destination was refused (rather than a failure that may pass). */
export const isRefused = (error: unknown): error is OutboundRefusedError =>
  error instanceof OutboundRefusedError;
