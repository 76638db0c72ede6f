import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { startSmtpServer } from './support/smtp.js';
import { jobsOf } from './support/state.js';

/**
 * Alert subscriptions by e-mail: double opt-in through a real SMTP server,
 * the address kept only sealed, seen masked, deleted in one step.
 */
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let t: TestFaro;
let zones: { id: string; name: string }[];

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestFaro({
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Faro <alertas@network.example>',
      PUBLIC_URL: 'https://faro.network.example',
    },
  });
  zones = (await t.faro.app.inject({ url: '/api/zones' })).json().zones;
});
afterAll(async () => {
  await t?.stop();
  await smtp?.close();
});

const post = (url: string, payload: object) => t.faro.app.inject({ method: 'POST', url, payload });
const zone = (name: string) => zones.find((z) => z.name === name)?.id ?? '';

async function lastMailTo(address: string) {
  await t.faro.jobs.drain(t.faro.jobDefinitions.subscriptionConfirm);
  const mail = smtp.received.filter((m) => m.to.includes(address)).at(-1);
  if (!mail) throw new Error(`no mail to ${address}`);
  const { subject, text } = smtp.text(mail);
  const token = (kind: string) => text.match(new RegExp(`/${kind}\\?token=([A-Za-z0-9_-]+)`))?.[1] ?? '';
  return { subject, text, confirm: token('subscribe/confirm'), manage: token('subscription') };
}

describe('subscribing to alerts by e-mail', () => {
  it('sends a confirmation in the subscriber’s language and activates only once it is followed', async () => {
    const asked = await post('/api/subscriptions', {
      channel: 'email',
      address: 'Lupita.R@Example.org',
      zoneIds: [zone('Boyle Heights'), zone('El Sereno')],
      language: 'es',
    });
    expect(asked.statusCode, asked.body).toBe(202);
    const mail = await lastMailTo('lupita.r@example.org');
    expect(mail.subject).toBe('Confirme sus alertas de Faro');
    expect(mail.text).toContain('https://faro.network.example/subscribe/confirm?token=');
    expect((await post('/api/subscriptions/manage', { token: mail.manage })).json().status).toBe('pending');

    const confirmed = await post('/api/subscriptions/confirm', { token: mail.confirm });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'active', language: 'es', contact: 'l***@example.org' });
    expect(confirmed.json().zones.map((z: { name: string }) => z.name)).toEqual([
      'Boyle Heights',
      'El Sereno',
    ]);
    expect((await post('/api/subscriptions/confirm', { token: mail.confirm })).statusCode).toBe(404);
  });

  it('keeps the address only sealed, and a second request changes nothing until it is confirmed', async () => {
    const address = 'marco@example.net';
    await post('/api/subscriptions', {
      channel: 'email',
      address,
      zoneIds: [zone('Koreatown')],
      language: 'en',
    });
    const first = await lastMailTo(address);
    expect(first.subject).toBe('Confirm your Faro alerts');
    await post('/api/subscriptions/confirm', { token: first.confirm });

    // Someone else asks to change Marco's zones: nothing changes without his confirmation.
    await post('/api/subscriptions', {
      channel: 'email',
      address: 'MARCO@example.net',
      zoneIds: [zone('Van Nuys')],
      language: 'es',
    });
    const second = await lastMailTo(address);
    const view = (await post('/api/subscriptions/manage', { token: second.manage })).json();
    expect(view.zones.map((z: { name: string }) => z.name)).toEqual(['Koreatown']);
    // Still one subscription per address (Lupita's and Marco's), however often it is asked for.
    const { rows } = await t.faro.database.pool.query<{ n: string }>(
      'select count(*) as n from subscriptions',
    );
    expect(Number(rows[0]?.n)).toBe(2);
    const dump = JSON.stringify((await t.faro.database.pool.query('select * from subscriptions')).rows);
    expect(dump).not.toContain('marco');
    expect(dump).not.toContain('lupita');
    const jobs = JSON.stringify(await jobsOf(t.faro.database, 'subscriptions.confirm-mail'));
    expect(jobs).not.toContain('marco');
  });

  it('deletes a subscription in one step from its link, and says so when the link is used again', async () => {
    const address = 'ana@example.com';
    await post('/api/subscriptions', {
      channel: 'email',
      address,
      zoneIds: [zone('Pico-Union')],
      language: 'en',
    });
    const mail = await lastMailTo(address);
    await post('/api/subscriptions/confirm', { token: mail.confirm });
    expect((await post('/api/subscriptions/delete', { token: mail.manage })).statusCode).toBe(204);
    expect((await post('/api/subscriptions/manage', { token: mail.manage })).statusCode).toBe(404);
    const { rows } = await t.faro.database.pool.query<{ n: string }>(
      'select count(*) as n from subscriptions',
    );
    expect(Number(rows[0]?.n)).toBe(2);
  });

  it('refuses unknown zones and bad addresses with a clear error', async () => {
    const unknown = await post('/api/subscriptions', {
      channel: 'email',
      address: 'x@example.org',
      zoneIds: ['00000000-0000-4000-8000-000000000000'],
      language: 'en',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.fields[0].field).toBe('zoneIds');
    const bad = await post('/api/subscriptions', {
      channel: 'email',
      address: 'not-an-address',
      zoneIds: [zone('Koreatown')],
      language: 'en',
    });
    expect(bad.statusCode).toBe(400);
  });

  it('forgets a request nobody confirmed within a week, and keeps confirmed ones', async () => {
    const address = 'never-confirmed@example.org';
    await post('/api/subscriptions', {
      channel: 'email',
      address,
      zoneIds: [zone('Koreatown')],
      language: 'en',
    });
    await lastMailTo(address);
    const count = async (status: string) =>
      Number(
        (
          await t.faro.database.pool.query<{ n: string }>(
            'select count(*) as n from subscriptions where status = $1',
            [status],
          )
        ).rows[0]?.n,
      );
    const active = await count('active');
    expect(await count('pending')).toBeGreaterThan(0);
    await t.faro.database.pool.query(
      `update subscriptions set created_at = now() - interval '8 days' where status = 'pending'`,
    );
    await t.faro.jobDefinitions.retention.handler({});
    expect(await count('pending')).toBe(0);
    expect(await count('active')).toBe(active);
  });
});
