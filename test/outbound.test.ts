import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOutbound,
  type Outbound,
  OutboundRefusedError,
  OutboundTimeoutError,
} from '../src/server/outbound/outbound.js';

/**
 * The one module every outbound request goes through, against real local
 * servers: what it refuses never reaches them, redirects go only where the
 * call allows (without credentials to another host), an answer past the
 * size limit is cut off while it is read, and a silent server times out.
 */

interface Peer {
  port: number;
  requests: { path: string; authorization?: string }[];
  connections: () => number;
  /** Bytes of the big answer the server could hand to its socket before the client hung up. */
  bigWritten: () => number;
  /** Resolves when the connection of the latest big answer is closed: nothing more of it is written after. */
  bigClosed: () => Promise<void>;
  close(): Promise<void>;
}

const BIG = 200 * 1024 * 1024;

async function startPeer(other?: () => number): Promise<Peer> {
  const requests: Peer['requests'] = [];
  let connections = 0;
  let bigWritten = 0;
  let bigClosed: Promise<void> = Promise.resolve();
  const server = http.createServer((request, response) => {
    requests.push({ path: request.url ?? '', authorization: request.headers.authorization });
    const url = request.url ?? '';
    if (url === '/to-other') {
      response.writeHead(302, { location: `http://localhost:${other?.()}/landed` }).end();
    } else if (url === '/to-same') {
      response.writeHead(307, { location: '/landed' }).end();
    } else if (url === '/declared-big') {
      response.writeHead(200, { 'content-length': String(BIG) });
      response.write(Buffer.alloc(1024));
    } else if (url === '/big') {
      // No length announced: the client can only tell by counting what arrives.
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 7);
      const more = () => {
        while (bigWritten < BIG) {
          const ok = response.write(chunk, (error) => {
            if (!error) bigWritten += chunk.length;
          });
          if (!ok) return void response.once('drain', more);
        }
        response.end();
      };
      bigClosed = new Promise((resolve) =>
        response.on('close', () => {
          response.removeAllListeners('drain');
          resolve();
        }),
      );
      more();
    } else if (url === '/silent') {
      // Accepts, never answers.
    } else {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    }
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    connections: () => connections,
    bigWritten: () => bigWritten,
    bigClosed: () => bigClosed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let a: Peer;
let b: Peer;
let raw: net.Server;
let rawConnections = 0;
let rawPort = 0;
let strict: Outbound;
let loopback: Outbound;

beforeAll(async () => {
  b = await startPeer();
  a = await startPeer(() => b.port);
  raw = net.createServer((socket) => {
    rawConnections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  rawPort = (raw.address() as AddressInfo).port;
  // Names point where the test says, as a hostile DNS answer would.
  const resolve = async (host: string) => {
    if (host === 'push.private.example') return [{ address: '10.0.0.7', family: 4 }];
    if (host === 'push.rebound.example') return [{ address: '127.0.0.1', family: 4 }];
    if (host === 'push.public.example') return [{ address: '93.184.215.14', family: 4 }];
    throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  };
  strict = createOutbound({ allowLoopback: false, resolve });
  loopback = createOutbound({ allowLoopback: true });
});
afterAll(async () => {
  strict?.close();
  loopback?.close();
  await Promise.all([a?.close(), b?.close(), new Promise((resolve) => raw?.close(resolve))]);
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) =>
      error instanceof OutboundRefusedError ? error.reason : `not refused: ${String(error)}`,
  );

const call = { timeoutMs: 5000, maxBytes: 1024 * 1024 };

describe('issue 12 item 7: outbound requests', () => {
  it('refuses this machine without the test-only allowance, by address and by a name resolving to it', async () => {
    expect(await refusal(strict.request(`http://127.0.0.1:${a.port}/admin`, call))).toBe('scheme');
    expect(await refusal(strict.request(`https://127.0.0.1:${rawPort}/admin`, call))).toBe('address');
    expect(await refusal(strict.request(`https://[::ffff:127.0.0.1]:${rawPort}/`, call))).toBe('address');
    expect(await refusal(strict.request(`https://push.rebound.example:${rawPort}/x`, call))).toBe('address');
    expect(await refusal(strict.check(`https://push.rebound.example:${rawPort}/x`))).toBe('address');
    expect(a.requests).toEqual([]);
    expect(rawConnections).toBe(0);
  });

  it('refuses a name resolving to a private address, and plain http anywhere', async () => {
    expect(await refusal(strict.check('https://push.private.example/send/1'))).toBe('address');
    expect(await refusal(strict.request('https://push.private.example/send/1', call))).toBe('address');
    expect(await refusal(strict.check('http://push.public.example/send/1'))).toBe('scheme');
    expect(await refusal(strict.check('https://169.254.169.254/latest/meta-data/'))).toBe('address');
    expect(await refusal(strict.check('https://push.public.example/x', ['fcm.googleapis.com']))).toBe('host');
    expect(await strict.check('https://push.public.example/x', ['push.public.example'])).toBeInstanceOf(URL);
  });

  it('checks every request with its own list of hosts, a host that passed before included', async () => {
    // A fan-out's requests to one push service pass the check once and are remembered (a frozen list,
    // as config's are); nothing else is.
    const hosts = Object.freeze(['127.0.0.1']);
    const passes = { ...call, hosts };
    expect((await loopback.request(`http://127.0.0.1:${a.port}/landed`, passes)).status).toBe(200);
    expect((await loopback.request(`http://127.0.0.1:${a.port}/landed`, passes)).status).toBe(200);
    // The same list, another host; another list, the same host; the same host with credentials; plain http.
    expect(await refusal(loopback.request(`http://localhost:${b.port}/x`, passes))).toBe('host');
    expect(
      await refusal(loopback.request(`http://127.0.0.1:${a.port}/x`, { ...call, hosts: ['localhost'] })),
    ).toBe('host');
    expect(await refusal(loopback.request(`http://user:pw@127.0.0.1:${a.port}/x`, passes))).toBe('scheme');
    expect(await refusal(strict.request(`http://127.0.0.1:${a.port}/x`, passes))).toBe('scheme');
    expect(await refusal(strict.request(`https://127.0.0.1:${rawPort}/x`, passes))).toBe('address');
    expect(await refusal(strict.request(`https://127.0.0.1:${rawPort}/x`, passes))).toBe('address');
    // A list that is not frozen is read again each time: a host taken off it in place is refused.
    const changing = ['127.0.0.1'];
    expect(
      (await loopback.request(`http://127.0.0.1:${a.port}/landed`, { ...call, hosts: changing })).status,
    ).toBe(200);
    changing.length = 0;
    changing.push('localhost');
    expect(
      await refusal(loopback.request(`http://127.0.0.1:${a.port}/landed`, { ...call, hosts: changing })),
    ).toBe('host');
  });

  it('follows a redirect only to a host the call allows, never with its credentials to another host', async () => {
    const headers = { authorization: 'Basic c2VjcmV0' };
    const own = { ...call, hosts: ['127.0.0.1'], headers, redirects: 3 };
    expect(await refusal(loopback.request(`http://127.0.0.1:${a.port}/to-other`, own))).toBe('redirect');
    expect(b.requests).toEqual([]);
    // No redirects asked for: none followed, even to the same host.
    expect(
      await refusal(loopback.request(`http://127.0.0.1:${a.port}/to-same`, { ...own, redirects: 0 })),
    ).toBe('redirect');
    const same = await loopback.request(`http://127.0.0.1:${a.port}/to-same`, own);
    expect(same.body.toString()).toBe('hello');
    expect(a.requests.at(-1)).toEqual({ path: '/landed', authorization: 'Basic c2VjcmV0' });

    const both = { ...own, hosts: ['127.0.0.1', 'localhost'] };
    expect((await loopback.request(`http://127.0.0.1:${a.port}/to-other`, both)).status).toBe(200);
    expect(b.requests).toEqual([{ path: '/landed', authorization: undefined }]);
  });

  it('cuts an answer off as soon as it passes the size limit', async () => {
    expect(await refusal(loopback.request(`http://127.0.0.1:${a.port}/declared-big`, call))).toBe(
      'too_large',
    );
    expect(await refusal(loopback.request(`http://127.0.0.1:${a.port}/big`, call))).toBe('too_large');
    // What the server got out before the connection closed: the limit plus what sockets buffer, not 200 MB.
    // Read once the server has seen the connection close, after which it writes nothing more.
    await a.bigClosed();
    expect(a.bigWritten()).toBeGreaterThan(0);
    expect(a.bigWritten()).toBeLessThan(40 * 1024 * 1024);
  });

  it('gives up on a server that never answers', async () => {
    const silent = loopback.request(`http://127.0.0.1:${a.port}/silent`, { ...call, timeoutMs: 300 });
    await expect(silent).rejects.toBeInstanceOf(OutboundTimeoutError);
  });
});
