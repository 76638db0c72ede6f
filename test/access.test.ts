import { Writable } from 'node:stream';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiBrowser } from './support/browser.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson, type TestPerson } from './support/people.js';
import { staffSession } from './support/sessions.js';
import { personOf } from './support/state.js';

/** A clock the tests move: sessions, codes and invitations all read it. */
let clock = Date.now();
const now = () => new Date(clock);
const advance = (ms: number) => {
  clock += ms;
};
const MINUTE = 60_000;

let t: TestFaro;
const logLines: string[] = [];

beforeAll(async () => {
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  t = await startTestFaro({ now, logStream, env: { LOG_LEVEL: 'info' } });
});
afterAll(async () => t?.stop());

const totpCode = (secret: string) => generate({ secret, epoch: Math.floor(clock / 1000) });
const person = (
  role: 'dispatcher' | 'admin' | 'coalition_admin' | 'responder',
  options: { totp?: boolean; mustChangePassword?: boolean } = {},
) => createPerson(t.faro.database, t.faro.box, { role, ...options });

/** Signs in with password and authenticator; returns the signed-in browser. */
async function signIn(who: TestPerson): Promise<ApiBrowser> {
  const browser = new ApiBrowser(t.faro.app);
  const first = await browser.post('/api/auth/sign-in', { email: who.email, password: who.password });
  expect(first.statusCode).toBe(200);
  expect(first.json().state).toBe('second_factor_required');
  const second = await browser.post('/api/auth/second-factor/totp', {
    code: await totpCode(who.totpSecret as string),
  });
  expect(second.statusCode, second.body).toBe(200);
  expect(second.json().state).toBe('signed_in');
  advance(31_000); // the next sign-in in a test gets a fresh code
  return browser;
}

describe('signing in', () => {
  it('takes a password and then an authenticator code before anything staff-only opens', async () => {
    const dispatcher = await person('dispatcher');
    const browser = new ApiBrowser(t.faro.app);
    const first = await browser.post('/api/auth/sign-in', {
      email: dispatcher.email.toUpperCase(),
      password: dispatcher.password,
    });
    expect(first.json()).toMatchObject({ state: 'second_factor_required', permissions: [] });
    const cookie = first.cookies.find((c) => c.name === 'faro_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // Half signed in is not signed in.
    expect((await browser.get('/api/incidents')).statusCode).toBe(401);

    const code = await totpCode(dispatcher.totpSecret as string);
    const second = await browser.post('/api/auth/second-factor/totp', { code });
    expect(second.json()).toMatchObject({ state: 'signed_in', roles: ['dispatcher'] });
    expect((await browser.get('/api/incidents')).statusCode).toBe(200);
  });

  it('refuses a wrong password and an unknown account with the same answer', async () => {
    const dispatcher = await person('dispatcher');
    const wrong = await new ApiBrowser(t.faro.app).post('/api/auth/sign-in', {
      email: dispatcher.email,
      password: 'not it at all',
    });
    const unknown = await new ApiBrowser(t.faro.app).post('/api/auth/sign-in', {
      email: 'nobody@nowhere.invalid',
      password: 'x',
    });
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toEqual({
        code: 'UNAUTHENTICATED',
        message: 'Wrong e-mail or password.',
      });
      expect(response.cookies.find((c) => c.name === 'faro_session')).toBeUndefined();
    }
  });

  it('refuses a replayed authenticator code', async () => {
    const dispatcher = await person('dispatcher');
    const code = await totpCode(dispatcher.totpSecret as string);
    const one = new ApiBrowser(t.faro.app);
    await one.post('/api/auth/sign-in', { email: dispatcher.email, password: dispatcher.password });
    expect((await one.post('/api/auth/second-factor/totp', { code })).statusCode).toBe(200);
    const two = new ApiBrowser(t.faro.app);
    await two.post('/api/auth/sign-in', { email: dispatcher.email, password: dispatcher.password });
    const replay = await two.post('/api/auth/second-factor/totp', { code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.message).toMatch(/already used/);
    expect((await two.get('/api/incidents')).statusCode).toBe(401);
    advance(31_000);
  });

  it('backs off growing longer after repeated failures, per account', async () => {
    const dispatcher = await person('dispatcher');
    const attempt = () =>
      new ApiBrowser(t.faro.app).post('/api/auth/sign-in', {
        email: dispatcher.email,
        password: 'wrong password',
      });
    for (let i = 0; i < 5; i++) expect((await attempt()).statusCode).toBe(401);
    expect((await attempt()).statusCode).toBe(401); // the 6th failure starts the back-off
    const blocked = await attempt();
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.details.retryAfterSeconds).toBe(2);
    // Even the right password waits out the back-off.
    const right = await new ApiBrowser(t.faro.app).post('/api/auth/sign-in', {
      email: dispatcher.email,
      password: dispatcher.password,
    });
    expect(right.statusCode).toBe(429);
    advance(3_000);
    expect((await attempt()).statusCode).toBe(401); // 7th failure: 4 s now
    expect((await attempt()).json().error.details.retryAfterSeconds).toBe(4);
    advance(5_000);
    const later = await new ApiBrowser(t.faro.app).post('/api/auth/sign-in', {
      email: dispatcher.email,
      password: dispatcher.password,
    });
    expect(later.statusCode).toBe(200);
  });
});

