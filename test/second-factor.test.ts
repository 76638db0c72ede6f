import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditAction } from '../src/shared/admin.js';
import { ApiBrowser } from './support/browser.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson, type TestPerson } from './support/people.js';
import { startSmtpServer } from './support/smtp.js';
import { auditEntries } from './support/state.js';

/** A clock the tests move: codes, lock-outs and sessions all read it. */
let clock = Date.now();
const now = () => new Date(clock);
const advance = (ms: number) => {
  clock += ms;
};

let t: TestFaro;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestFaro({ now, env: { SMTP_URL: smtp.url, MAIL_FROM: 'Faro <faro@network.example>' } });
});
afterAll(async () => {
  await t?.stop();
  await smtp?.close();
});

const codeAt = (secret: string, ms: number) => generate({ secret, epoch: Math.floor(ms / 1000) });
const rightCode = (who: TestPerson) => codeAt(who.totpSecret as string, clock);
/** A code that none of the three time steps a check accepts would take. */
async function wrongCode(who: TestPerson): Promise<string> {
  const near = new Set(
    await Promise.all([-30_000, 0, 30_000].map((d) => codeAt(who.totpSecret as string, clock + d))),
  );
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}
const person = () => createPerson(t.faro.database, t.faro.box, { role: 'dispatcher' });

/** Enters the (known) password: a pending sign-in waiting for the second factor. */
async function password(who: TestPerson): Promise<ApiBrowser> {
  const browser = new ApiBrowser(t.faro.app);
  const response = await browser.post('/api/auth/sign-in', { email: who.email, password: who.password });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json().state).toBe('second_factor_required');
  return browser;
}
const totp = async (browser: ApiBrowser, code: string) =>
  browser.post('/api/auth/second-factor/totp', { code });
/** How many times the audit log names this action about this person, as an admin reads it. */
const auditCount = async (userId: string, action: AuditAction) =>
  (await auditEntries(t, { action })).filter((entry) => entry.subjectId === userId).length;

