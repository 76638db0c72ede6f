import { once } from 'node:events';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Assignment } from '../src/shared/dispatch.js';
import { BOYLE_HEIGHTS, buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { sessionFor, staffSession } from './support/sessions.js';
import { openSse } from './support/sse.js';

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
    // One of them closes: there is room again.
    const [first, ...others] = held;
    first?.socket.destroy();
    await first?.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await connect(capped);
    again.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    await again.closed;
    expect(again.received).toMatch(/^HTTP\/1\.1 200/);
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
    const call = (headers: Record<string, string>, method: 'POST' | 'PUT', url: string, payload: object) =>
      slow.faro.app.inject({ method, url, headers, payload });
    await call(responder.headers, 'POST', '/api/responder/shift', { hours: 4 });
    await call(responder.headers, 'PUT', '/api/responder/location', BOYLE_HEIGHTS);

    // Longer than the request, header, idle and keep-alive limits together, with nothing sent.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    expect(board.ended).toBe(false);
    expect(app.ended).toBe(false);

    const report = await slow.faro.app.inject({
      method: 'POST',
      url: '/api/reports',
      payload: buildReportInput({ location: BOYLE_HEIGHTS }),
    });
    await slow.faro.grouper?.settle();
    const { rows } = await slow.faro.database.pool.query<{ incident_id: string }>(
      'select incident_id from reports where id = $1',
      [report.json().id],
    );
    await board.waitFor(
      (m) => m.event === 'incident.updated' && m.data.includes(`"id":"${rows[0]?.incident_id}"`),
    );
    const offered = await call(
      dispatcher.headers,
      'POST',
      `/api/incidents/${rows[0]?.incident_id}/assignments`,
      {
        responderId: person.id,
      },
    );
    expect(offered.statusCode, offered.body).toBe(201);
    expect((offered.json() as Assignment).state).toBe('offered');
    await app.waitFor((m) => m.event === 'changed');
    await Promise.all([board.close(), app.close()]);
  }, 30_000);
});
