import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendKeyRef } from '../src/server/modules/reports/reports.service.js';
import { newSendKey, SEND_KEY } from '../src/shared/report.js';
import { BOYLE_HEIGHTS, buildReportInput, OUTSIDE_ZONES } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { storedReports } from './support/state.js';

let t: TestFaro;
let zones: { id: string; slug: string; name: string }[];
let dispatcher: StaffSession;

beforeAll(async () => {
  t = await startTestFaro();
  zones = (await t.faro.app.inject({ url: '/api/zones' })).json().zones;
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
});

/** The dispatch board's reads, as a signed-in dispatcher. */
const board = (url: string) => t.faro.app.inject({ url, headers: dispatcher.headers });
afterAll(async () => t?.stop());

const post = (payload: unknown, headers: Record<string, string> = {}) =>
  t.faro.app.inject({
    method: 'POST',
    url: '/api/reports',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

const countReports = () => storedReports(t);

describe('a report sent again with its send key (its answer lost on the way)', () => {
  it('is stored once: every sending answers the first one, receipt and all', async () => {
    const before = await countReports();
    const input = buildReportInput({ sendKey: newSendKey() });
    const first = await post(input);
    expect(first.statusCode, first.body).toBe(201);
    for (let i = 0; i < 2; i++) {
      const again = await post(input);
      expect(again.statusCode, again.body).toBe(201);
      expect(again.json()).toEqual(first.json());
    }
    expect(await countReports()).toBe(before + 1);
    // Another report (another key, or none) is another report.
    expect((await post(buildReportInput({ sendKey: newSendKey() }))).json().id).not.toBe(first.json().id);
    expect((await post(buildReportInput())).json().id).not.toBe(first.json().id);
    expect(await countReports()).toBe(before + 3);
  });

  it('keeps only a digest of the key, bound to the coalition: a key means nothing elsewhere', async () => {
    const sendKey = newSendKey();
    const { id } = (await post(buildReportInput({ sendKey }))).json();
    const { rows } = await t.faro.database.pool.query<{ source_ref: string; coalition_id: string }>(
      'select source_ref, coalition_id from reports where id = $1',
      [id],
    );
    const row = rows[0];
    expect(row?.source_ref).toBe(sendKeyRef(row?.coalition_id ?? '', sendKey));
    expect(row?.source_ref).not.toContain(sendKey);
    expect(sendKeyRef('00000000-0000-4000-8000-000000000000', sendKey)).not.toBe(row?.source_ref);
  });

  it('sent again when it would now be refused (a week on, from the outbox), answers the first', async () => {
    // Review: refused (400), the phone forgot the report and never showed its receipt.
    const input = buildReportInput({ sendKey: newSendKey() });
    const first = (await post(input)).json();
    const weekOn = new Date(Date.now() - 8 * 86_400_000).toISOString();
    const again = await post({ ...input, observedAt: weekOn });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toEqual(first);
    // Without a stored first one it is refused as ever.
    expect((await post({ ...input, observedAt: weekOn, sendKey: newSendKey() })).statusCode).toBe(400);
  });

  it('refuses a key anyone could guess, and stores nothing', async () => {
    const before = await countReports();
    for (const sendKey of [
      '1',
      'aaaa',
      'report-1',
      `${'a'.repeat(21)}`,
      'x'.repeat(65),
      'has spaces in it 1234567890',
    ]) {
      const response = await post(buildReportInput({ sendKey }));
      expect(response.statusCode, sendKey).toBe(400);
      expect(response.json().error.details.fields).toEqual([expect.objectContaining({ field: 'sendKey' })]);
    }
    expect(await countReports()).toBe(before);
    expect(newSendKey()).toMatch(SEND_KEY);
    expect(newSendKey()).not.toBe(newSendKey());
  });
});

describe('POST /api/reports', () => {
  it('stores a report with a zone and answers 201 with an id and a readable receipt', async () => {
    const zone = zones.find((z) => z.slug === 'koreatown');
    const before = await countReports();
    const response = await post(buildReportInput({ location: { zoneId: zone?.id } }));
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.receipt).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(await countReports()).toBe(before + 1);

    const status = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports/receipt',
      payload: { code: body.receipt },
    });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ receipt: body.receipt, status: 'received' });
  });

  it('places a shared position in its zone and keeps only a coarse cell on the board', async () => {
    const response = await post(buildReportInput({ location: BOYLE_HEIGHTS }));
    expect(response.statusCode).toBe(201);
    const detail = (await board(`/api/reports/${response.json().id}`)).json();
    expect(detail.report.zone.name).toBe('Boyle Heights');
    expect(detail.report.h3Cell).toMatch(/^88[0-9a-f]+$/); // resolution 8, ~1 km across
    expect(detail.report.hasExactLocation).toBe(true);
    expect(JSON.stringify(detail.report)).not.toContain(String(BOYLE_HEIGHTS.lat));
    expect(detail.exactLocation).toEqual(BOYLE_HEIGHTS);
  });

  it('stores the exact position, cross streets, free text and markings only sealed', async () => {
    const input = buildReportInput({
      description: 'vans parked behind the clinic 7c1e',
      markings: 'jacket says HSI 7c1e',
      location: { lat: 34.04719, lng: -118.21951, place: 'Cesar Chavez and Soto 7c1e' },
    });
    const { id } = (await post(input)).json();
    const { rows } = await t.faro.database.pool.query(
      'select row_to_json(r)::text as row from reports r where id = $1',
      [id],
    );
    for (const plain of ['7c1e', '34.04719', '-118.21951', 'Cesar Chavez'])
      expect(rows[0].row).not.toContain(plain);
    // A dispatcher still reads them.
    const detail = (await board(`/api/reports/${id}`)).json();
    expect(detail.exactLocation).toEqual({ lat: 34.04719, lng: -118.21951 });
    expect(detail.report).toMatchObject({
      place: 'Cesar Chavez and Soto 7c1e',
      description: 'vans parked behind the clinic 7c1e',
      markings: 'jacket says HSI 7c1e',
    });
  });

  it('issue 12 item 14: seals markings stored in the clear before they were sealed, once', async () => {
    const { id } = (await post(buildReportInput({ description: 'by the bakery' }))).json();
    await t.faro.database.pool.query(`update reports set markings = 'vest 51f0' where id = $1`, [id]);
    expect(await t.faro.services.reports.sealPlainMarkings()).toBeGreaterThanOrEqual(1);
    const { rows } = await t.faro.database.pool.query(
      'select row_to_json(r)::text as row from reports r where id = $1',
      [id],
    );
    expect(rows[0].row).not.toContain('51f0');
    const detail = (await board(`/api/reports/${id}`)).json();
    expect(detail.report).toMatchObject({ markings: 'vest 51f0', description: 'by the bakery' });
    expect(await t.faro.services.reports.sealPlainMarkings()).toBe(0);
  });

  it('accepts a position outside every zone rather than losing the report', async () => {
    const response = await post(buildReportInput({ location: OUTSIDE_ZONES }));
    expect(response.statusCode).toBe(201);
    expect((await board(`/api/reports/${response.json().id}`)).json().report.zone).toBeNull();
  });

  const bad: [string, () => ReturnType<typeof post>, number, RegExp][] = [
    ['missing location', () => post({ ...buildReportInput(), location: {} }), 400, /location\.zoneId/],
    ['no location key at all', () => post({ ...buildReportInput(), location: undefined }), 400, /location/],
    [
      'latitude without longitude',
      () => post(buildReportInput({ location: { lat: 34.05 } })),
      400,
      /location\.lat/,
    ],
    [
      'wrong types',
      () => post({ ...buildReportInput(), size: { agents: 'many' }, firsthand: 'yes' }),
      400,
      /size\.agents.*firsthand|firsthand.*size\.agents/s,
    ],
    ['an unknown activity', () => post({ ...buildReportInput(), activity: 'shooting' }), 400, /activity/],
    [
      'an unknown zone',
      () => post(buildReportInput({ location: { zoneId: '00000000-0000-4000-8000-000000000000' } })),
      400,
      /location\.zoneId/,
    ],
    [
      'a time in the future',
      () => post(buildReportInput({ observedAt: new Date(Date.now() + 3_600_000).toISOString() })),
      400,
      /observedAt/,
    ],
    [
      'a time that is not a time',
      () => post(buildReportInput({ observedAt: 'yesterday' })),
      400,
      /observedAt/,
    ],
    [
      'a description over the limit',
      () => post(buildReportInput({ description: 'x'.repeat(5_000) })),
      400,
      /description/,
    ],
    [
      'a 1 MB description',
      () => post(buildReportInput({ description: 'x'.repeat(1_000_000) })),
      413,
      /65536/,
    ],
    ['a 10 MB body', () => post(`{"description":"${'y'.repeat(10 * 1024 * 1024)}"}`), 413, /65536/],
    ['malformed JSON', () => post('{"language": "en", '), 400, /not valid JSON/],
    ['an empty body', () => post(''), 400, /empty/],
    [
      'a form-encoded body',
      () => post('language=en', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      /application\/json/,
    ],
    ['a JSON array', () => post([buildReportInput()]), 400, /body|expected object/i],
  ];

  it.each(bad)('rejects %s with a clear 4xx and stores nothing', async (_name, send, status, mentions) => {
    const before = await countReports();
    const response = await send();
    expect(response.statusCode).toBe(status);
    const body = response.json();
    expect(body.error.code).toMatch(/^[A-Z_]+$/);
    expect(`${body.error.message} ${JSON.stringify(body.error.details ?? {})}`).toMatch(mentions);
    expect(await countReports()).toBe(before);
  });

  it('names every problem at once, field by field', async () => {
    const response = await post({ language: 'xx', activity: 'arrest', location: {}, observedAt: 'nope' });
    const fields = response.json().error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['language', 'location.zoneId', 'observedAt']));
  });
});

