import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';

/**
 * Who the client is, behind a reverse proxy: X-Forwarded-For is believed only
 * from the configured proxies, so a client cannot pose as many addresses and
 * escape the per-address limits; an IPv6 client is its /64.
 */
const LIMIT = 5;
const limits = { REPORT_RATE_LIMIT_PER_MINUTE: String(LIMIT) };
const PROXY = '10.9.9.9';

let oneHop: TestFaro;
let listed: TestFaro;
beforeAll(async () => {
  [oneHop, listed] = await Promise.all([
    startTestFaro({ env: { ...limits, TRUST_PROXY: '1' } }),
    startTestFaro({ env: { ...limits, TRUST_PROXY: '10.0.0.0/8' } }),
  ]);
});
afterAll(async () => Promise.all([oneHop?.stop(), listed?.stop()]));

let rotation = 0;
/** A made-up address, different every time: what an abuser puts in X-Forwarded-For. */
const spoofed = () => `198.18.${Math.floor(++rotation / 250) % 250}.${rotation % 250}`;

const report = (t: TestFaro, remoteAddress: string, forwardedFor?: string) =>
  t.faro.app.inject({
    method: 'POST',
    url: '/api/reports',
    remoteAddress,
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    payload: buildReportInput(),
  });

async function statuses(count: number, send: () => Promise<{ statusCode: number }>): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await send()).statusCode);
  return seen;
}

const accepted = (seen: number[]) => seen.filter((status) => status === 201).length;

describe('TRUST_PROXY=1 (one proxy in front of Faro)', () => {
  it('issue 12 item 3: rotating X-Forwarded-For cannot escape the report limit', async () => {
    // The proxy appends the address it saw; whatever the client wrote before it is not believed.
    const seen = await statuses(LIMIT + 5, () => report(oneHop, PROXY, `${spoofed()}, 203.0.113.5`));
    expect(accepted(seen)).toBe(LIMIT);
    expect(seen.slice(LIMIT).every((status) => status === 429)).toBe(true);
    // Another client behind the same proxy is not held back.
    expect((await report(oneHop, PROXY, '203.0.113.6')).statusCode).toBe(201);
  });

  it('issue 12 item 3: rotating X-Forwarded-For cannot escape the sign-in back-off', async () => {
    const seen = await statuses(30, () =>
      oneHop.faro.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        remoteAddress: PROXY,
        headers: { 'x-forwarded-for': `${spoofed()}, 203.0.113.50` },
        payload: { email: `nobody-${++rotation}@example.org`, password: 'wrong password' },
      }),
    );
    expect(seen).toContain(429);
  });
});

describe('TRUST_PROXY=10.0.0.0/8 (the proxies’ network)', () => {
  it('issue 12 item 3: believes the listed proxies: each client behind them has its own limit', async () => {
    const first = await statuses(LIMIT + 2, () => report(listed, '10.1.2.3', '198.51.100.1'));
    expect(accepted(first)).toBe(LIMIT);
    // Same proxy, another client: not the one who spent the limit.
    expect((await report(listed, '10.1.2.3', '198.51.100.2')).statusCode).toBe(201);
    // Another proxy of the network reports the first client again: still limited.
    expect((await report(listed, '10.200.0.1', '198.51.100.1')).statusCode).toBe(429);
  });

  it('issue 12 item 3: does not believe anyone else’s X-Forwarded-For', async () => {
    const seen = await statuses(LIMIT + 3, () => report(listed, '203.0.113.9', spoofed()));
    expect(accepted(seen)).toBe(LIMIT);
  });

  it('issue 12 item 3: counts two IPv6 addresses in one /64 as one client', async () => {
    let host = 0;
    const seen = await statuses(LIMIT + 3, () => report(listed, `2001:db8:1:2::${(++host).toString(16)}`));
    expect(accepted(seen)).toBe(LIMIT);
    // The next /64 is another household.
    expect((await report(listed, '2001:db8:1:3::1')).statusCode).toBe(201);
  });
});
