import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { createOutbound } from '../src/server/outbound/outbound.js';

/**
 * Review: a push's deadline (its `leaveBy`: until when its sender surely holds its row) was only a
 * timer. A push waiting in the HTTP/2 queue for a stream is started when another stream closes (an
 * I/O callback, http2-sessions.ts `release` → `start`): with the event loop late (a busy fan-out),
 * the queued push left after its deadline, before its timer had run. The push service here runs in
 * a process of its own, so that it answers while this one is busy.
 */
const SERVER = `
const http2 = require('node:http2');
const server = http2.createServer({ settings: { maxConcurrentStreams: 1 } });
server.on('stream', (stream, headers) => {
  const path = headers[':path'];
  process.stdout.write(JSON.stringify({ path, at: Date.now() }) + '\\n');
  stream.on('error', () => {});
  stream.resume();
  setTimeout(() => { if (!stream.closed) { stream.respond({ ':status': 201 }); stream.end(); } }, path === '/first' ? 300 : 0);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
`;

type Outbound = ReturnType<typeof createOutbound>;

/**
 * The scenario: a push service in a process of its own that answers `/first` after 300 ms; here,
 * `/first` and then `/second` (queued behind it, its deadline 350 ms away) while this process is
 * busy from 250 ms to 700 ms (encryption results, marks, a GC pause…). `/second` must never reach
 * the push service late: not sent — or, on a machine so loaded that it started before its deadline,
 * sent then, reaching the service (on this machine) within moments, not 350 ms later.
 */
async function lateScenario(
  server: string,
  outboundOf: () => Outbound,
  after?: (call: Call) => Promise<unknown>,
  origin = (port: unknown) => `http://127.0.0.1:${port}`,
) {
  const child = spawn(process.execPath, ['-e', server], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TLS_FILES: fileURLToPath(new URL('./support/tls/', import.meta.url)) },
  });
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
      lines.push(JSON.parse(buffered.slice(0, at)));
      buffered = buffered.slice(at + 1);
    }
  });
  await expect.poll(() => lines.length, { timeout: 5000 }).toBeGreaterThan(0);
  const base = origin(lines[0]?.port);
  const outbound = outboundOf();
  const call: Call = (path) =>
    outbound.request(`${base}${path}`, { method: 'POST', body: 'x', maxBytes: 1024, timeoutMs: 5000 });
  try {
    // Open the session or connection (and learn the one-stream limit).
    await call('/warm');
    const t0 = Date.now();
    const first = call('/first');
    const deadline = Date.now() + 350;
    const second = outbound
      .request(`${base}/second`, {
        method: 'POST',
        body: 'x',
        maxBytes: 1024,
        timeoutMs: deadline - Date.now(),
      })
      .then(
        () => 'answered',
        (error: { code?: string }) => error.code ?? 'error',
      );
    setTimeout(() => {
      while (Date.now() < t0 + 700) {
        /* busy */
      }
    }, 250);
    await first;
    const outcome = await second;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const late = lines.find((line) => line.path === '/second') as { at: number } | undefined;
    expect(['UNPROCESSED', 'TIMEOUT', 'answered']).toContain(outcome);
    expect(
      late === undefined || late.at - deadline < 150,
      `${outcome}: ${late ? late.at - deadline : '-'} ms`,
    ).toBe(true);
    await after?.(call);
    return lines;
  } finally {
    outbound.close();
    child.kill();
  }
}
type Call = (path: string) => Promise<unknown>;

it('a push waiting for a stream never leaves after its deadline, even when the event loop is late', async () => {
  await lateScenario(SERVER, () => createOutbound({ allowLoopback: true, http2Cleartext: true }));
});

/** The same for an origin that speaks HTTP/1.1 only: a push waiting in the agent's queue for a connection. */
const SERVER_HTTP1 = `
const http = require('node:http');
let connections = 0;
const server = http.createServer((request, response) => {
  process.stdout.write(JSON.stringify({ path: request.url, at: Date.now(), connections }) + '\\n');
  request.resume();
  setTimeout(() => { response.writeHead(201); response.end(); }, request.url === '/first' ? 300 : 0);
});
server.on('connection', () => { connections += 1; });
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
`;

it('a push waiting for an HTTP/1.1 connection never leaves after its deadline, even when the event loop is late', async () => {
  // One connection to the origin: the second push waits for the first's.
  const lines = await lateScenario(
    SERVER_HTTP1,
    () => createOutbound({ allowLoopback: true, maxSocketsPerOrigin: 1 }),
    // Ended before it had the connection: the warm one is kept for the next (review: ending it
    // after closed it, and a surge's stalled queue closed every connection to the push service).
    (call) => call('/after'),
  );
  expect(lines.find((line) => line.path === '/after')).toMatchObject({ connections: 1 });
});

/**
 * The same for an https origin that speaks HTTP/1.1 only, on a new connection: a push's request is
 * written once the TLS handshake is done, which may be after its deadline — the handshake's end read
 * while the event loop was late (review, session 23: the deadline was checked as the connection
 * connected, not again once it was secure). The server here holds each handshake after the first
 * two (the HTTP/2 question and the first kept-alive connection) for 300 ms, so `/second`, which
 * needs a new connection while `/first` holds the warm one, is secure only after its deadline.
 */
const SERVER_HTTPS1 = `
const https = require('node:https');
const tls = require('node:tls');
const path = require('node:path');
const fs = require('node:fs');
const key = fs.readFileSync(path.join(process.env.TLS_FILES, 'localhost.key'));
const cert = fs.readFileSync(path.join(process.env.TLS_FILES, 'localhost.crt'));
const context = tls.createSecureContext({ key, cert });
let handshakes = 0;
const server = https.createServer({
  key, cert, ALPNProtocols: ['http/1.1'],
  // No session tickets: a resumed handshake would not ask for the context, and not be held.
  secureOptions: require('node:crypto').constants.SSL_OP_NO_TICKET,
  SNICallback: (name, done) => { handshakes += 1; setTimeout(() => done(null, context), handshakes > 2 ? 300 : 0); },
}, (request, response) => {
  process.stdout.write(JSON.stringify({ path: request.url, at: Date.now(), handshakes }) + '\\n');
  request.resume();
  setTimeout(() => { response.writeHead(201); response.end(); }, request.url === '/first' ? 300 : 0);
});
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
`;

it('a push on a new https connection never leaves after its deadline, even when its handshake ends late', async () => {
  const cert = readFileSync(new URL('./support/tls/localhost.crt', import.meta.url));
  const lines = await lateScenario(
    SERVER_HTTPS1,
    () =>
      createOutbound({
        allowLoopback: true,
        ca: cert,
        resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      }),
    undefined,
    (port) => `https://localhost:${port}`,
  );
  // The scenario held: `/first` went on the warm connection, and `/second` needed a third handshake.
  expect(lines.find((line) => line.path === '/first')).toMatchObject({ handshakes: 2 });
});
