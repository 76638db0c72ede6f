import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { createPushChannel } from '../src/server/modules/alerts/channels/push.js';
import {
  createOutbound,
  type Outbound,
  OutboundRefusedError,
  OutboundTimeoutError,
} from '../src/server/outbound/outbound.js';
import { browserKeys } from './support/push-keys.js';

/**
 * Issue 19: outbound requests over HTTP/2 (one session per origin, chosen by
 * ALPN on a connection Faro opens with its checked lookup), with every rule
 * of the HTTP/1.1 path still holding: the size limit (the stream cancelled),
 * the deadline, redirects only to allowed hosts, public addresses only at
 * connect time, a GOAWAY failing an exchange the server took as something to
 * retry, and what it never processed sent again at once on a new session.
 * Servers here are local, with a self-signed certificate the outbound module
 * is told to trust (a test-only option; production verification is untouched).
 */

const tlsFiles = new URL('./support/tls/', import.meta.url);
const cert = readFileSync(new URL('localhost.crt', tlsFiles));
const key = readFileSync(new URL('localhost.key', tlsFiles));

const BIG = 200 * 1024 * 1024;

interface H2Peer {
  port: number;
  paths: { path: string; authorization?: string }[];
  sessions: http2.ServerHttp2Session[];
  /** Most streams open at once. */
  peak: () => number;
  /** Bytes of the big answer written, and how its stream ended (its RST_STREAM code). */
  big: { written: number; rstCode: number | null; closed: Promise<void> };
  silentRstCode: () => number | null;
  close(): Promise<void>;
}

