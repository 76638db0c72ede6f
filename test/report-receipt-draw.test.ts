import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';

/**
 * A receipt code drawn twice — one in a trillion per report, but a surge draws many — costs the
 * report nothing: it draws again, alone, and the reports stored with it in the same statement
 * are stored as if nothing happened.
 */
const draws = vi.hoisted(() => ({ next: [] as string[] }));
vi.mock('../src/server/modules/reports/receipt.js', async (original) => {
  const actual = await original<typeof import('../src/server/modules/reports/receipt.js')>();
  return { newReceipt: () => draws.next.shift() ?? actual.newReceipt() };
});

let t: TestFaro;
let responder: StaffSession;
beforeAll(async () => {
  t = await startTestFaro();
  responder = await staffSession(t.faro.database, 'responder');
});
afterAll(async () => t?.stop());

const file = () =>
  t.faro.app.inject({
    method: 'POST',
    url: '/api/intake/field',
    headers: responder.headers,
    payload: buildReportInput(),
  });

describe('a receipt code drawn twice', () => {
  it('draws again for that report only, in a batch of reports sent at once', async () => {
    draws.next.push('K7M4-QP2X');
    const first = await file();
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ receipt: 'K7M4-QP2X' });
    // Three at once, gathered into one statement: one of them draws the code already given.
    draws.next.push('A2B3-C4D5', 'K7M4-QP2X', 'E6F7-G8H9');
    const responses = await Promise.all([file(), file(), file()]);
    for (const response of responses) expect(response.statusCode, response.body).toBe(201);
    const receipts = responses.map((r) => (r.json() as { receipt: string }).receipt);
    // The requests reach intake in an order of their own: whichever drew the code already given drew again.
    expect(receipts).toContain('A2B3-C4D5');
    expect(receipts).toContain('E6F7-G8H9');
    expect(receipts).not.toContain('K7M4-QP2X');
    expect(new Set(receipts).size).toBe(3);
    const { rows } = await t.faro.database.pool.query<{ n: number }>(
      'select count(*)::int as n from reports where id = any($1::uuid[])',
      [[first, ...responses].map((r) => (r.json() as { id: string }).id)],
    );
    expect(rows[0]?.n).toBe(4);
  });
});
