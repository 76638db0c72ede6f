import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { staffSession } from './support/sessions.js';
import { startSmtpServer } from './support/smtp.js';

/**
 * Links come from configuration only. Here PUBLIC_URL is not set (allowed
 * only for a demo or a test: links then point at http://localhost:PORT), and a
 * proxy is trusted — yet a forged Host or X-Forwarded-Host never reaches an
 * e-mail, the feed, an invitation or a passkey.
 */
const FORGED = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
const OWN = 'http://localhost:8080';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let t: TestFaro;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestFaro({ env: { SMTP_URL: smtp.url, TRUST_PROXY: '1' } });
});
afterAll(async () => {
  await t?.stop();
  await smtp?.close();
});

describe('links built from request headers', () => {
  it('issue 12 item 11: a confirmation e-mail asked for with a forged Host links only to this site', async () => {
    const zones = (await t.faro.app.inject({ url: '/api/zones' })).json().zones as { id: string }[];
    const asked = await t.faro.app.inject({
      method: 'POST',
      url: '/api/subscriptions',
      headers: FORGED,
      payload: {
        channel: 'email',
        address: 'vecina@example.org',
        zoneIds: [zones[0]?.id],
        language: 'es',
      },
    });
    expect(asked.statusCode, asked.body).toBe(202);
    await t.faro.jobs.drain(t.faro.jobDefinitions.subscriptionConfirm);
    const mail = smtp.received.find((m) => m.to.includes('vecina@example.org'));
    if (!mail) throw new Error('no confirmation e-mail');
    const { text } = smtp.text(mail);
    expect(text).toContain(`${OWN}/subscribe/confirm?token=`);
    expect(mail.raw).not.toContain('evil.example');
  });

  it('issue 12 item 11: the Atom feed names this site whatever Host it was asked with', async () => {
    const feed = await t.faro.app.inject({ url: '/api/alerts/feed.atom', headers: FORGED });
    expect(feed.statusCode).toBe(200);
    expect(feed.body).toContain(`${OWN}/api/alerts/feed.atom`);
    expect(feed.body).not.toContain('evil.example');
  });

  it('issue 12 item 11: an invitation link is this site’s', async () => {
    const admin = await staffSession(t.faro.database, 'admin');
    const organizations = (
      await t.faro.app.inject({ url: '/api/admin/organizations', headers: admin.headers })
    ).json().organizations as { id: string }[];
    const invited = await t.faro.app.inject({
      method: 'POST',
      url: '/api/admin/invitations',
      headers: { ...admin.headers, ...FORGED },
      payload: { organizationId: organizations[0]?.id, role: 'responder' },
    });
    expect(invited.statusCode, invited.body).toBe(201);
    expect(invited.json().link).toMatch(new RegExp(`^${OWN}/invite\\?code=`));
  });

  it('issue 12 item 11: passkeys belong to the configured site, not to the host a request names', async () => {
    const dispatcher = await staffSession(t.faro.database, 'dispatcher');
    const options = await t.faro.app.inject({
      method: 'POST',
      url: '/api/account/passkeys/options',
      headers: { ...dispatcher.headers, ...FORGED },
    });
    expect(options.statusCode, options.body).toBe(200);
    expect(options.json().rp).toEqual({ name: 'Faro', id: 'localhost' });
  });
});