describe('sessions', () => {
  it('end after 30 idle minutes', async () => {
    const browser = await signIn(await person('dispatcher'));
    advance(29 * MINUTE);
    expect((await browser.get('/api/incidents')).statusCode).toBe(200);
    advance(29 * MINUTE); // active 29 minutes ago: still fine
    expect((await browser.get('/api/incidents')).statusCode).toBe(200);
    advance(31 * MINUTE);
    const expired = await browser.get('/api/incidents');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('end 12 hours after sign-in, however active', async () => {
    const browser = await signIn(await person('dispatcher'));
    for (let elapsed = 0; elapsed < 12 * 60; elapsed += 20) {
      expect((await browser.get('/api/incidents')).statusCode).toBe(200);
      advance(20 * MINUTE);
    }
    expect((await browser.get('/api/incidents')).statusCode).toBe(401);
  });

  it('end everywhere when an admin disables the account', async () => {
    const dispatcher = await person('dispatcher');
    const phone = await signIn(dispatcher);
    const laptop = await signIn(dispatcher);
    const admin = await staffSession(t.faro.database, 'admin', now);
    const disable = await t.faro.app.inject({
      method: 'POST',
      url: `/api/admin/people/${dispatcher.id}/disable`,
      headers: admin.headers,
    });
    expect(disable.statusCode).toBe(200);
    expect((await phone.get('/api/incidents')).statusCode).toBe(401);
    expect((await laptop.get('/api/incidents')).statusCode).toBe(401);
    const again = await new ApiBrowser(t.faro.app).post('/api/auth/sign-in', {
      email: dispatcher.email,
      password: dispatcher.password,
    });
    expect(again.statusCode).toBe(401);
  });

  it('end on every other browser when the password changes', async () => {
    const dispatcher = await person('dispatcher');
    const phone = await signIn(dispatcher);
    const laptop = await signIn(dispatcher);
    const change = await laptop.post('/api/auth/password', {
      currentPassword: dispatcher.password,
      newPassword: 'a new long passphrase 42',
    });
    expect(change.statusCode).toBe(200);
    expect((await laptop.get('/api/incidents')).statusCode).toBe(200);
    expect((await phone.get('/api/incidents')).statusCode).toBe(401);
  });

  it('can be ended one by one from the sessions list', async () => {
    const dispatcher = await person('dispatcher');
    const phone = await signIn(dispatcher);
    const laptop = await signIn(dispatcher);
    const list = (await laptop.get('/api/account/sessions')).json().sessions as {
      id: string;
      current: boolean;
    }[];
    const other = list.find((s) => !s.current);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    expect((await laptop.post(`/api/account/sessions/${other?.id}/sign-out`)).statusCode).toBe(200);
    expect((await phone.get('/api/incidents')).statusCode).toBe(401);
    expect((await laptop.get('/api/incidents')).statusCode).toBe(200);
  });

  it('end everywhere on "sign out everywhere"', async () => {
    const dispatcher = await person('dispatcher');
    const phone = await signIn(dispatcher);
    const laptop = await signIn(dispatcher);
    expect((await laptop.get('/api/account/sessions')).json().sessions).toHaveLength(2);
    expect((await laptop.post('/api/auth/sign-out', { everywhere: true })).statusCode).toBe(200);
    expect((await phone.get('/api/incidents')).statusCode).toBe(401);
    expect((await laptop.get('/api/auth/session')).statusCode).toBe(401);
  });

  it('refuse a state-changing request without the CSRF token', async () => {
    const admin = await signIn(await person('admin'));
    const target = await person('responder');
    admin.sendCsrf = false;
    const forged = await admin.post(`/api/admin/people/${target.id}/disable`);
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'csrf' } });
    admin.sendCsrf = true;
    admin.csrfToken = 'forged-token-of-the-right-length-xx';
    expect((await admin.post(`/api/admin/people/${target.id}/disable`)).statusCode).toBe(403);
    expect((await personOf(t, target.id)).disabled).toBe(false);
  });
});

