import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoSecondFactorCode,
  keepDemoSecrets,
  keptDemoCode,
  renewDemoAccounts,
} from '../src/server/modules/demo/accounts.js';
import { ROLES } from '../src/shared/roles.js';
import { ApiBrowser } from './support/browser.js';
import { startTestFaro, type TestFaro } from './support/faro.js';

/** The newcomer's path: the demo accounts again, and a code without an authenticator app. */
let t: TestFaro;
let dir: string;
beforeAll(async () => {
  t = await startTestFaro();
  dir = await mkdtemp(path.join(tmpdir(), 'faro-demo-'));
});
afterAll(async () => {
  await t?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('issue 14: the demo accounts for a newcomer', () => {
  it('gives every demo account a new password that signs in with the code it hands out, keeping the data', async () => {
    const zonesBefore = (await t.faro.app.inject({ url: '/api/zones' })).json();
    const accounts = await renewDemoAccounts(t.faro.database, t.faro.box);
    expect(accounts.map((account) => account.role)).toEqual([...ROLES]);
    const dispatcher = accounts.find((account) => account.role === 'dispatcher');
    if (!dispatcher) throw new Error('no demo dispatcher');

    const browser = new ApiBrowser(t.faro.app);
    const signIn = await browser.post('/api/auth/sign-in', {
      email: dispatcher.email,
      password: dispatcher.password,
    });
    expect(signIn.statusCode, signIn.body).toBe(200);
    expect(signIn.json().state).toBe('second_factor_required');
    const code = await demoSecondFactorCode(t.faro.database, t.faro.box, 'dispatcher');
    const second = await browser.post('/api/auth/second-factor/totp', { code });
    expect(second.statusCode, second.body).toBe(200);
    expect((await browser.get('/api/incidents')).statusCode).toBe(200);
    // Nothing else changed: the demo's zones are all still there.
    expect((await t.faro.app.inject({ url: '/api/zones' })).json()).toEqual(zonesBefore);
  });

  it('hands out the same code from the secrets kept beside an embedded database, readable by its owner only', async () => {
    const accounts = await renewDemoAccounts(t.faro.database, t.faro.box);
    const file = path.join(dir, 'data.demo');
    await keepDemoSecrets(file, t.faro.box, accounts);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const at = new Date('2026-12-03T12:00:00Z');
    expect(await keptDemoCode(file, t.faro.box, 'responder', at)).toBe(
      await demoSecondFactorCode(t.faro.database, t.faro.box, 'responder', at),
    );
    expect(await keptDemoCode(path.join(dir, 'missing.demo'), t.faro.box, 'responder', at)).toBeNull();
  });
});
