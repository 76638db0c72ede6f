import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSendKey } from '../src/shared/report.js';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { storedReports } from './support/state.js';

/**
 * Staff channels — a hotline operator taking a call, a responder filing from
 * the field — and what must never be kept: the caller's number in the clear,
 * or anyone's network address.
 */
let t: TestFaro;
let operator: StaffSession;
let responder: StaffSession;
let dispatcher: StaffSession;
const logLines: string[] = [];
const CALLER = '+1 (323) 555-0147';
const CALLER_DIGITS = '3235550147';
const CLIENT_ADDRESS = '198.51.100.203';

beforeAll(async () => {
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  t = await startTestFaro({ logStream, env: { LOG_LEVEL: 'debug' } });
  operator = await staffSession(t.faro.database, 'operator');
  responder = await staffSession(t.faro.database, 'responder');
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
});
afterAll(async () => t?.stop());

const as = (session: StaffSession, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  t.faro.app.inject({
    method,
    url,
    headers: session.headers,
    remoteAddress: CLIENT_ADDRESS,
    ...(payload ? { payload } : {}),
  });

const reportCount = () => storedReports(t);

describe('hotline intake', () => {
  it('stores a call with its callback number sealed, shown only to roles allowed to call back', async () => {
    const response = await as(operator, 'POST', '/api/intake/hotline', {
      ...buildReportInput({ activity: 'arrest' }),
      callback: CALLER,
    });
    expect(response.statusCode, response.body).toBe(201);
    // The answer the operator reads the receipt from; grouping into an incident comes after.
    expect(response.json()).toEqual({
      id: expect.any(String),
      receipt: expect.stringMatching(/^\w{4}-\w{4}$/),
    });
    const { id } = response.json() as { id: string };
    const [row] = (
      await t.faro.database.pool.query<{ channel: string; callback: string }>(
        'select channel, callback from reports where id = $1',
        [id],
      )
    ).rows;
    expect(row?.channel).toBe('hotline');
    expect(row?.callback).toMatch(/^v2\.[0-9a-f]{8}\./);
    expect(row?.callback).not.toContain(CALLER_DIGITS);

    const seen = (await as(dispatcher, 'GET', `/api/reports/${id}`)).json() as { callback: string | null };
    expect(seen.callback).toBe(`+${1}${CALLER_DIGITS}`);
    // The operator takes calls but does not read the board.
    expect((await as(operator, 'GET', `/api/reports/${id}`)).statusCode).toBe(403);
  });

  it('keeps a callback number as every number is kept (E.164), and asks for the area code', async () => {
    const local = await as(operator, 'POST', '/api/intake/hotline', {
      ...buildReportInput(),
      callback: '(323) 555-0147',
    });
    expect(local.statusCode, local.body).toBe(201);
    const { id } = local.json() as { id: string };
    const seen = (await as(dispatcher, 'GET', `/api/reports/${id}`)).json() as { callback: string | null };
    expect(seen.callback).toBe(`+1${CALLER_DIGITS}`);

    const before = await reportCount();
    const noAreaCode = await as(operator, 'POST', '/api/intake/hotline', {
      ...buildReportInput(),
      callback: '555-0147',
    });
    expect(noAreaCode.statusCode).toBe(400);
    expect(noAreaCode.json().error.details.fields[0].field).toBe('callback');
    expect(await reportCount()).toBe(before);
  });

  it('refuses a callback that is not a phone number, and keeps nothing', async () => {
    const response = await as(operator, 'POST', '/api/intake/hotline', {
      ...buildReportInput(),
      callback: 'call my cousin',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.fields[0].field).toBe('callback');
  });

  it('deletes callback numbers after 72 hours and keeps the rest of the report', async () => {
    const made = await as(operator, 'POST', '/api/intake/hotline', {
      ...buildReportInput(),
      callback: CALLER,
    });
    const { id } = made.json() as { id: string };
    await t.faro.database.pool.query(
      `update reports set received_at = now() - interval '73 hours' where id = $1`,
      [id],
    );
    const job = t.faro.jobDefinitions.retention;
    await t.faro.jobs.send(job, {});
    await t.faro.jobs.drain(job);
    const [row] = (
      await t.faro.database.pool.query<{ callback: string | null; restricted: string | null }>(
        'select callback, restricted from reports where id = $1',
        [id],
      )
    ).rows;
    expect(row?.callback).toBeNull();
    expect(row?.restricted).not.toBeNull();
    expect(
      ((await as(dispatcher, 'GET', `/api/reports/${id}`)).json() as { callback: null }).callback,
    ).toBeNull();
  });
});

describe('field reports', () => {
  it('takes a responder’s report from the field into the same incidents', async () => {
    const response = await as(responder, 'POST', '/api/intake/field', buildReportInput({ activity: 'raid' }));
    expect(response.statusCode, response.body).toBe(201);
    const { id } = response.json() as { id: string };
    await t.faro.grouper?.settle();
    const { report } = (await as(dispatcher, 'GET', `/api/reports/${id}`)).json() as {
      report: { channel: string; incidentId: string };
    };
    expect(report.channel).toBe('field');
    expect(report.incidentId).toBeTruthy();
    expect((await as(operator, 'POST', '/api/intake/field', buildReportInput())).statusCode).toBe(403);
  });
});

describe('a call or a field report sent again', () => {
  // A 503 at the request's deadline may come while its commit still lands, and a phone in a parking
  // lot loses answers: Send again (the form keeps the body and its key) must not store it twice.
  it.each([
    ['hotline', () => operator],
    ['field', () => responder],
  ] as const)(
    'over the %s: one report for one send key, the first one’s receipt answered',
    async (channel, who) => {
      const before = await reportCount();
      const body = { ...buildReportInput({ activity: 'checkpoint' }), sendKey: newSendKey() };
      const first = await as(who(), 'POST', `/api/intake/${channel}`, body);
      expect(first.statusCode, first.body).toBe(201);
      const again = await as(who(), 'POST', `/api/intake/${channel}`, body);
      expect(again.statusCode, again.body).toBe(201);
      // Said to be the same report, so the form can say so (a different call in the same words is stored on request).
      expect(again.json()).toEqual({ ...first.json(), duplicate: true });
      expect(first.json().duplicate).toBeUndefined();
      expect(await reportCount()).toBe(before + 1);
      // Another key is another report.
      const other = await as(who(), 'POST', `/api/intake/${channel}`, { ...body, sendKey: newSendKey() });
      expect(other.json().id).not.toBe(first.json().id);
      expect(await reportCount()).toBe(before + 2);
    },
  );

  it('never finds another channel’s report by its key: an operator who learns a public form’s key gets no receipt of it', async () => {
    const sendKey = newSendKey();
    const web = await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports',
      payload: { ...buildReportInput(), sendKey },
    });
    expect(web.statusCode, web.body).toBe(201);
    const hotline = await as(operator, 'POST', '/api/intake/hotline', { ...buildReportInput(), sendKey });
    expect(hotline.statusCode, hotline.body).toBe(201);
    expect(hotline.json().duplicate).toBeUndefined();
    expect(hotline.json().id).not.toBe(web.json().id);
    expect(hotline.json().receipt).not.toBe(web.json().receipt);
  });

  it('refuses a send key of the wrong shape, and stores nothing', async () => {
    const before = await reportCount();
    const response = await as(operator, 'POST', '/api/intake/hotline', {
      ...buildReportInput(),
      sendKey: 'short',
    });
    expect(response.statusCode).toBe(400);
    expect(await reportCount()).toBe(before);
  });
});

