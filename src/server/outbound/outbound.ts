import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import tls from 'node:tls';
import { addressKind, bareHost, hostAllowed, isAddressLiteral, isLoopbackHost } from './addresses.js';
import {
  type Answer,
  isRefused,
  OutboundRefusedError,
  type OutboundResponse,
  OutboundTimeoutError,
  REDIRECTS,
  type RefusedReason,
  UnprocessedError,
} from './answers.js';
import { createHttp2Sessions } from './http2-sessions.js';

export { isRefused, OutboundRefusedError, type OutboundResponse, OutboundTimeoutError, type RefusedReason };

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
 * Over https, an origin is asked for HTTP/2 on a connection opened with the
 * same checked lookup, one session per origin carrying all its requests
 * (http2-sessions.ts; a stream costs far less CPU than an HTTP/1.1 request);
 * an origin that picks HTTP/1.1 is sent HTTP/1.1 through kept-alive
 * connections. Every rule above holds on both.
 */

export interface ResolvedAddress {
  address: string;
  family: number;
}
/** Name → addresses (the system resolver by default; tests give their own). */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

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

export interface Outbound {
  /**
   * Checks a URL as a request to it would be checked — scheme, host, and the
   * addresses its name resolves to — without sending anything.
   */
  check(url: string | URL, hosts?: readonly string[]): Promise<URL>;
  request(url: string | URL, request: OutboundRequest): Promise<OutboundResponse>;
  close(): void;
}

/** Headers that belong to the first host only: never carried to another by a redirect. */
const CREDENTIALS = ['authorization', 'cookie', 'proxy-authorization'];

/** A kept-alive connection (or an HTTP/2 session) with nothing to carry is closed after this. */
const IDLE_MS = 60_000;

/**
 * A TLS connection whose handshake has not ended yet (Node's own flag, set until 'secureConnect';
 * a kept-alive connection handed on is long past it, and gets no listener that would never fire).
 */
