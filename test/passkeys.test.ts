import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { staffSession } from './support/sessions.js';

let t: TestFaro;
beforeAll(async () => {
  t = await startTestFaro({ env: { PUBLIC_URL: 'https://faro.example.org' } });
});
afterAll(async () => t?.stop());

describe('passkeys (server side; the browser flow is in the e2e suite)', () => {
  it('offer registration options bound to this site and this person', async () => {
    const dispatcher = await staffSession(t.faro.database, 'dispatcher');
    const response = await t.faro.app.inject({
      method: 'POST',
      url: '/api/account/passkeys/options',
      headers: dispatcher.headers,
    });
    expect(response.statusCode).toBe(200);
    const options = response.json();
    expect(options.rp).toEqual({ name: 'Faro', id: 'faro.example.org' });
    expect(options.user.name).toBe('dispatcher@demo.faro.invalid');
    expect(options.authenticatorSelection.userVerification).toBe('required');
    expect(options.challenge.length).toBeGreaterThan(20);
  });

  it('refuse a forged registration and store nothing', async () => {
    const dispatcher = await staffSession(t.faro.database, 'dispatcher');
    await t.faro.app.inject({
      method: 'POST',
      url: '/api/account/passkeys/options',
      headers: dispatcher.headers,
    });
    const forged = await t.faro.app.inject({
      method: 'POST',
      url: '/api/account/passkeys',
      headers: dispatcher.headers,
      payload: {
        name: 'forged',
        response: {
          id: 'AAAA',
          rawId: 'AAAA',
          type: 'public-key',
          response: { clientDataJSON: 'e30', attestationObject: 'oA' },
        },
      },
    });
    expect(forged.statusCode).toBe(400);
    expect((await t.faro.database.pool.query('select count(*)::int as n from passkeys')).rows[0].n).toBe(0);
  });

  it('say plainly when the account has no passkey to sign in with', async () => {
    const { userId } = await staffSession(t.faro.database, 'responder');
    const sessions = t.faro.services.sessions;
    const token = await sessions.start(t.faro.database.db, userId, 'test', false);
    const session = await sessions.resolve(token);
    const response = await t.faro.app.inject({
      method: 'POST',
      url: '/api/auth/second-factor/passkey/options',
      headers: { cookie: `faro_session=${token}`, 'x-csrf-token': session?.csrfToken ?? '' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.message).toMatch(/no passkey/);
  });
});
