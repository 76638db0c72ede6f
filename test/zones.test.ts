import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorReason } from '../src/shared/errors.js';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { reportOf } from './support/state.js';

/** Zones admin: a neighborhood added from GeoJSON, renamed, retired. */
let t: TestFaro;
let admin: StaffSession;
beforeAll(async () => {
  t = await startTestFaro();
  admin = await staffSession(t.faro.database, 'coalition_admin');
});
afterAll(async () => t?.stop());

/** Echo Park, roughly: a square of about 1.5 km. */
const ECHO_PARK = {
  type: 'Feature',
  properties: { name: 'ignored' },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [-118.268, 34.07],
        [-118.252, 34.07],
        [-118.252, 34.084],
        [-118.268, 34.084],
      ],
    ],
  },
};
const INSIDE = { lat: 34.077, lng: -118.26 };

const asAdmin = (method: 'POST' | 'PATCH', url: string, payload?: object) =>
  t.faro.app.inject({ method, url, headers: admin.headers, ...(payload ? { payload } : {}) });
const zoneNames = async () =>
  ((await t.faro.app.inject({ url: '/api/zones' })).json().zones as { name: string }[]).map((z) => z.name);

describe('zones admin', () => {
  it('adds a zone from an imported GeoJSON polygon, filled with cells, and reports there resolve to it', async () => {
    const created = await asAdmin('POST', '/api/admin/zones', { name: 'Echo Park', geojson: ECHO_PARK });
    expect(created.statusCode, created.body).toBe(201);
    const { id, cellCount } = created.json() as { id: string; cellCount: number };
    expect(cellCount).toBeGreaterThan(10);
    expect(await zoneNames()).toContain('Echo Park');

    const report = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports',
      payload: buildReportInput({ location: INSIDE }),
    });
    expect((await reportOf(t, report.json().id)).report.zone?.id).toBe(id);

    expect(
      (await asAdmin('PATCH', `/api/admin/zones/${id}`, { name: 'Echo Park / Elysian' })).statusCode,
    ).toBe(204);
    expect(await zoneNames()).toContain('Echo Park / Elysian');

    expect((await asAdmin('POST', `/api/admin/zones/${id}/retire`)).statusCode).toBe(204);
    expect(await zoneNames()).not.toContain('Echo Park / Elysian');
    const later = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports',
      payload: buildReportInput({ location: INSIDE }),
    });
    expect((await reportOf(t, later.json().id)).report.zone).toBeNull();
    // The first report keeps its zone.
    expect((await reportOf(t, report.json().id)).report.zone?.id).toBe(id);
  });

  it('explains what is wrong with a polygon it cannot use', async () => {
    // The message for API clients, and the reason the web app words in its reader's language.
    const cases: [unknown, string, ErrorReason][] = [
      [{ type: 'Point', coordinates: [0, 0] }, 'not a GeoJSON Polygon', 'zone_not_polygon'],
      [{ type: 'MultiPolygon', coordinates: [] }, 'one polygon per zone', 'zone_one_polygon'],
      [
        { type: 'FeatureCollection', features: [ECHO_PARK, ECHO_PARK] },
        'one polygon per zone',
        'zone_one_polygon',
      ],
      [
        {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 1],
            ],
          ],
        },
        'at least three corners',
        'zone_corners',
      ],
      [
        {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [500, 1],
              [1, 1],
              [0, 0],
            ],
          ],
        },
        'not [longitude, latitude]',
        'zone_ring',
      ],
      [
        {
          type: 'Polygon',
          coordinates: [
            [
              [-118.26, 34.07],
              [-118.2599, 34.07],
              [-118.2599, 34.0701],
              [-118.26, 34.07],
            ],
          ],
        },
        'too small',
        'zone_too_small',
      ],
    ];
    for (const [geojson, message, reason] of cases) {
      const response = await asAdmin('POST', '/api/admin/zones', {
        name: 'Broken',
        geojson: geojson as object,
      });
      expect(response.statusCode, JSON.stringify(geojson)).toBe(400);
      expect(response.json().error.message).toContain(message);
      expect(response.json().error.details).toMatchObject({ fields: [{ field: 'geojson' }], reason });
    }
    expect(await zoneNames()).not.toContain('Broken');
  });

  it('issue 12 item 14: refuses a zone name with a control character or a lone surrogate, and keeps the old name', async () => {
    const created = await asAdmin('POST', '/api/admin/zones', {
      name: 'Silver Lake',
      geojson: { ...ECHO_PARK, geometry: { ...ECHO_PARK.geometry } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json() as { id: string };
    for (const name of ['Silver\u0007Lake', 'Silver Lake \ud800', 'Bell\u0000']) {
      const renamed = await asAdmin('PATCH', `/api/admin/zones/${id}`, { name });
      expect(renamed.statusCode, JSON.stringify(name)).toBe(400);
      expect(renamed.json().error.code).toBe('VALIDATION');
      expect(renamed.json().error.message).toMatch(/control character|broken character/);
      const added = await asAdmin('POST', '/api/admin/zones', { name, geojson: ECHO_PARK });
      expect(added.statusCode, JSON.stringify(name)).toBe(400);
    }
    expect(await zoneNames()).toContain('Silver Lake');
  });
});
