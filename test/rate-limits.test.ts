import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { storedReports } from './support/state.js';

let t: TestFaro;
beforeAll(async () => {
  t = await startTestFaro({
    env: {
      REPORT_RATE_LIMIT_PER_MINUTE: '20',
      LOOKUP_RATE_LIMIT_PER_MINUTE: '30',
      ALERT_READS_PER_MINUTE: '25',
    },
  });
});
afterAll(async () => t?.stop());

/**
 * Fires requests without waiting for answers, one event-loop turn apart, as
 * requests arriving on a socket are. (Started in the very same turn, the
 * plugin's in-memory store hands every request the same counter object, and
 * all of them read the final count: over-throttling, never under.)
 */
async function burst<T>(count: number, send: () => Promise<T>): Promise<T[]> {
  const pending: Promise<T>[] = [];
  for (let i = 0; i < count; i++) {
    pending.push(send());
    await new Promise((resolve) => setImmediate(resolve));
  }
  return Promise.all(pending);
}

const postFrom = (address: string) =>
  t.faro.app.inject({
    method: 'POST',
    url: '/api/reports',
    remoteAddress: address,
    payload: buildReportInput(),
  });

describe('public rate limits', () => {
  it('throttle a flood from one address while other addresses still get through', async () => {
    const flood = await burst(100, () => postFrom('203.0.113.5'));
    const accepted = flood.filter((r) => r.statusCode === 201).length;
    const throttled = flood.filter((r) => r.statusCode === 429);
    expect(accepted).toBe(20);
    expect(throttled).toHaveLength(80);
    expect(throttled[0]?.json().error).toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: expect.any(Number) },
    });
    expect(throttled[0]?.headers['retry-after']).toBeDefined();

    // Another reporter, on another connection, is not held back by the flood.
    expect((await postFrom('198.51.100.9')).statusCode).toBe(201);
    // Nothing throttled was stored.
    expect(await storedReports(t)).toBe(21);
  });

  it('requests arriving at once from one address are each counted: exactly the limit gets through', async () => {
    // Started in one turn, they are counted together (one batch, one statement): each must still
    // get its own count, or the limit would let a whole batch through, or refuse all of it.
    const surge = await Promise.all(Array.from({ length: 21 }, () => postFrom('203.0.113.6')));
    expect(surge.filter((r) => r.statusCode === 201)).toHaveLength(20);
    expect(surge.filter((r) => r.statusCode === 429)).toHaveLength(1);
  });

  it('limit receipt lookups too, so codes cannot be guessed at speed', async () => {
    const lookups = await burst(40, () =>
      t.faro.app.inject({
        method: 'POST',
        url: '/api/reports/receipt',
        payload: { code: 'ZZZZ-ZZZZ' },
        remoteAddress: '192.0.2.44',
      }),
    );
    expect(lookups.filter((r) => r.statusCode === 404)).toHaveLength(30);
    expect(lookups.filter((r) => r.statusCode === 429)).toHaveLength(10);
  });

  it('issue 12 item 9: limit public alert reads (list, feed, CAP) per address', async () => {
    const capUrl = `/api/alerts/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/cap.xml`;
    for (const url of ['/api/alerts', '/api/alerts/feed.atom', capUrl]) {
      const reads = await burst(35, () => t.faro.app.inject({ url, remoteAddress: '192.0.2.90' }));
      expect(
        reads.filter((r) => r.statusCode !== 429),
        url,
      ).toHaveLength(25);
      const throttled = reads.filter((r) => r.statusCode === 429);
      expect(throttled, url).toHaveLength(10);
      expect(throttled[0]?.json().error.code).toBe('RATE_LIMITED');
      // A neighbour on another connection still reads.
      expect((await t.faro.app.inject({ url, remoteAddress: '198.51.100.90' })).statusCode, url).not.toBe(
        429,
      );
    }
  });

  it('issue 16: limit calendar fetches per address, so secret addresses cannot be guessed at speed', async () => {
    const url = `/api/calendar/${'A'.repeat(43)}.ics`;
    const guesses = await burst(40, () => t.faro.app.inject({ url, remoteAddress: '192.0.2.16' }));
    expect(guesses.filter((r) => r.statusCode === 404)).toHaveLength(30);
    expect(guesses.filter((r) => r.statusCode === 429)).toHaveLength(10);
  });

  it('never store or log the address', async () => {
    await postFrom('203.0.113.77');
    const { rows } = await t.faro.database.pool.query(
      `select count(*)::int as n from reports r where row_to_json(r)::text like '%203.0.113.77%'`,
    );
    expect(rows[0].n).toBe(0);
  });
});
