import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertReportsAnnounced } from '../src/server/modules/reports/reports.repo.js';
import { normalizeReceipt } from '../src/shared/receipt.js';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';

/**
 * Reports that come in together are stored together (group commit, issue 19): one statement for
 * many rows in a surge. What must not change: each sender gets back its own report, every report
 * is announced, a message already stored is not stored twice, and a row the database refuses takes
 * nothing else down with it.
 */
let t: TestFaro;
let responder: StaffSession;
let coalitionId: string;
beforeAll(async () => {
  t = await startTestFaro();
  responder = await staffSession(t.faro.database, 'responder');
  coalitionId = (await t.faro.services.coalitions.current()).id;
});
afterAll(async () => t?.stop());

const row = (overrides: { sourceRef?: string; receipt?: string } = {}) => ({
  id: randomUUID(),
  coalitionId,
  receipt: overrides.receipt ?? randomUUID().slice(0, 8).toUpperCase(),
  channel: 'sms' as const,
  language: 'es' as const,
  activity: 'checkpoint' as const,
  agents: null,
  vehicles: null,
  uniforms: [],
  equipment: [],
  firsthand: true,
  zoneId: null,
  h3Cell: '8829a1d75bfffff',
  fineCell: '8929a1d75bfffff',
  hasExactLocation: false,
  hasPlace: false,
  sourceRef: overrides.sourceRef ?? `SM${randomUUID().replaceAll('-', '')}`,
  senderDigest: null,
  callback: null,
  restricted: 'sealed',
  observedAt: new Date(),
});

const announced = async (ids: readonly string[]) => {
  const { rows } = await t.faro.database.pool.query<{ subject_id: string; coalition_id: string }>(
    `select subject_id, coalition_id from domain_events
     where type = 'report.created' and subject_id = any($1::uuid[])`,
    [ids],
  );
  return rows;
};

const stored = async (ids: readonly string[]) => {
  const { rows } = await t.faro.database.pool.query<{ id: string; receipt: string }>(
    'select id, receipt from reports where id = any($1::uuid[])',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.receipt]));
};

describe('reports stored together', () => {
  it('one statement stores several rows, skips the message already stored, and announces each stored row', async () => {
    const seen = row();
    expect(await insertReportsAnnounced(t.faro.database.db, [seen])).toEqual([true]);
    const batch = [row(), row({ sourceRef: seen.sourceRef }), row()];
    expect(await insertReportsAnnounced(t.faro.database.db, batch)).toEqual([true, false, true]);
    const ids = batch.map((r) => r.id);
    expect([...(await stored(ids)).keys()].sort()).toEqual([ids[0], ids[2]].sort());
    const events = await announced(ids);
    expect(events.map((e) => e.subject_id).sort()).toEqual([ids[0], ids[2]].sort());
    expect(events.every((e) => e.coalition_id === coalitionId)).toBe(true);
  });

  it('rows giving different columns are stored together, each column a row leaves out taking its default', async () => {
    const { senderDigest: _left, ...without } = row();
    const batch = [row(), without, row()];
    expect(await insertReportsAnnounced(t.faro.database.db, batch)).toEqual([true, true, true]);
    const ids = batch.map((r) => r.id);
    expect((await stored(ids)).size).toBe(3);
    expect((await announced(ids)).length).toBe(3);
  });

  it('a row the database refuses (a receipt drawn twice) fails its whole statement: nothing of it is stored', async () => {
    const first = row();
    await insertReportsAnnounced(t.faro.database.db, [first]);
    await expect(
      insertReportsAnnounced(t.faro.database.db, [row({ receipt: first.receipt })]),
    ).rejects.toMatchObject({ code: '23505' });
    const batch = [row(), row({ receipt: first.receipt }), row()];
    await expect(insertReportsAnnounced(t.faro.database.db, batch)).rejects.toMatchObject({ code: '23505' });
    expect((await stored(batch.map((r) => r.id))).size).toBe(0);
  });

  it('reports sent at once are stored in fewer statements than reports, each sender getting its own', async () => {
    const pool = t.faro.database.pool;
    const query = pool.query.bind(pool);
    let inserts = 0;
    // Counts the report inserts that reach the pool (the statements, not the rows).
    pool.query = ((...args: Parameters<typeof query>) => {
      const config = args[0] as { text?: unknown } | string;
      const text = typeof config === 'string' ? config : String(config?.text ?? '');
      if (text.includes('insert into "reports"')) inserts += 1;
      return query(...args);
    }) as typeof pool.query;
    const sent = 24;
    let answers: { id: string; receipt: string }[];
    try {
      const responses = await Promise.all(
        Array.from({ length: sent }, (_, i) =>
          t.faro.app.inject({
            method: 'POST',
            url: '/api/intake/field',
            headers: responder.headers,
            payload: buildReportInput({ description: `report ${i}` }),
          }),
        ),
      );
      for (const response of responses) expect(response.statusCode, response.body).toBe(201);
      answers = responses.map((response) => response.json() as { id: string; receipt: string });
    } finally {
      pool.query = query;
    }
    expect(inserts).toBeGreaterThan(0);
    expect(inserts).toBeLessThan(sent);
    const ids = answers.map((a) => a.id);
    expect(new Set(ids).size).toBe(sent);
    const receipts = await stored(ids);
    // Each sender's receipt is the one stored with the report it was told about.
    for (const answer of answers) expect(receipts.get(answer.id)).toBe(normalizeReceipt(answer.receipt));
    expect((await announced(ids)).length).toBe(sent);
  });
});