describe('POST /api/reports/receipt', () => {
  it('forgives case, spaces and a missing dash', async () => {
    const { receipt } = (await post(buildReportInput())).json();
    const typed = receipt.replace('-', ' ').toLowerCase();
    const response = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports/receipt',
      payload: { code: typed },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().receipt).toBe(receipt);
  });

  it('rounds public times to five minutes', async () => {
    const { receipt } = (await post(buildReportInput())).json();
    const { receivedAt } = (
      await t.faro.app.inject({ method: 'POST', url: '/api/reports/receipt', payload: { code: receipt } })
    ).json();
    expect(new Date(receivedAt).getTime() % 300_000).toBe(0);
  });

  it('says clearly when a code is malformed or unknown', async () => {
    const malformed = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports/receipt',
      payload: { code: 'abc' },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.message).toMatch(/8 letters/);
    const unknown = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports/receipt',
      payload: { code: 'ZZZZ-ZZZZ' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
  });
});

describe('GET /api/zones/geometry', () => {
  it('gives every zone’s outline as GeoJSON for a map that needs no tile server', async () => {
    const response = await t.faro.app.inject({ url: '/api/zones/geometry' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.type).toBe('FeatureCollection');
    expect(body.features).toHaveLength(zones.length);
    const boyle = body.features.find(
      (f: { properties: { name: string } }) => f.properties.name === 'Boyle Heights',
    );
    expect(boyle.geometry.type).toBe('Polygon');
    expect(boyle.geometry.coordinates[0].length).toBeGreaterThan(3);
  });
});
