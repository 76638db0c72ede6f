import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../src/server/crypto/secret-box.js';
import { createProofOfWork } from '../src/server/http/proof-of-work.js';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { TEST_SECRET_KEY } from './support/keys.js';
import { solvePow } from './support/pow.js';
import { storedReports } from './support/state.js';

/** The public form's proof of work (ALTCHA v2): solved once, accepted once, and required. */
let t: TestFaro;
beforeAll(async () => {
  t = await startTestFaro({ env: { REPORT_PROOF_OF_WORK: 'true', REPORT_PROOF_OF_WORK_MAX: '2000' } });
});
afterAll(async () => t?.stop());

const challenge = async () => (await t.faro.app.inject({ url: '/api/reports/challenge' })).json();
const post = (headers: Record<string, string>) =>
  t.faro.app.inject({ method: 'POST', url: '/api/reports', headers, payload: buildReportInput() });
const count = () => storedReports(t);

describe('proof of work on the public form', () => {
  it('hands out a signed, expiring challenge that is never cached', async () => {
    const response = await t.faro.app.inject({ url: '/api/reports/challenge' });
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body.required).toBe(true);
    expect(body.challenge.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(body.challenge.parameters.expiresAt * 1000).toBeGreaterThan(Date.now());
  });

  it('refuses a report without a solved challenge, and stores nothing', async () => {
    const before = await count();
    const response = await post({});
    expect(response.statusCode).toBe(403);
    expect(response.json().error.details.proofOfWork).toBe('missing');
    expect((await post({ 'x-faro-pow': 'bm9uc2Vuc2U=' })).json().error.details.proofOfWork).toBe('invalid');
    expect(await count()).toBe(before);
  });

  it('takes a report with a solved challenge, once', async () => {
    const header = await solvePow(await challenge());
    expect((await post(header)).statusCode).toBe(201);
    const again = await post(header);
    expect(again.statusCode).toBe(403);
    expect(again.json().error.details.proofOfWork).toBe('reused');
  });

  it('refuses a forged solution or a challenge altered to be easier', async () => {
    const answer = await challenge();
    const header = await solvePow(answer);
    const payload = JSON.parse(Buffer.from(header['x-faro-pow'] ?? '', 'base64').toString());
    // A derived key made up rather than found by counting.
    const forged = { ...payload, solution: { ...payload.solution, derivedKey: '0'.repeat(64) } };
    const easier = {
      ...payload,
      challenge: { ...payload.challenge, parameters: { ...payload.challenge.parameters, keyPrefix: '0' } },
    };
    for (const bad of [forged, easier]) {
      const response = await post({ 'x-faro-pow': Buffer.from(JSON.stringify(bad)).toString('base64') });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.details.proofOfWork).toBe('invalid');
    }
  });

  it('refuses an expired challenge, so a solved one cannot be saved up for a flood', async () => {
    const box = await createSecretBox(Buffer.from(TEST_SECRET_KEY, 'base64'));
    const past = createProofOfWork(box, t.faro.database, {
      maxCounter: 500,
      now: () => Date.now() - 60 * 60_000,
    });
    const header = await solvePow({ required: true, challenge: await past.challenge() });
    expect(await past.verify(header['x-faro-pow'])).toBe('expired');
  });
});

describe('proof of work on writing an emergency plan (issue 16: a plan texts up to fifteen numbers)', () => {
  it('refuses a plan without a solved challenge and stores nothing; takes it with one, once', async () => {
    const plans = async () =>
      (await t.faro.database.pool.query<{ n: number }>('select count(*)::int as n from emergency_plans'))
        .rows[0]?.n;
    const plan = {
      contacts: [{ phone: '+12135557100', language: 'es', task: 'family', message: 'Llama a la línea' }],
      memberLanguage: 'es',
      caseConsent: false,
      pin: '482915',
    };
    const write = (headers: Record<string, string>) =>
      t.faro.app.inject({ method: 'POST', url: '/api/plans', headers, payload: plan });
    const before = await plans();
    const refused = await write({});
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.details.proofOfWork).toBe('missing');
    expect(await plans()).toBe(before);
    const header = await solvePow(await challenge());
    expect((await write(header)).statusCode).toBe(201);
    expect((await write(header)).json().error.details.proofOfWork).toBe('reused');
    expect(await plans()).toBe((before ?? 0) + 1);
  });
});
