import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { FetchSource, PMTiles } from 'pmtiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBasemapService, storeBasemap } from '../src/server/modules/basemap/basemap.service.js';
import { writeArchive } from '../src/server/modules/basemap/pmtiles.js';
import { tileGeoJson } from '../src/server/modules/basemap/tiling.js';
import { addDemoBasemap } from '../src/server/modules/demo/seed.js';
import { ROLES, type Role } from '../src/shared/access.js';
import type { BasemapInfo } from '../src/shared/basemap.js';
import { can } from '../src/shared/permissions.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';

/**
 * The coalition's street map (issue 14): a PMTiles archive stored in the database, served by
 * byte ranges to those who see the board, and read by the same `pmtiles` reader the map uses.
 */
let t: TestFaro;
let dispatcher: StaffSession;
let dir: string;
const coalitionId = async () => (await t.faro.services.coalitions.current()).id;

beforeAll(async () => {
  t = await startTestFaro({ listen: true });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  dir = await mkdtemp(path.join(tmpdir(), 'faro-basemap-'));
});
afterAll(async () => {
  await t?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
  fetch(`${t.baseUrl}${url}`, { method, headers: { ...dispatcher.headers, ...headers } });
/** What the board is told about the street map. */
const info = async () => ((await (await get('/api/basemap')).json()) as BasemapInfo).basemap;
const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

/** The tile of zoom z that holds a point. */
function tileAt(z: number, lng: number, lat: number): [number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return [
    Math.floor(((lng + 180) / 360) * n),
    Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n),
  ];
}

/** An archive of ~300 KiB (several stored pieces): one named street, and filler tiles that differ by name. */
function largeArchive(street: string): Uint8Array {
  let seed = [...street].reduce((sum, c) => sum + c.charCodeAt(0), 1);
  const noise = () => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed;
  };
  const filler = Array.from({ length: 300 }, (_, i) => ({
    z: 14,
    x: 2800 + (i % 20),
    y: 9000 + Math.floor(i / 20),
    data: Uint8Array.from({ length: 1024 }, () => noise() % 256),
  }));
  const named = tileGeoJson(
    {
      roads: {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            geometry: {
              type: 'LineString',
              coordinates: [
                [-118.3, 34.05],
                [-118.28, 34.05],
              ],
            },
            properties: { kind: 'major_road', name: street },
          },
        ],
      },
    },
    14,
    14,
  );
  return writeArchive([...named, ...filler], {
    tileCompression: 'gzip',
    minZoom: 14,
    maxZoom: 14,
    bounds: [-118.5, 33.9, -118.1, 34.3],
    center: { lng: -118.29, lat: 34.05, zoom: 14 },
    metadata: {
      vector_layers: [{ id: 'roads', fields: {} }],
      attribution: '<a href="https://www.openstreetmap.org/copyright">&copy; OpenStreetMap</a> contributors',
    },
  });
}

