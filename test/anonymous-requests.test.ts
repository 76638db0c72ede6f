import { once } from 'node:events';
import net from 'node:net';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/server/config.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { powHeader } from './support/pow.js';

/**
 * What an anonymous caller can make the server do: nothing is read before
 * access is checked, public bodies are small, photos cost a proof of work
 * like reports, a receipt code never travels in an address, and an https
 * site always says so (HSTS).
 */
const logLines: string[] = [];
let t: TestFaro;
beforeAll(async () => {
  t = await startTestFaro({
    listen: true,
    env: { PUBLIC_URL: 'https://faro.example.org', REPORT_PROOF_OF_WORK: 'true', LOG_LEVEL: 'info' },
    logStream: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  });
});
afterAll(async () => t?.stop());

/** Sends headers and the first kilobyte of a body that claims to be much larger; resolves with what comes back. */
async function startLargeUpload(path: string, headers: string, declaredBytes: number): Promise<string> {
  const socket = net.connect(Number(new URL(t.baseUrl).port), '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: localhost\r\n${headers}Content-Length: ${declaredBytes}\r\n\r\n${'x'.repeat(1024)}`,
  );
  // The rest of the body never comes: only an answer sent before reading it can arrive.
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  socket.destroy();
  return String(chunk);
}

const photo = () =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: '#556' } })
    .jpeg()
    .toBuffer();

describe('anonymous requests', () => {
  it('issue 12 item 14: a route that needs a session answers 401 before reading the body', async () => {
    const answer = await startLargeUpload(
      '/api/admin/zones',
      'Content-Type: application/json\r\n',
      3_700_000,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
  }, 20_000);

  it('issue 12 item 14: public routes take only small bodies', async () => {
    const response = await t.faro.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { email: 'a@example.org', password: 'x'.repeat(100_000) },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('issue 12 item 14: a photo needs a solved proof of work, checked before its bytes are read', async () => {
    const refused = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports/photos',
      headers: { 'content-type': 'image/jpeg' },
      payload: await photo(),
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.details).toEqual({ proofOfWork: 'missing' });
    const early = await startLargeUpload('/api/reports/photos', 'Content-Type: image/jpeg\r\n', 10_000_000);
    expect(early).toMatch(/^HTTP\/1\.1 403/);

    const headers = { 'content-type': 'image/jpeg', ...(await powHeader(t.baseUrl)) };
    const accepted = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports/photos',
      headers,
      payload: await photo(),
    });
    expect(accepted.statusCode, accepted.body).toBe(201);
    // One solved challenge, one photo.
    const again = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports/photos',
      headers,
      payload: await photo(),
    });
    expect(again.json().error.details).toEqual({ proofOfWork: 'reused' });
  }, 30_000);

  it('issue 12 item 14: receipt codes are looked up in the body; the old address says so and logs no code', async () => {
    const old = await t.faro.app.inject({ url: '/api/reports/receipt/K7M4-QP2X' });
    expect(old.statusCode).toBe(410);
    expect(old.json().error).toMatchObject({ code: 'GONE' });
    expect(old.json().error.message).toContain('POST /api/reports/receipt');
    const lookup = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports/receipt',
      payload: { code: 'Q2XK-7M4P' },
    });
    expect(lookup.statusCode).toBe(404);
    expect(lookup.headers['cache-control']).toBe('no-store');
    // Requests are logged by their route, not their path.
    expect(logLines.join('')).toContain('"path":"/api/reports/receipt/:code"');
    expect(logLines.join('')).not.toContain('K7M4-QP2X');
    expect(logLines.join('')).not.toContain('Q2XK-7M4P');
  });

  it('issue 12 item 14: an https site sends HSTS, and no production server runs without its https address', async () => {
    const response = await t.faro.app.inject({ url: '/healthz' });
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/faro' })).toThrow(
      ConfigError,
    );
  });
});