const handshaking = (socket: tls.TLSSocket) =>
  (socket as tls.TLSSocket & { secureConnecting?: boolean }).secureConnecting === true;

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
  /** A request waiting in an agent's queue for a connection: ends it unsent if its deadline has passed. */
  const queued = new WeakMap<http.ClientRequest, () => void>();
  // A connection handed back (an exchange ended) goes to the next request in the origin's queue: any
  // whose deadline passed meanwhile — the event loop late, before its timer ran — is ended first,
  // unsent and before it has the connection (ending it after would close a warm connection; the
  // agent passes a connection of an ended request on to the next). Runs before the agent's own.
  for (const agent of [agents.http, agents.https]) {
    agent.prependListener('free', (_socket: unknown, options: http.ClientRequestArgs) => {
      for (const request of agent.requests[agent.getName(options)] ?? [])
        queued.get(request as http.ClientRequest)?.();
    });
  }

  /**
   * What the rules say of a host name alone, kept: they are pure, and a fan-out asks them of the
   * same few push services for every push (5 % of its main thread). Bounded, as names under a
   * `*.` entry are many. A list of hosts is remembered only frozen (config's are): a list changed
   * in place must not keep allowing a host it no longer holds.
   */
  const hostVerdicts = new Map<string, { loopback: boolean; refusedLiteral: boolean }>();
  const allowedVerdicts = new WeakMap<readonly string[], Map<string, boolean>>();
  const VERDICTS_KEPT = 256;
  const remember = <V>(verdicts: Map<string, V>, hostname: string, verdict: V): V => {
    if (verdicts.size >= VERDICTS_KEPT) verdicts.clear();
    verdicts.set(hostname, verdict);
    return verdict;
  };
  const verdictOf = (hostname: string) =>
    hostVerdicts.get(hostname) ??
    remember(hostVerdicts, hostname, {
      loopback: options.allowLoopback && isLoopbackHost(hostname),
      refusedLiteral: isAddressLiteral(hostname) && !permitted(bareHost(hostname)),
    });
  const onList = (hostname: string, hosts: readonly string[]) => {
    if (!Object.isFrozen(hosts)) return hostAllowed(hostname, hosts);
    let verdicts = allowedVerdicts.get(hosts);
    if (!verdicts) {
      verdicts = new Map();
      allowedVerdicts.set(hosts, verdicts);
    }
    return verdicts.get(hostname) ?? remember(verdicts, hostname, hostAllowed(hostname, hosts));
  };

  /** Scheme and host, without resolving: throws for what may never be requested. */
  function checkSync(url: URL, hosts: readonly string[] | undefined, first: URL | null): void {
    const verdict = verdictOf(url.hostname);
    if (url.protocol !== 'https:' && !(verdict.loopback && url.protocol === 'http:'))
      throw new OutboundRefusedError('scheme', 'only https addresses are called');
    if (url.username || url.password)
      throw new OutboundRefusedError('scheme', 'addresses with credentials are not called');
    const allowedHost = hosts
      ? onList(url.hostname, hosts)
      : !first || bareHost(first.hostname) === bareHost(url.hostname);
    // The loopback allowance relaxes scheme and address, never the hosts a call may reach.
    if (!allowedHost) throw new OutboundRefusedError('host', 'the host is not one this call may reach');
    if (verdict.refusedLiteral) throw new OutboundRefusedError('address', 'the address is not a public one');
  }

  function exchangeHttp1(
    url: URL,
    method: string,
    headers: Record<string, string | number>,
    body: Buffer | string | null,
    deadline: number,
    maxBytes: number,
  ): Promise<Answer> {
    return new Promise((resolvePromise, reject) => {
      const secure = url.protocol === 'https:';
      const request = (secure ? https : http).request(url, {
        method,
        headers,
        agent: secure ? agents.https : agents.http,
        lookup,
      });
      let settled = false;
      const settle = (error: Error | null, value?: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          request.destroy();
          reject(error);
        } else if (value) resolvePromise(value);
      };
      const timer = setTimeout(
        () => settle(new OutboundTimeoutError()),
        Math.max(0, deadline - performance.now()),
      );
      // A request that waited in the agent's queue for a connection is handed one when another
      // exchange ends (an I/O callback): with the event loop late, after its deadline, before its
      // timer has run. It must not leave then — a push's deadline is when its row may be another
      // sender's. Ended unsent: in the queue (above), or as the connection comes ('socket' comes
      // before anything is written), or — a new connection, whose request is written as it
      // connects — as it connects (before the write, which is a later listener of 'connect'),
      // and over TLS once more as the handshake ends: the request leaves only then, and the end
      // may be read late (review: a request left 350 ms after its deadline). Destroyed there,
      // before the TLS layer writes what waited, nothing of it leaves.
      const late = () => {
        if (performance.now() >= deadline) settle(new UnprocessedError(true));
      };
      queued.set(request, late);
      request.once('socket', (socket) => {
        queued.delete(request);
        late();
        if (socket.connecting) socket.prependOnceListener('connect', late);
        if (socket instanceof tls.TLSSocket && handshaking(socket))
          socket.prependOnceListener('secureConnect', late);
      });
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

  const sessions = createHttp2Sessions({
    lookup,
    idleMs: IDLE_MS,
    cleartext: options.http2Cleartext,
    ...(options.ca ? { ca: options.ca } : {}),
  });

  async function exchange(
    url: URL,
    method: string,
    headers: Record<string, string | number>,
    body: Buffer | string | null,
    deadline: number,
    maxBytes: number,
  ): Promise<Answer> {
    const answer = sessions.speaks(url)
      ? await sessions.exchange(url, method, headers, body, deadline, maxBytes)
      : null;
    return answer ?? exchangeHttp1(url, method, headers, body, deadline, maxBytes);
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
      const deadline = performance.now() + call.timeoutMs;
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
      agents.http.destroy();
      agents.https.destroy();
      sessions.close();
    },
  };
}