describe('issue 12 item 1: second-factor codes cannot be brute-forced with a known password', () => {
  it('ends a pending sign-in after five wrong codes: the password must be entered again', async () => {
    const who = await person();
    const browser = await password(who);
    for (let i = 1; i <= 4; i++) {
      const wrong = await totp(browser, await wrongCode(who));
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error.details?.reason).toBeUndefined();
    }
    const fifth = await totp(browser, await wrongCode(who));
    expect(fifth.statusCode).toBe(401);
    expect(fifth.json().error.details.reason).toBe('sign_in_again');
    // Even the right code does nothing now: that pending sign-in is over.
    expect((await totp(browser, await rightCode(who))).statusCode).toBe(401);
    expect((await browser.get('/api/auth/session')).statusCode).toBe(401);
    expect(await auditEntries(t, { action: 'auth.sign_in_restarted', actorId: who.id })).toHaveLength(1);
    advance(31_000);
  });

  it('keeps counting wrong codes across new sign-ins (a right password does not clear them) and locks out, growing', async () => {
    const who = await person();
    // Five wrong codes, one fresh pending sign-in each: the password is right every time.
    for (let i = 0; i < 5; i++) {
      const browser = await password(who);
      expect((await totp(browser, await wrongCode(who))).statusCode).toBe(401);
    }
    const sixth = await password(who);
    expect((await totp(sixth, await wrongCode(who))).statusCode).toBe(401); // the 6th starts the lock-out
    const locked = await totp(sixth, await rightCode(who));
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.details.retryAfterSeconds).toBe(60);
    // A new sign-in with the right password is still locked out.
    const again = await password(who);
    expect((await totp(again, await rightCode(who))).statusCode).toBe(429);
    expect((await again.post('/api/auth/second-factor/recovery', { code: 'abcde-fghjk' })).statusCode).toBe(
      429,
    );

    advance(61_000);
    expect((await totp(again, await wrongCode(who))).statusCode).toBe(401); // 7th: two minutes now
    expect((await totp(again, await rightCode(who))).json().error.details.retryAfterSeconds).toBe(120);
    advance(121_000);
    const signedIn = await totp(again, await rightCode(who));
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json().state).toBe('signed_in');
    expect(await auditCount(who.id, 'auth.second_factor_locked')).toBe(2);

    // A right code cleared the count: the next mistakes start from zero.
    advance(31_000);
    const later = await password(who);
    expect((await totp(later, await wrongCode(who))).statusCode).toBe(401);
    expect((await totp(later, await rightCode(who))).statusCode).toBe(200);
    advance(31_000);
  });

  it('counts wrong recovery codes with the authenticator codes', async () => {
    const who = await person();
    for (let i = 0; i < 6; i++) {
      const browser = await password(who);
      const wrong = await browser.post('/api/auth/second-factor/recovery', { code: `zzzzz-zzzz${i}` });
      expect(wrong.statusCode).toBe(401);
    }
    expect((await totp(await password(who), await rightCode(who))).statusCode).toBe(429);
    advance(61_000);
  });

  it('judges parallel guesses one at a time: a pending sign-in gets five, whatever the burst', async () => {
    const who = await person();
    const browser = await password(who);
    const near = new Set(
      await Promise.all([-30_000, 0, 30_000].map((d) => codeAt(who.totpSecret as string, clock + d))),
    );
    const wrong = Array.from({ length: 40 }, (_, i) => String(100_000 + i * 7)).filter((c) => !near.has(c));
    const guesses = await Promise.all(wrong.slice(0, 12).map((code) => totp(browser, code)));
    expect(guesses.every((g) => g.statusCode === 401 || g.statusCode === 429)).toBe(true);
    expect(await auditCount(who.id, 'auth.second_factor_failed')).toBe(5);
    advance(31_000);
  });

  it('tells the account owner by e-mail, in English and Spanish, when the lock-out starts', async () => {
    const who = await person();
    for (let i = 0; i < 6; i++) {
      const browser = await password(who);
      expect((await totp(browser, await wrongCode(who))).statusCode).toBe(401);
    }
    const job = t.faro.jobDefinitions.secondFactorNotice;
    if (!job) throw new Error('the notice job is not configured');
    await t.faro.jobs.drain(job);
    const mails = smtp.received.filter((m) => m.to.includes(who.email));
    expect(mails).toHaveLength(1);
    const { subject, text } = smtp.text(mails[0] as NonNullable<(typeof mails)[0]>);
    // Compared without spaces: the test's parser keeps the folding spaces of encoded words.
    const squeezed = subject.replace(/\s+/g, '');
    expect(squeezed).toContain('Faro:wrongsign-incodesonyouraccount');
    expect(squeezed).toContain('Faro:códigosdeaccesoincorrectosensucuenta');
    expect(text).toContain('6 wrong codes');
    expect(text).toContain('change your password');
    expect(text).toContain('cambie su contraseña');
    // One notice per lock-out, not one per guess.
    advance(61_000);
    expect((await totp(await password(who), await wrongCode(who))).statusCode).toBe(401);
    await t.faro.jobs.drain(job);
    expect(smtp.received.filter((m) => m.to.includes(who.email))).toHaveLength(1);
    advance(121_000);
  });
});

describe('issue 12 item 14: the session token is renewed when the second factor passes and when the password changes', () => {
  it('gives a new cookie and CSRF token; the token from before no longer works', async () => {
    const who = await person();
    const browser = await password(who);
    const pendingToken = browser.token as string;
    const pendingCsrf = browser.csrfToken as string;
    const passed = await totp(browser, await rightCode(who));
    expect(passed.statusCode).toBe(200);
    const signedInToken = browser.token as string;
    expect(signedInToken).toBeTruthy();
    expect(signedInToken).not.toBe(pendingToken);
    expect(browser.csrfToken).not.toBe(pendingCsrf);
    const withOld = await t.faro.app.inject({
      url: '/api/incidents',
      headers: { cookie: `faro_session=${pendingToken}` },
    });
    expect(withOld.statusCode).toBe(401);
    expect((await browser.get('/api/incidents')).statusCode).toBe(200);

    const changed = await browser.post('/api/auth/password', {
      currentPassword: who.password,
      newPassword: 'another long passphrase 9',
    });
    expect(changed.statusCode).toBe(200);
    expect(browser.token).not.toBe(signedInToken);
    const withSignedIn = await t.faro.app.inject({
      url: '/api/incidents',
      headers: { cookie: `faro_session=${signedInToken}` },
    });
    expect(withSignedIn.statusCode).toBe(401);
    expect((await browser.get('/api/incidents')).statusCode).toBe(200);
    advance(31_000);
  });
});