describe('the street map, as the board reads it', () => {
  it('tells the board about the demo’s sketch: its zooms and bounds', async () => {
    const answer = await get('/api/basemap');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('private, no-cache');
    const { basemap } = (await answer.json()) as BasemapInfo;
    expect(basemap).toMatchObject({ kind: 'demo', minZoom: 6, maxZoom: 14, attribution: null });
    expect(basemap?.bounds[0]).toBeLessThan(-118.45);
    expect(basemap?.bounds[3]).toBeGreaterThan(34.28);
    expect(basemap?.etag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('serves the archive by ranges to the pmtiles reader, which finds the named streets in their tile', async () => {
    const source = new FetchSource(`${t.baseUrl}/api/basemap/archive`, new Headers(dispatcher.headers));
    const archive = new PMTiles(source);
    const header = await archive.getHeader();
    expect([header.minZoom, header.maxZoom]).toEqual([6, 14]);
    const [x, y] = tileAt(14, -118.2195, 34.0472); // 1st St and Boyle Ave
    const tile = await archive.getZxy(14, x, y);
    const roads = new VectorTile(new PbfReader(new Uint8Array(tile?.data ?? new ArrayBuffer(0)))).layers
      .roads;
    const names = Array.from({ length: roads?.length ?? 0 }, (_, i) => roads?.feature(i).properties.name);
    expect(names).toEqual(expect.arrayContaining(['E 1st St', 'Boyle Ave']));
  });

  it('answers a range with 206, its Content-Range, a strong ETag, private caching and no compression', async () => {
    const whole = await get('/api/basemap/archive', { 'accept-encoding': 'gzip, br' });
    expect(whole.status).toBe(200);
    const bytes = await bytesOf(whole);
    const etag = whole.headers.get('etag') ?? '';
    expect(etag).toBe(`"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`);
    expect(Buffer.from(bytes.subarray(0, 7)).toString()).toBe('PMTiles');

    const part = await get('/api/basemap/archive', { range: 'bytes=100-199', 'accept-encoding': 'gzip, br' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(part.headers.get('content-length')).toBe('100');
    expect(part.headers.get('content-encoding')).toBeNull();
    expect(part.headers.get('accept-ranges')).toBe('bytes');
    expect(part.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(part.headers.get('etag')).toBe(etag);
    expect(await bytesOf(part)).toEqual(bytes.subarray(100, 200));

    // The reader's first request asks for 16 KiB whatever the size: the end is clamped.
    const first = await get('/api/basemap/archive', { range: 'bytes=0-999999' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-${bytes.length - 1}/${bytes.length}`);
    expect(await bytesOf(first)).toEqual(bytes);

    const past = await get('/api/basemap/archive', { range: `bytes=${bytes.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    expect(((await past.json()) as { error: { code: string } }).error.code).toBe('RANGE_NOT_SATISFIABLE');

    // If-Range: the range only for this very archive; If-None-Match: nothing to send again.
    expect((await get('/api/basemap/archive', { range: 'bytes=0-9', 'if-range': etag })).status).toBe(206);
    const stale = await get('/api/basemap/archive', { range: 'bytes=0-9', 'if-range': '"another"' });
    expect(stale.status).toBe(200);
    expect((await bytesOf(stale)).length).toBe(bytes.length);
    const held = await get('/api/basemap/archive', { 'if-none-match': etag });
    expect(held.status).toBe(304);
    expect((await bytesOf(held)).length).toBe(0);

    const head = await get('/api/basemap/archive', { range: 'bytes=0-126' }, 'HEAD');
    expect(head.status).toBe(206);
    expect(head.headers.get('content-length')).toBe('127');
  });
});

describe('who may read the street map', () => {
  const withoutBoard = ROLES.filter((role) => !can([role], 'incidents:read'));

  it('is the board’s: anonymous callers get 401, roles without the board 403, and no byte of it', async () => {
    expect(withoutBoard).toEqual(
      expect.arrayContaining(['approver', 'responder', 'operator', 'coalition_admin']),
    );
    for (const url of ['/api/basemap', '/api/basemap/archive']) {
      const anonymous = await fetch(`${t.baseUrl}${url}`, { headers: { range: 'bytes=0-16383' } });
      expect(anonymous.status, url).toBe(401);
      const body = await anonymous.text();
      expect(body).not.toContain('PMTiles');
      expect(body).not.toContain('etag');
      expect(anonymous.headers.get('etag')).toBeNull();
      for (const role of withoutBoard as Role[]) {
        const session = await staffSession(t.faro.database, role);
        const refused = await fetch(`${t.baseUrl}${url}`, {
          headers: { ...session.headers, range: 'bytes=0-16383' },
        });
        expect(refused.status, `${url} as ${role}`).toBe(403);
        expect(await refused.text()).not.toContain('PMTiles');
        expect(refused.headers.get('content-range')).toBeNull();
      }
    }
  });
});

describe('replacing and removing the street map', () => {
  it('imports an extract in place of the sketch, atomically: new ETag, plain-text attribution, an audit row', async () => {
    const before = await info();
    const file = path.join(dir, 'extract.pmtiles');
    const archive = largeArchive('Wilshire Blvd');
    await writeFile(file, archive);
    const basemaps = createBasemapService(t.faro.database);
    const stored = await basemaps.importFile(await coalitionId(), file, new Date());
    expect(stored.size).toBe(archive.length);

    const basemap = await info();
    expect(basemap).toMatchObject({
      kind: 'imported',
      size: archive.length,
      minZoom: 14,
      maxZoom: 14,
      attribution: '© OpenStreetMap contributors',
    });
    expect(basemap?.etag).not.toBe(before?.etag);
    const whole = await bytesOf(await get('/api/basemap/archive'));
    expect(whole.equals(archive)).toBe(true);
    // A range across two stored pieces (64 KiB each) comes back whole and in order.
    const across = await get('/api/basemap/archive', { range: 'bytes=65530-65545' });
    expect((await bytesOf(across)).equals(archive.subarray(65530, 65546))).toBe(true);
    // The map's reader finds the extract's street where the sketch had its own.
    const reader = new PMTiles(
      new FetchSource(`${t.baseUrl}/api/basemap/archive`, new Headers(dispatcher.headers)),
    );
    const [x, y] = tileAt(14, -118.29, 34.05);
    const roads = new VectorTile(
      new PbfReader(new Uint8Array((await reader.getZxy(14, x, y))?.data ?? new ArrayBuffer(0))),
    ).layers.roads;
    expect(roads?.feature(0).properties.name).toBe('Wilshire Blvd');
    const pieces = await t.faro.database.pool.query('select count(*)::int as n from basemap_chunks');
    expect(pieces.rows[0].n).toBe(Math.ceil(archive.length / 65536));
    const audit = await t.faro.database.pool.query(
      `select actor_id from audit_log where action = 'settings.basemap_imported'`,
    );
    expect(audit.rows).toEqual([{ actor_id: null }]);
  });

  it('never serves another coalition’s street map, and with none answers 404 and tells the board so', async () => {
    const own = await info();
    // Another coalition on the same database, with a street map of its own.
    const other = await t.faro.database.pool.query<{ id: string }>(
      `insert into coalitions (name, slug) values ('Elsewhere', 'elsewhere-basemap') returning id`,
    );
    const otherId = other.rows[0]?.id ?? '';
    const foreign = largeArchive('Elsewhere Ave');
    await t.faro.database.transaction(({ db }) => storeBasemap(db, otherId, foreign, 'imported'));
    expect((await info())?.etag).toBe(own?.etag);
    expect((await bytesOf(await get('/api/basemap/archive'))).equals(foreign)).toBe(false);

    const basemaps = createBasemapService(t.faro.database);
    expect(await basemaps.remove(await coalitionId(), new Date())).toBe(true);
    expect(await info()).toBeNull();
    const none = await get('/api/basemap/archive', { range: 'bytes=0-16383' });
    expect(none.status).toBe(404);
    expect(await none.text()).not.toContain('PMTiles');
    // The other coalition's is still there, untouched.
    const left = await t.faro.database.pool.query('select coalition_id from basemaps');
    expect(left.rows).toEqual([{ coalition_id: otherId }]);
  });

  it('gives a demo seeded before there were street maps the sketch at its next start, once', async () => {
    expect(await info()).toBeNull(); // removed above
    expect(await addDemoBasemap(t.faro.database)).toBe(true);
    expect(await info()).toMatchObject({ kind: 'demo', minZoom: 6, maxZoom: 14 });
    expect(await addDemoBasemap(t.faro.database)).toBe(false);
  });
});
