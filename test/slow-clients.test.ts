import { once } from 'node:events';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Assignment } from '../src/shared/dispatch.js';
import { client, expectStatus } from './support/client.js';
import { BOYLE_HEIGHTS, buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { sessionFor, staffSession } from './support/sessions.js';
import { openSse } from './support/sse.js';
import { incidentIdOf } from './support/state.js';

/**
 * Slow and numerous connections, over real sockets: a body or headers sent a
 * byte at a time are cut off at the time limit, one address cannot hold more
 * than its share of connections — and the live streams, long by design, stay.
 * (Limits are seconds here so the tests are short; defaults are in config.ts.)
 */
let slow: TestFaro;
let capped: TestFaro;
beforeAll(async () => {
  [slow, capped] = await Promise.all([
    startTestFaro({
      listen: true,
      env: {
        HTTP_REQUEST_TIMEOUT_SECONDS: '2',
        HTTP_HEADERS_TIMEOUT_SECONDS: '1',
        HTTP_IDLE_TIMEOUT_SECONDS: '2',
        HTTP_KEEP_ALIVE_SECONDS: '1',
      },
    }),
    startTestFaro({ listen: true, env: { HTTP_MAX_CONNECTIONS_PER_ADDRESS: '3' } }),
  ]);
});
afterAll(async () => Promise.all([slow?.stop(), capped?.stop()]));

const portOf = (t: TestFaro) => Number(new URL(t.baseUrl).port);

/** A raw connection that collects what the server sends, and notes when it is closed. */
async function connect(t: TestFaro) {
  const socket = net.connect(portOf(t), '127.0.0.1');
  socket.on('error', () => undefined); // writes after the server hung up
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk;
  });
  const closed = once(socket, 'close');
  await once(socket, 'connect');
  return {
    socket,
    closed,
    get received() {
      return received;
    },
  };
}

/** Writes one byte every 200 ms until the server closes the connection. */
function drip(socket: net.Socket, byte: string): () => void {
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(byte);
  }, 200);
  return () => clearInterval(timer);
}

describe('slow clients', () => {
  it('issue 12 item 12: a request body sent a byte at a time is cut off at the request time limit', async () => {
    const client = await connect(slow);
    client.socket.write(
      'POST /api/reports HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        'Content-Length: 60000\r\n\r\n{',
    );
    const stop = drip(client.socket, ' ');
    await client.closed;
    stop();
    expect(client.received).toMatch(/^HTTP\/1\.1 408/);
  }, 20_000);

  it('issue 12 item 12: headers sent a byte at a time are cut off at the header time limit', async () => {
    const client = await connect(slow);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    const stop = drip(client.socket, 'a');
    await client.closed;
    stop();
    expect(client.received).toMatch(/^HTTP\/1\.1 408/);
  }, 20_000);

  it('issue 12 item 12: one address holds only so many connections at once', async () => {
    const held = await Promise.all([connect(capped), connect(capped), connect(capped)]);
    const refused = await connect(capped);
    await refused.closed;
    expect(refused.received).toMatch(/^HTTP\/1\.1 503/);
    expect(refused.received).toContain('"code":"UNAVAILABLE"');
    // One of them closes: there is room again, once the server has seen it go (its count drops
    // on its own side of the close, which may come a moment after ours) — a new connection is answered.
    const [first, ...others] = held;
    first?.socket.destroy();
    await first?.closed;
    const healthz = async () => {
      const again = await connect(capped);
      again.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      await again.closed;
      return again.received;
    };
    await vi.waitFor(async () => expect(await healthz()).toMatch(/^HTTP\/1\.1 200/), { timeout: 5_000 });
    for (const other of others) other.socket.destroy();
  }, 20_000);

  it('issue 12 item 12: the board’s and the responder’s live streams outlast every time limit', async () => {
    const dispatcher = await staffSession(slow.faro.database, 'dispatcher');
    const person = await createPerson(slow.faro.database, slow.faro.box, { role: 'responder' });
    const responder = await sessionFor(slow.faro.database, person.id);
    const board = await openSse(`${slow.baseUrl}/api/events`, dispatcher.headers);
    const app = await openSse(`${slow.baseUrl}/api/responder/events`, responder.headers);
    await board.waitFor((m) => m.event === 'ready');
    await app.waitFor((m) => m.event === 'ready');
    const asResponder = client(slow, responder);
    expectStatus(await asResponder.post('/api/responder/shift', { hours: 4 }), 200);
    expectStatus(await asResponder.put('/api/responder/location', BOYLE_HEIGHTS), 200);

    // Longer than the request, header, idle and keep-alive limits together, with nothing sent. This
    // wait is the duration under test (the streams must outlast every limit), not a proof that
    // something did not happen in time: the limits are what would end them, and only time runs them.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    expect(board.ended).toBe(false);
    expect(app.ended).toBe(false);

    const report = expectStatus(
      await client(slow).post('/api/reports', buildReportInput({ location: BOYLE_HEIGHTS })),
      201,
    );
    await slow.faro.grouper?.settle();
    const incidentId = await incidentIdOf(slow, report.body.id);
    await board.waitFor((m) => m.event === 'incident.updated' && m.data.includes(`"id":"${incidentId}"`));
    const offered = expectStatus(
      await client(slow, dispatcher).post(`/api/incidents/${incidentId}/assignments`, {
        responderId: person.id,
      }),
      201,
    );
    expect((offered.body as Assignment).state).toBe('offered');
    await app.waitFor((m) => m.event === 'changed');
    await Promise.all([board.close(), app.close()]);
  }, 30_000);
});