describe('what is never kept', () => {
  it('no raw client address and no plaintext callback number anywhere in the database or the logs', async () => {
    // Traffic from a distinctive address on every channel, including refusals.
    await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports',
      remoteAddress: CLIENT_ADDRESS,
      payload: buildReportInput(),
    });
    await t.faro.app.inject({
      method: 'POST',
      url: '/api/reports/receipt',
      payload: { code: 'ZZZZ-ZZZZ' },
      remoteAddress: CLIENT_ADDRESS,
    });
    await as(operator, 'POST', '/api/intake/hotline', { ...buildReportInput(), callback: CALLER });
    await as(operator, 'POST', '/api/intake/hotline', { ...buildReportInput(), callback: 'nonsense' });

    const tables = (
      await t.faro.database.pool.query<{ schema: string; name: string }>(
        `select table_schema as schema, table_name as name from information_schema.tables
         where table_schema in ('public', 'pgboss') and table_type = 'BASE TABLE'`,
      )
    ).rows;
    expect(tables.length).toBeGreaterThan(15);
    const leaks: string[] = [];
    for (const { schema, name } of tables) {
      const rows = await t.faro.database.pool.query(`select * from "${schema}"."${name}"`);
      const text = JSON.stringify(rows.rows);
      if (text.includes(CLIENT_ADDRESS)) leaks.push(`${schema}.${name}: client address`);
      if (text.replace(/\D/g, '').includes(CALLER_DIGITS)) leaks.push(`${schema}.${name}: callback number`);
    }
    expect(leaks).toEqual([]);

    const logs = logLines.join('');
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).not.toContain(CLIENT_ADDRESS);
    expect(logs.replace(/\D/g, '')).not.toContain(CALLER_DIGITS);
  });
});

describe('retention policy page', () => {
  it('shows admins what is deleted when and how much restricted data is held now', async () => {
    const admin = await staffSession(t.faro.database, 'coalition_admin');
    await as(operator, 'POST', '/api/intake/hotline', { ...buildReportInput(), callback: CALLER });
    const response = await t.faro.app.inject({ url: '/api/admin/retention', headers: admin.headers });
    expect(response.statusCode, response.body).toBe(200);
    const view = response.json();
    expect(view.policy).toEqual({
      restrictedDays: 30,
      callbackHours: 72,
      unclaimedPhotoMinutes: 60,
      schedule: '17 * * * *',
    });
    expect(view.held.callbackNumbers).toBeGreaterThan(0);
    expect(view.held.reportsWithRestrictedFields).toBeGreaterThan(0);
    expect((await as(dispatcher, 'GET', '/api/admin/retention')).statusCode).toBe(403);
  });
});
