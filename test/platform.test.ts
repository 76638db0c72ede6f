import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readinessChecks } from '../src/server/modules/health/readiness.js';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';

let t: TestFaro;
const logLines: string[] = [];
let webDir: string;

beforeAll(async () => {
  // A stand-in for the built web app: the server's caching and fallback rules, not Vite, are under test.
  webDir = await mkdtemp(path.join(tmpdir(), 'faro-web-'));
  await mkdir(path.join(webDir, 'assets'));
  await writeFile(path.join(webDir, 'index.html'), '<!doctype html><title>Faro</title><div id="root"></div>');
  await writeFile(path.join(webDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  // What scripts/precompress.mjs writes beside a large asset.
  const large = `console.log("${'faro '.repeat(2000)}")`;
  await writeFile(path.join(webDir, 'assets', 'big-abc123.js'), large);
  // Marked, to tell the copies made at build time from compression per request.
  await writeFile(path.join(webDir, 'assets', 'big-abc123.js.br'), brotliCompressSync(`/*br*/${large}`));
  await writeFile(path.join(webDir, 'assets', 'big-abc123.js.gz'), gzipSync(`/*gz*/${large}`));
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  t = await startTestFaro({ env: { WEB_DIST_DIR: webDir, LOG_LEVEL: 'info' }, logStream });
});
afterAll(async () => t?.stop());

describe('health', () => {
  it('answers /healthz and /readyz with the database kind and the grouping backlog', async () => {
    expect((await t.faro.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.faro.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      role: 'all',
      database: t.db.url ? 'postgres' : 'pglite',
      groupingBacklog: 0,
      checks: ['database', 'migrations', 'realtime', 'jobs', 'grouper'].map((name) => ({ name, ok: true })),
    });
  });

  it('is not ready while a migration is pending', async () => {
    const { pool } = t.faro.database;
    const saved = await pool.query(
      'select id, hash, created_at from drizzle.__drizzle_migrations order by id desc limit 1',
    );
    await pool.query('delete from drizzle.__drizzle_migrations where id = $1', [saved.rows[0].id]);
    try {
      const response = await t.faro.app.inject({ url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json().error).toMatchObject({
        code: 'UNAVAILABLE',
        details: { pendingMigrations: 1, role: 'all' },
      });
      expect(response.json().error.details.checks).toContainEqual({
        name: 'migrations',
        ok: false,
        problem: '1 database migration(s) are not applied yet.',
      });
    } finally {
      await pool.query(
        'insert into drizzle.__drizzle_migrations (id, hash, created_at) values ($1, $2, $3)',
        [saved.rows[0].id, saved.rows[0].hash, saved.rows[0].created_at],
      );
    }
  });
});

describe('readiness by role', () => {
  const fakes = (up: boolean) => ({
    hub: { listening: () => up },
    jobs: { working: () => up },
    grouper: { ranRecently: () => up },
    grouperWithinMs: 30_000,
  });
  it.each([
    ['web', ['database', 'migrations', 'realtime']],
    ['worker', ['database', 'migrations', 'jobs', 'grouper']],
    ['all', ['database', 'migrations', 'realtime', 'jobs', 'grouper']],
  ] as const)('%s checks %j, and says which failed', async (role, names) => {
    const healthy = await readinessChecks({ role, database: t.faro.database, ...fakes(true) })();
    expect(healthy.checks).toEqual(names.map((name) => ({ name, ok: true })));
    const failing = await readinessChecks({ role, database: t.faro.database, ...fakes(false) })();
    expect(failing.checks.filter((check) => !check.ok).map((check) => check.name)).toEqual(
      names.filter((name) => name !== 'database' && name !== 'migrations'),
    );
    expect(failing.checks.find((check) => check.name === 'grouper')?.problem ?? '').toMatch(
      role === 'web' ? /^$/ : /not finished a pass in the last 30 s/,
    );
  });
  it('a worker without a grouper is not ready', async () => {
    const { checks } = await readinessChecks({
      role: 'worker',
      database: t.faro.database,
      ...fakes(true),
      grouper: null,
    })();
    expect(checks.at(-1)).toMatchObject({ name: 'grouper', ok: false });
  });
});

describe('OpenAPI', () => {
  it('is generated from the route schemas', async () => {
    const spec = (await t.faro.app.inject({ url: '/api/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    const post = spec.paths['/api/reports'].post;
    const body = post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['language', 'activity', 'location', 'observedAt']));
    expect(body.properties.activity.enum).toContain('checkpoint');
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '400', '413']));
    expect(spec.paths['/api/reports/receipt'].post).toBeDefined();
  });

  it('has a browsable UI at /api/docs', async () => {
    const response = await t.faro.app.inject({ url: '/api/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('HTTP hygiene', () => {
  it('sends a strict Content-Security-Policy and other security headers', async () => {
    const response = await t.faro.app.inject({ url: '/report' });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('same-origin');
  });

  it('gives every response a request id, keeping a well-formed one from a proxy', async () => {
    const fresh = await t.faro.app.inject({ url: '/healthz' });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const relayed = await t.faro.app.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'proxy-1234abcd' },
    });
    expect(relayed.headers['x-request-id']).toBe('proxy-1234abcd');
    const forged = await t.faro.app.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\nwith newline' },
    });
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('caches hashed assets for a year and never caches the page shell', async () => {
    const asset = await t.faro.app.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const page of ['/', '/report', '/dispatch', '/status']) {
      const shell = await t.faro.app.inject({ url: page });
      expect(shell.statusCode).toBe(200);
      expect(shell.headers['cache-control']).toBe('no-cache');
      expect(shell.body).toContain('<div id="root">');
    }
  });

  it('issue 14: sends built assets precompressed and compresses every other text answer', async () => {
    const br = await t.faro.app.inject({
      url: '/assets/big-abc123.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toMatch(/^\/\*br\*\/console.log\("faro faro/);
    const gz = await t.faro.app.inject({
      url: '/assets/big-abc123.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toMatch(/^\/\*gz\*\/console/);
    // A browser that asks for nothing gets the plain file.
    const plain = await t.faro.app.inject({
      url: '/assets/big-abc123.js',
      headers: { 'accept-encoding': '' },
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toMatch(/^console.log\("faro faro/);

    // A JSON answer of the API, made per request (the OpenAPI document is tens of kilobytes).
    const json = await t.faro.app.inject({
      url: '/api/openapi.json',
      headers: { 'accept-encoding': 'br, gzip' },
    });
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(json.rawPayload).toString())).toHaveProperty('openapi');
  });

  it('answers unknown API paths with the JSON error body', async () => {
    const response = await t.faro.app.inject({ url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No route for GET /api/nothing-here.' },
    });
  });
});

describe('logs', () => {
  it('carry no request bodies, places, free text, client addresses or receipt lookups', async () => {
    const input = buildReportInput({
      description: 'call me at 213-555-0182 or maria@example.org',
      location: { lat: 34.04712, lng: -118.21953, place: '2145 E 1st St' },
    });
    const response = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports?source=flyer',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      remoteAddress: '198.51.100.7',
      payload: input,
    });
    expect(response.statusCode).toBe(201);
    await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports',
      headers: { 'content-type': 'application/json' },
      payload: '{"x":',
    });
    const logs = logLines.join('');
    expect(logs).toContain('"path":"/api/reports"');
    for (const secret of [
      '213-555-0182',
      'maria@example.org',
      '34.04712',
      '-118.21953',
      '2145 E 1st',
      '203.0.113.9',
      '198.51.100.7',
      'source=flyer',
    ]) {
      expect(logs).not.toContain(secret);
    }
  });

  it("keep a failed query's values out, and say only that something went wrong", async () => {
    const { pool } = t.faro.database;
    await pool.query('alter table reports rename to reports_moved');
    try {
      const input = buildReportInput({
        description: 'secret words 8fj3k',
        location: { lat: 34.04713, lng: -118.21957 },
      });
      const response = await t.faro.app.inject({ method: 'POST', url: '/api/reports', payload: input });
      expect(response.statusCode).toBe(500);
      expect(response.json().error).toEqual({
        code: 'INTERNAL',
        message: 'Something went wrong on our side. Your request was not completed.',
      });
      expect(response.body).not.toMatch(/reports|relation|select|insert/i);
    } finally {
      await pool.query('alter table reports_moved rename to reports');
    }
    const logs = logLines.join('');
    expect(logs).toContain('"sqlState":"42P01"');
    for (const secret of ['secret words 8fj3k', '34.04713', '-118.21957']) expect(logs).not.toContain(secret);
  });
});