describe('invitations', () => {
  const invite = async (role: string) => {
    // Dispatchers reach the whole coalition: a coalition admin invites them.
    const admin = await signIn(await person('coalition_admin'));
    const organizations = (await admin.get('/api/admin/organizations')).json().organizations;
    const response = await admin.post('/api/admin/invitations', {
      organizationId: organizations[0].id,
      role,
    });
    expect(response.statusCode).toBe(201);
    return response.json() as { code: string; link: string; expiresAt: string };
  };
  const accept = (code: string, email: string) =>
    new ApiBrowser(t.faro.app).post('/api/invitations/accept', {
      code,
      email,
      displayName: 'New Dispatcher',
      password: 'correct horse battery staple',
    });

  it('take a newcomer from a code to a signed-in dispatcher with an authenticator and recovery codes', async () => {
    const { code, link } = await invite('dispatcher');
    expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(link).toContain(`/invite?code=${code}`);
    const newcomer = new ApiBrowser(t.faro.app);
    const accepted = await newcomer.post('/api/invitations/accept', {
      code: code.toLowerCase(),
      email: 'new.dispatcher@example.org',
      displayName: 'New Dispatcher',
      password: 'correct horse battery staple',
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().state).toBe('second_factor_enrolment_required');
    expect((await newcomer.get('/api/incidents')).statusCode).toBe(401);

    const enrolment = (await newcomer.post('/api/auth/totp-enrolment')).json();
    expect(enrolment.uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(enrolment.qrSvg).toMatch(/^<svg/);
    const confirmed = await newcomer.post('/api/auth/totp-enrolment/confirm', {
      code: await totpCode(enrolment.secret),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const { recoveryCodes, session } = confirmed.json();
    expect(session.state).toBe('signed_in');
    expect(recoveryCodes).toHaveLength(10);
    expect((await newcomer.get('/api/incidents')).statusCode).toBe(200);

    // Once enrolled, enrolling again cannot replace the authenticator.
    expect((await newcomer.post('/api/auth/totp-enrolment')).statusCode).toBe(409);

    // A recovery code signs in once.
    advance(31_000);
    const lostPhone = new ApiBrowser(t.faro.app);
    await lostPhone.post('/api/auth/sign-in', {
      email: 'new.dispatcher@example.org',
      password: 'correct horse battery staple',
    });
    expect(
      (await lostPhone.post('/api/auth/second-factor/recovery', { code: recoveryCodes[0].toUpperCase() }))
        .statusCode,
    ).toBe(200);
    const again = new ApiBrowser(t.faro.app);
    await again.post('/api/auth/sign-in', {
      email: 'new.dispatcher@example.org',
      password: 'correct horse battery staple',
    });
    expect(
      (await again.post('/api/auth/second-factor/recovery', { code: recoveryCodes[0] })).statusCode,
    ).toBe(401);
  });

  it('work once only', async () => {
    const { code } = await invite('responder');
    expect((await accept(code, 'first.person@example.org')).statusCode).toBe(200);
    const reused = await accept(code, 'second.person@example.org');
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.message).toMatch(/already used/);
  });

  it('expire after 48 hours', async () => {
    const { code } = await invite('responder');
    advance(48 * 60 * MINUTE + MINUTE);
    const late = await accept(code, 'late.person@example.org');
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toMatch(/expired/);
  });

  it('refuse a code that was never issued', async () => {
    const response = await accept('ABCD-EFGH-JKMN', 'guess@example.org');
    expect(response.statusCode).toBe(404);
  });
});

describe('admin pages', () => {
  it('grant and take away roles, effective at the next request', async () => {
    const admin = await signIn(await person('coalition_admin'));
    const helper = await person('responder');
    const helperBrowser = await signIn(helper);
    expect((await helperBrowser.get('/api/incidents')).statusCode).toBe(403);
    const organizationId = (await admin.get('/api/admin/organizations')).json().organizations[0].id;
    const grant = await admin.post(`/api/admin/people/${helper.id}/roles`, {
      organizationId,
      role: 'dispatcher',
    });
    expect(grant.statusCode).toBe(200);
    expect((await helperBrowser.get('/api/incidents')).statusCode).toBe(200);
    await admin.post(`/api/admin/people/${helper.id}/roles/revoke`, { organizationId, role: 'dispatcher' });
    expect((await helperBrowser.get('/api/incidents')).statusCode).toBe(403);
    const people = (await admin.get('/api/admin/people')).json().people;
    expect(
      people.find((p: { id: string }) => p.id === helper.id).memberships.map((m: { role: string }) => m.role),
    ).toEqual(['responder']);
  });

  it('never let an admin remove their own admin role', async () => {
    const who = await person('admin');
    const admin = await signIn(who);
    const organizationId = (await admin.get('/api/admin/organizations')).json().organizations[0].id;
    const response = await admin.post(`/api/admin/people/${who.id}/roles/revoke`, {
      organizationId,
      role: 'admin',
    });
    expect(response.statusCode).toBe(409);
    expect((await admin.get('/api/admin/people')).statusCode).toBe(200);
  });

  it('add organizations and assign them zones (a coalition admin)', async () => {
    const admin = await signIn(await person('coalition_admin'));
    const created = await admin.post('/api/admin/organizations', { name: 'Comité Pro-Inmigrante del Valle' });
    expect(created.statusCode).toBe(201);
    expect(
      (await admin.post('/api/admin/organizations', { name: 'Comité Pro-Inmigrante del Valle' })).statusCode,
    ).toBe(409);
    const zones = (await admin.get('/api/zones'))
      .json()
      .zones.slice(0, 2)
      .map((z: { id: string }) => z.id);
    const put = await admin.call('PUT', `/api/admin/organizations/${created.json().id}/zones`, {
      zoneIds: zones,
    });
    expect(put.statusCode).toBe(200);
    const organization = (await admin.get('/api/admin/organizations'))
      .json()
      .organizations.find((o: { id: string }) => o.id === created.json().id);
    expect(organization).toMatchObject({ slug: 'comite-pro-inmigrante-del-valle' });
    expect([...organization.zoneIds].sort()).toEqual([...zones].sort());
    const unknown = await admin.call('PUT', `/api/admin/organizations/${created.json().id}/zones`, {
      zoneIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(unknown.statusCode).toBe(400);
  });
});

describe('the CLI admin', () => {
  it('must choose a new password, then enrol an authenticator, before anything else', async () => {
    const admin = await person('coalition_admin', { totp: false, mustChangePassword: true });
    const browser = new ApiBrowser(t.faro.app);
    const first = await browser.post('/api/auth/sign-in', { email: admin.email, password: admin.password });
    expect(first.json().state).toBe('password_change_required');
    expect((await browser.get('/api/admin/people')).statusCode).toBe(401);
    const changed = await browser.post('/api/auth/password', {
      currentPassword: admin.password,
      newPassword: 'my own long passphrase 7',
    });
    expect(changed.json().state).toBe('second_factor_enrolment_required');
    const enrolment = (await browser.post('/api/auth/totp-enrolment')).json();
    const confirmed = await browser.post('/api/auth/totp-enrolment/confirm', {
      code: await totpCode(enrolment.secret),
    });
    expect(confirmed.json().session.state).toBe('signed_in');
    expect((await browser.get('/api/admin/people')).statusCode).toBe(200);
  });
});

describe('secrets', () => {
  it('never reach the logs or the audit log', async () => {
    const dispatcher = await person('dispatcher');
    const browser = await signIn(dispatcher);
    await new ApiBrowser(t.faro.app).post('/api/auth/sign-in', {
      email: dispatcher.email,
      password: 'a wrong guess 123',
    });
    const logs = logLines.join('');
    const { rows } = await t.faro.database.pool.query('select * from audit_log');
    const audit = JSON.stringify(rows);
    for (const secret of [
      dispatcher.password,
      dispatcher.totpSecret as string,
      browser.token as string,
      'a wrong guess 123',
    ]) {
      expect(logs).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
    const { rows: sessions } = await t.faro.database.pool.query('select token_hash from sessions');
    expect(JSON.stringify(sessions)).not.toContain(browser.token as string);
    const { rows: totp } = await t.faro.database.pool.query('select secret_encrypted from totp_credentials');
    expect(JSON.stringify(totp)).not.toContain(dispatcher.totpSecret as string);
    expect(audit).toContain('auth.signed_in');
    expect(audit).toContain('auth.sign_in_failed');
  });

  it('the audit log records who did what to which record, and exports as CSV', async () => {
    const admin = await signIn(await person('coalition_admin'));
    const target = await person('responder');
    await admin.post(`/api/admin/people/${target.id}/disable`);
    const entries = (await admin.get('/api/admin/audit?action=user.disabled')).json().entries;
    expect(entries[0]).toMatchObject({
      action: 'user.disabled',
      subjectType: 'user',
      subjectId: target.id,
      actorName: 'Test coalition_admin',
    });
    const csv = await admin.get('/api/admin/audit.csv?action=user.disabled');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('id,at,actor_id,actor_name,action,subject_type,subject_id');
    expect(lines.some((line) => line.includes(target.id))).toBe(true);
  });
});
