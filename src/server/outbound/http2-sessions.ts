import http2 from 'node:http2';
import net, { type LookupFunction } from 'node:net';
import tls from 'node:tls';
import { bareHost, isAddressLiteral } from './addresses.js';
import {
  type Answer,
  OutboundRefusedError,
  OutboundTimeoutError,
  REDIRECTS,
  UnprocessedError,
} from './answers.js';
import { installLeanAsyncBind } from './async-bind.js';
import { openStream, plainHeaders } from './http2-request.js';

/**
 * The HTTP/2 side of outbound.ts (its rules hold here too: read there first).
 * Over https an origin is asked for HTTP/2 (ALPN `h2`, then `http/1.1`) on a
 * TLS connection opened here with outbound's checked address lookup: one
 * session per origin carries all its requests, as many streams at once as the
 * server allows (within STREAMS_CAP), the rest waiting in order within their
 * deadlines. An origin that picks HTTP/1.1 is left to outbound's agents for
 * HTTP1_REMEMBERED_MS. A stream past its deadline or its size limit is
 * cancelled (RST_STREAM); a session that fails, goes silent (no PING answer)
 * or is told to go away is dropped, and the next request opens another. What
 * the server never processed — a request still waiting for a stream, one past
 * a GOAWAY's last stream id, one refused with REFUSED_STREAM — is sent again
 * at once on the new session (RFC 9113 §8.7); an exchange cut off after the
 * server took it fails with ECONNRESET (worth retrying later).
 */

/** How long an origin that chose HTTP/1.1 over HTTP/2 is sent HTTP/1.1 without asking again. */
const HTTP1_REMEMBERED_MS = 10 * 60_000;
/** Opening a connection (TCP, TLS, the server's first SETTINGS) takes at most this. */
const CONNECT_MS = 10_000;
/** Streams in flight on one session at most, whatever the server allows (push services announce 100 to 1,000). */
const STREAMS_CAP = 1000;
/** After a stream timed out, a session that does not answer a PING within this is given up. */
const PING_MS = 2000;
/** TCP keep-alive probes on an idle HTTP/2 connection start after this. */
const KEEPALIVE_MS = 10_000;
/**
 * An exchange the server never processed is sent again at once on a new session at most this many
 * times (a server going away twice under it, a rolling restart); a server that refuses every
 * stream is not called in a loop until the deadline.
 */
const UNPROCESSED_MOVES = 2;
/**
 * An exchange still waiting in this process's queue for a stream when its session went away (the
 * server never saw it) moves at most this many times: a push service's rolling restart sends
 * several GOAWAYs, and a fan-out's queued pushes should follow to the new session rather than back
 * off for seconds in the middle of a raid. Bounded too: a server that goes away at every session.
 */
const QUEUED_MOVES = 10;
/** Errors of `session.request` on a session closing or closed: no frame of the request was sent. */
const SESSION_GONE = new Set([
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_OUT_OF_STREAMS',
]);

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

export interface Http2Sessions {
  /** Whether requests to this URL's origin go over HTTP/2 now (https, unless it chose HTTP/1.1 lately; h2c in tests). */
  speaks(url: URL): boolean;
  exchange(
    url: URL,
    method: string,
    headers: Record<string, string | number>,
    body: Buffer | string | null,
    deadline: number,
    maxBytes: number,
  ): Promise<Answer | null>;
  close(): void;
}

export function createHttp2Sessions(options: {
  /** Outbound's checked lookup: every connection goes through the address rules. */
  lookup: LookupFunction;
  /** A session with nothing to carry is closed after this. */
  idleMs: number;
  /** Test-only: plain http speaks HTTP/2 with prior knowledge (h2c). */
  cleartext?: boolean;
  /** Tests only: servers' certificates are verified against this authority. */
  ca?: string | Buffer;
}): Http2Sessions {
  // Each `session.request` binds an AsyncResource: Node's bind costs more than the stream (async-bind.ts).
  installLeanAsyncBind();
  const { lookup } = options;
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

  const speaksHttp2 = (url: URL) => {
    if (url.protocol !== 'https:') return options.cleartext === true && url.protocol === 'http:';
    const until = http1Until.get(url.origin);
    if (until === undefined) return true;
    if (until > performance.now()) return false;
    // Past: forgotten (an origin is tried over h2 again, and the map holds only origins sent HTTP/1.1 now).
    http1Until.delete(url.origin);
    return true;
  };

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
          http1Until.set(url.origin, performance.now() + HTTP1_REMEMBERED_MS);
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
        session.setTimeout(options.idleMs, () => {
          drop();
          session.close();
        });
        session.once('remoteSettings', () => {
          clearTimeout(timer);
          session.unref();
          if (!session.destroyed && !session.closed && !origin.gone) opened.set(url.origin, origin);
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
  ): Promise<Answer> {
    return new Promise((resolvePromise, reject) => {
      let stream: http2.ClientHttp2Stream | null = null;
      let settled = false;
      let ended = false;
      let answered = false;
      const settle = (error: Error | null, value?: Answer) => {
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
        Math.max(0, deadline - performance.now()),
      );
      const release = () => {
        origin.active -= 1;
        if (origin.active === 0) origin.session.unref();
        origin.waiting.shift()?.();
      };
      function start() {
        if (settled) return;
        if (origin.gone) {
          settle(new UnprocessedError(true));
          return;
        }
        // Its deadline passed while it waited for a stream, its timer not yet run (the event loop
        // late): it must not leave now — a push's deadline is when its row may be another
        // sender's. Never sent; the stream it would have had goes to the next in line.
        if (performance.now() >= deadline) {
          settle(new UnprocessedError(true));
          if (origin.active < streamLimit(origin)) origin.waiting.shift()?.();
          return;
        }
        origin.active += 1;
        origin.session.ref();
        try {
          stream = openStream(origin.session, url, method, headers, body === null);
        } catch (error) {
          release();
          const code = (error as { code?: string }).code ?? '';
          settle(SESSION_GONE.has(code) ? new UnprocessedError(true) : cutOff(error));
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
          const plain = plainHeaders(responseHeaders);
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

  /**
   * The exchange over HTTP/2 on the origin's session (opened within the deadline if there is none);
   * null when the origin speaks HTTP/1.1 only, for the caller to send it that way.
   */
  async function exchange(
    url: URL,
    method: string,
    headers: Record<string, string | number>,
    body: Buffer | string | null,
    deadline: number,
    maxBytes: number,
  ): Promise<Answer | null> {
    let moves = 0;
    let queuedMoves = 0;
    for (;;) {
      // An open session is taken at once; otherwise one is opened (or its opening waited for) within the deadline.
      let origin = opened.get(url.origin) ?? null;
      if (!origin) {
        let timer: NodeJS.Timeout | undefined;
        origin = await Promise.race([
          sessionFor(url),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new OutboundTimeoutError()),
              Math.max(0, deadline - performance.now()),
            );
          }),
        ]).finally(() => clearTimeout(timer));
      }
      if (!origin) return null;
      try {
        return await exchangeHttp2(origin, url, method, headers, body, deadline, maxBytes);
      } catch (error) {
        // Never processed (the session went away under it): at once on a new session, not after a back-off.
        if (!(error instanceof UnprocessedError) || performance.now() >= deadline) throw error;
        if (error.queued ? ++queuedMoves > QUEUED_MOVES : ++moves > UNPROCESSED_MOVES) throw error;
      }
    }
  }

  return {
    speaks: speaksHttp2,
    exchange,
    close() {
      closed = true;
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