async function startH2Peer(settings: http2.Settings = {}): Promise<H2Peer> {
  const paths: H2Peer['paths'] = [];
  const sessions: http2.ServerHttp2Session[] = [];
  let open = 0;
  let peak = 0;
  let silentRstCode: number | null = null;
  const big: H2Peer['big'] = { written: 0, rstCode: null, closed: Promise.resolve() };
  const server = http2.createSecureServer({ key, cert, allowHTTP1: false, settings });
  server.on('session', (session) => sessions.push(session));
  server.on('stream', (stream, headers) => {
    const path = String(headers[':path']);
    paths.push({ path, authorization: headers.authorization as string | undefined });
    open += 1;
    peak = Math.max(peak, open);
    stream.on('close', () => {
      open -= 1;
    });
    stream.on('error', () => {});
    stream.resume();
    if (path === '/ok' || path === '/landed') {
      stream.respond({ ':status': 200 });
      stream.end('hello');
    } else if (path === '/slow')
      setTimeout(() => stream.respond({ ':status': 201 }, { endStream: true }), 50);
    else if (path === '/to-other')
      stream.respond(
        { ':status': 302, location: `https://push.other.localhost:${port}/landed` },
        { endStream: true },
      );
    else if (path === '/declared-big') {
      stream.respond({ ':status': 200, 'content-length': String(BIG) });
      stream.write(Buffer.alloc(1024));
    } else if (path === '/big') {
      stream.respond({ ':status': 200 });
      const chunk = Buffer.alloc(64 * 1024, 7);
      big.written = 0;
      big.rstCode = null;
      big.closed = new Promise((resolve) =>
        stream.on('close', () => {
          big.rstCode = stream.rstCode;
          resolve();
        }),
      );
      const more = () => {
        while (big.written < BIG && !stream.destroyed) {
          big.written += chunk.length;
          if (!stream.write(chunk)) return void stream.once('drain', more);
        }
        if (!stream.destroyed) stream.end();
      };
      more();
    } else if (path === '/silent') {
      // Takes the request, never answers.
      stream.on('close', () => {
        silentRstCode = stream.rstCode;
      });
    } else if (path === '/goaway') {
      // The server took this stream, then goes away with it unanswered (as a push service
      // restarting would): the push may have arrived.
      const session = stream.session;
      session?.goaway(http2.constants.NGHTTP2_NO_ERROR, stream.id ?? 0);
      setTimeout(() => session?.destroy(), 20);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    paths,
    sessions,
    peak: () => peak,
    big,
    silentRstCode: () => silentRstCode,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

let peer: H2Peer;
let http1Peer: { port: number; versions: string[]; connections: () => number; close(): Promise<void> };
let outbound: Outbound;
/** Where the test's names point: a name may change its answer, as a hostile DNS would make it. */
const answers = new Map<string, string>();

beforeAll(async () => {
  peer = await startH2Peer({ maxConcurrentStreams: 2 });
  const versions: string[] = [];
  let connections = 0;
  // An origin that speaks HTTP/1.1 only: it answers ALPN with http/1.1.
  const server = https.createServer({ key, cert, ALPNProtocols: ['http/1.1'] }, (request, response) => {
    versions.push(request.httpVersion);
    response.writeHead(200).end('one');
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  http1Peer = {
    port: (server.address() as AddressInfo).port,
    versions,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  for (const name of ['localhost', 'push.h2.localhost', 'push.other.localhost'])
    answers.set(name, '127.0.0.1');
  outbound = createOutbound({
    allowLoopback: true,
    ca: cert,
    resolve: async (host) => {
      const address = answers.get(host);
      if (!address) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return [{ address, family: 4 }];
    },
  });
});
afterAll(async () => {
  outbound?.close();
  await Promise.all([peer?.close(), http1Peer?.close()]);
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) =>
      error instanceof OutboundRefusedError ? error.reason : `not refused: ${String(error)}`,
  );
const call = { timeoutMs: 5000, maxBytes: 1024 * 1024 };

describe('issue 19: outbound requests over HTTP/2', () => {
  it('sends an origin that speaks h2 its requests on one session, no more streams at once than it allows', async () => {
    const base = `https://push.h2.localhost:${peer.port}`;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        outbound.request(`${base}/slow`, { ...call, method: 'POST', body: 'x' }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const ok = await outbound.request(`${base}/ok`, call);
    expect(ok.body.toString()).toBe('hello');
    expect(ok.headers[':status']).toBeUndefined();
    expect(peer.sessions.length).toBe(1);
    expect(peer.peak()).toBe(2);
  });

  it('falls back to HTTP/1.1 for an origin that chooses it, and remembers', async () => {
    const base = `https://localhost:${http1Peer.port}`;
    for (let i = 0; i < 3; i++)
      expect((await outbound.request(`${base}/`, call)).body.toString()).toBe('one');
    expect(http1Peer.versions).toEqual(['1.1', '1.1', '1.1']);
    // One connection asked (and was told http/1.1), one kept alive for the three requests.
    expect(http1Peer.connections()).toBe(2);
  });

  it('cancels a stream as soon as its answer passes the size limit', async () => {
    const base = `https://push.h2.localhost:${peer.port}`;
    expect(await refusal(outbound.request(`${base}/declared-big`, call))).toBe('too_large');
    expect(await refusal(outbound.request(`${base}/big`, call))).toBe('too_large');
    await peer.big.closed;
    expect(peer.big.rstCode).toBe(http2.constants.NGHTTP2_CANCEL);
    expect(peer.big.written).toBeLessThan(40 * 1024 * 1024);
    // The session is still good for the next request.
    expect((await outbound.request(`${base}/ok`, call)).status).toBe(200);
  });

  it('cancels a stream that is never answered at the deadline, without holding up the others', async () => {
    const base = `https://push.h2.localhost:${peer.port}`;
    const silent = outbound.request(`${base}/silent`, { ...call, timeoutMs: 300 });
    expect((await outbound.request(`${base}/ok`, call)).status).toBe(200);
    await expect(silent).rejects.toBeInstanceOf(OutboundTimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(peer.silentRstCode()).toBe(http2.constants.NGHTTP2_CANCEL);
  });

  it('gives up a session that went silent, so the next request opens a new one', async () => {
    // A connection that goes silent midway (a dropped NAT entry): a relay that stops passing bytes.
    const relayed: net.Socket[] = [];
    const relay = net.createServer((client) => {
      const upstream = net.connect(peer.port, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      client.on('error', () => {});
      upstream.on('error', () => {});
      relayed.push(client, upstream);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const base = `https://push.h2.localhost:${(relay.address() as AddressInfo).port}`;
    try {
      expect((await outbound.request(`${base}/ok`, call)).status).toBe(200);
      for (const socket of relayed) {
        socket.unpipe();
        socket.pause();
      }
      await expect(outbound.request(`${base}/ok`, { ...call, timeoutMs: 300 })).rejects.toBeInstanceOf(
        OutboundTimeoutError,
      );
      // The PING after the time-out goes unanswered: within its 2 s the session is given up.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect((await outbound.request(`${base}/ok`, { ...call, timeoutMs: 2000 })).status).toBe(200);
      expect(relayed).toHaveLength(4);
    } finally {
      for (const socket of relayed) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
    }
  });

  it('follows a redirect only to an allowed host, never with its credentials to another host', async () => {
    const base = `https://push.h2.localhost:${peer.port}`;
    const headers = { authorization: 'Basic c2VjcmV0' };
    const own = { ...call, headers, redirects: 2 };
    const before = peer.paths.length;
    expect(
      await refusal(outbound.request(`${base}/to-other`, { ...own, hosts: ['push.h2.localhost'] })),
    ).toBe('redirect');
    expect(peer.paths.slice(before).map((p) => p.path)).toEqual(['/to-other']);
    const both = { ...own, hosts: ['push.h2.localhost', 'push.other.localhost'] };
    expect((await outbound.request(`${base}/to-other`, both)).body.toString()).toBe('hello');
    expect(peer.paths.at(-2)).toEqual({ path: '/to-other', authorization: 'Basic c2VjcmV0' });
    expect(peer.paths.at(-1)).toEqual({ path: '/landed', authorization: undefined });
  });

  /** A push channel to the HTTP/2 peer, a message and a browser's keys (`now`: the channel's wall clock). */
  function pushOverH2(timeoutMs: number, now?: () => number) {
    const channel = createPushChannel({
      vapid: webpush.generateVAPIDKeys(),
      subject: 'mailto:ops@faro.example',
      outbound,
      settings: { hosts: ['push.h2.localhost'], timeoutMs },
      ...(now ? { now } : {}),
    });
    const message = { payload: 'hi', ttlSeconds: 60, urgency: 'high' as const, topic: 'a' };
    const [keys] = browserKeys(1);
    if (!keys) throw new Error('no keys');
    return { base: `https://push.h2.localhost:${peer.port}`, channel, message, keys };
  }

  it('fails an exchange the server took and then cut off by GOAWAY as one the push channel retries, then opens a new session', async () => {
    const { base, channel, message, keys } = pushOverH2(3000);
    const sessionsBefore = peer.sessions.length;
    const outcome = await channel.send({ endpoint: `${base}/goaway`, keys }, message);
    expect(outcome.kind).toBe('retry');
    expect(peer.paths.at(-1)?.path).toBe('/goaway');
    expect(await channel.send({ endpoint: `${base}/slow`, keys }, message)).toEqual({ kind: 'sent' });
    expect(peer.sessions.length).toBe(sessionsBefore + 1);
    await channel.close();
  });

  it("a push leaves no later than its row is surely its sender's: sent within the time left, or not at all", async () => {
    const { base, channel, message, keys } = pushOverH2(30_000);
    const requests = peer.paths.length;
    // Its sender's hold on the row ran out (renewals failing): nothing is sent.
    expect(
      await channel.send({ endpoint: `${base}/ok`, keys }, { ...message, leaveBy: performance.now() - 1 }),
    ).toEqual({ kind: 'lost' });
    expect(peer.paths.length).toBe(requests);
    // Half a second left: the exchange's deadline is that, not the push service's 30 s.
    const outcome = await channel.send(
      { endpoint: `${base}/silent`, keys },
      { ...message, leaveBy: performance.now() + 500 },
    );
    expect(outcome).toEqual({ kind: 'retry', code: 'network_timeout' });
    expect(
      await channel.send(
        { endpoint: `${base}/ok`, keys },
        { ...message, leaveBy: performance.now() + 30_000 },
      ),
    ).toEqual({
      kind: 'sent',
    });
    await channel.close();
  }, 10_000);

  it('a wall clock stepped back an hour gives a sender that lost its row no more time', async () => {
    // Review: the deadline was counted on the wall clock (Date.now); NTP or a person setting the
    // clock back between the claim and the send would have let the push leave an hour late.
    const { base, channel, message, keys } = pushOverH2(30_000, () => Date.now() - 3_600_000);
    const requests = peer.paths.length;
    expect(
      await channel.send({ endpoint: `${base}/ok`, keys }, { ...message, leaveBy: performance.now() - 1 }),
    ).toEqual({ kind: 'lost' });
    expect(peer.paths.length).toBe(requests);
    expect(
      await channel.send(
        { endpoint: `${base}/ok`, keys },
        { ...message, leaveBy: performance.now() + 5_000 },
      ),
    ).toEqual({ kind: 'sent' });
    await channel.close();
  }, 10_000);

  it('sends at once on a new session what a GOAWAY left unprocessed: past its last stream id, or waiting for a stream', async () => {
    // h2c, two streams at once: the first session holds both; with both open it goes away, having
    // processed only the first (lastStreamID), and answers that one. Three more requests wait.
    const served: { path: string; session: number }[] = [];
    const sessions: http2.ServerHttp2Session[] = [];
    const held: http2.ServerHttp2Stream[] = [];
    const server = http2.createServer({ settings: { maxConcurrentStreams: 2 } });
    server.on('session', (session) => sessions.push(session));
    server.on('stream', (stream, headers) => {
      stream.on('error', () => {});
      stream.resume();
      const session = sessions.indexOf(stream.session as http2.ServerHttp2Session);
      served.push({ path: String(headers[':path']), session });
      if (session > 0) {
        stream.respond({ ':status': 201 });
        stream.end('new');
        return;
      }
      held.push(stream);
      const [first] = held;
      if (held.length < 2 || !first) return;
      stream.session?.goaway(http2.constants.NGHTTP2_NO_ERROR, first.id ?? 0);
      first.respond({ ':status': 200 });
      first.end('old');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const h2c = createOutbound({ allowLoopback: true, http2Cleartext: true });
    try {
      const paths = ['/1', '/2', '/3', '/4', '/5'];
      const answers = await Promise.all(
        paths.map((path) => h2c.request(`${base}${path}`, { ...call, method: 'POST', body: 'x' })),
      );
      expect(answers.map((a) => `${a.status} ${a.body.toString()}`)).toEqual([
        '200 old',
        '201 new',
        '201 new',
        '201 new',
        '201 new',
      ]);
      expect(sessions).toHaveLength(2);
      // The second stream reached the old session, unprocessed; the last three never left before the GOAWAY.
      expect(served.filter((s) => s.session === 0).map((s) => s.path)).toEqual(['/1', '/2']);
      expect(
        served
          .filter((s) => s.session === 1)
          .map((s) => s.path)
          .sort(),
      ).toEqual(['/2', '/3', '/4', '/5']);
    } finally {
      h2c.close();
      for (const session of sessions) session.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('moves what waits in its queue with the session through several GOAWAYs in a row (a rolling restart)', async () => {
    // One stream at a time: each session takes one request, goes away having processed it, and
    // answers it. The others wait here for a stream each time: the last one moves four times.
    const sessions: http2.ServerHttp2Session[] = [];
    const server = http2.createServer({ settings: { maxConcurrentStreams: 1 } });
    server.on('session', (session) => sessions.push(session));
    server.on('stream', (stream) => {
      stream.on('error', () => {});
      stream.resume();
      const session = sessions.indexOf(stream.session as http2.ServerHttp2Session);
      stream.session?.goaway(http2.constants.NGHTTP2_NO_ERROR, stream.id ?? 0);
      stream.respond({ ':status': 200 });
      stream.end(`session ${session}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const h2c = createOutbound({ allowLoopback: true, http2Cleartext: true });
    try {
      const answers = await Promise.all(
        ['/1', '/2', '/3', '/4', '/5'].map((path) =>
          h2c.request(`${base}${path}`, { ...call, method: 'POST', body: 'x' }).then(
            (answer) => `${answer.status} ${answer.body.toString()}`,
            (error: { code?: string }) => error.code,
          ),
        ),
      );
      expect(answers.sort()).toEqual([
        '200 session 0',
        '200 session 1',
        '200 session 2',
        '200 session 3',
        '200 session 4',
      ]);
    } finally {
      h2c.close();
      for (const session of sessions) session.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives up, as never processed, a request the server refuses every time, after a bounded number of tries', async () => {
    let streams = 0;
    const sessions: http2.ServerHttp2Session[] = [];
    const server = http2.createServer();
    server.on('session', (session) => sessions.push(session));
    server.on('stream', (stream) => {
      streams += 1;
      stream.on('error', () => {});
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push/1`;
    const h2c = createOutbound({ allowLoopback: true, http2Cleartext: true });
    try {
      const failed = await h2c.request(url, { ...call, method: 'POST', body: 'x' }).catch((error) => error);
      // Not a cut-off (ECONNRESET: it may have arrived) but a request the server never took.
      expect((failed as { code?: string }).code).toBe('UNPROCESSED');
      expect(streams).toBe(3);
    } finally {
      h2c.close();
      for (const session of sessions) session.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses, when a new session connects, a name that now resolves to a private address', async () => {
    const base = `https://push.h2.localhost:${peer.port}`;
    expect((await outbound.request(`${base}/ok`, call)).status).toBe(200);
    // The session goes (the server closes it); the name's answer changes before the next one.
    const sessionsBefore = peer.sessions.length;
    for (const session of peer.sessions) session.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    answers.set('push.h2.localhost', '10.0.0.7');
    try {
      expect(await refusal(outbound.request(`${base}/ok`, call))).toBe('address');
    } finally {
      answers.set('push.h2.localhost', '127.0.0.1');
    }
    expect(peer.sessions.length).toBe(sessionsBefore);
    expect((await outbound.request(`${base}/ok`, call)).status).toBe(200);
  });

  it('speaks h2c to this machine only where tests ask, with the loopback allowance', async () => {
    const server = http2.createServer();
    server.on('stream', (stream) => {
      stream.respond({ ':status': 201 });
      stream.end('h2c');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push/1`;
    const h2c = createOutbound({ allowLoopback: true, http2Cleartext: true });
    const strict = createOutbound({ allowLoopback: false, http2Cleartext: true });
    try {
      const answer = await h2c.request(url, { ...call, method: 'POST', body: 'x' });
      expect([answer.status, answer.body.toString()]).toEqual([201, 'h2c']);
      expect(await refusal(strict.request(url, call))).toBe('scheme');
    } finally {
      h2c.close();
      strict.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('closes its sessions when closed', async () => {
    const own = createOutbound({ allowLoopback: true, ca: cert });
    expect((await own.request(`https://127.0.0.1:${peer.port}/ok`, call)).status).toBe(200);
    const session = peer.sessions.at(-1);
    const closed = new Promise<void>((resolve) => session?.once('close', () => resolve()));
    own.close();
    await closed;
  });
});
