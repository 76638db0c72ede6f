import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { solvePow } from './support/pow.js';
import { smsProviderEnv, startSmsProvider } from './support/sms-provider.js';
import { startSmtpServer } from './support/smtp.js';

/**
 * Subscribing is anonymous, so it must not be a way to make Faro text
 * premium-rate numbers, mail anyone at will, flood a destination, or undo
 * someone's subscription: numbers of the coalition's country only, the
 * report form's proof of work, requests limited per address, confirmations
 * limited per destination (in the database), a second request that changes
 * nothing until it is confirmed, and a flood's confirmations queued behind
 * everyone else's.
 */
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
let t: TestFaro;
let zones: { id: string; name: string }[];
let clock = Date.now();

beforeAll(async () => {
  [smtp, sms] = await Promise.all([startSmtpServer(), startSmsProvider()]);
  t = await startTestFaro({
    now: () => new Date(clock),
    env: {
      SMTP_URL: smtp.url,
      PUBLIC_URL: 'https://faro.network.example',
      ...smsProviderEnv(sms.url, 'AC0000000000000000000000000000ab10'),
      REPORT_PROOF_OF_WORK: 'true',
      REPORT_PROOF_OF_WORK_MAX: '200',
      SUBSCRIBE_PER_ADDRESS_PER_HOUR: '3',
      SUBSCRIPTION_CONFIRMATIONS_PER_DAY: '2',
      SUBSCRIPTION_CONFIRMATION_GAP_MINUTES: '5',
    },
  });
  zones = (await t.faro.app.inject({ url: '/api/zones' })).json().zones;
});
afterAll(async () => {
  await t?.stop();
  await Promise.all([smtp?.close(), sms?.close()]);
});

const zone = (name: string) => zones.find((z) => z.name === name)?.id ?? '';
let addresses = 0;
/** A different client address each time unless one is given. */
const nextAddress = () => `198.51.100.${++addresses}`;

async function solved(): Promise<Record<string, string>> {
  return solvePow((await t.faro.app.inject({ url: '/api/reports/challenge' })).json());
}

async function subscribe(body: object, from = nextAddress(), pow?: Record<string, string>) {
  return t.faro.app.inject({
    method: 'POST',
    url: '/api/subscriptions',
    remoteAddress: from,
    headers: pow ?? (await solved()),
    payload: body,
  });
}

const email = (address: string, zoneName: string, language = 'en') => ({
  channel: 'email',
  address,
  zoneIds: [zone(zoneName)],
  language,
});

async function mailsTo(address: string) {
  await t.faro.jobs.drain(t.faro.jobDefinitions.subscriptionConfirm);
  return smtp.received
    .filter((m) => m.to.includes(address))
    .map((m) => {
      const { text } = smtp.text(m);
      const token = (kind: string) => text.match(new RegExp(`/${kind}\\?token=([A-Za-z0-9_-]+)`))?.[1] ?? '';
      return { text, confirm: token('subscribe/confirm'), manage: token('subscription') };
    });
}

const post = (url: string, payload: object) => t.faro.app.inject({ method: 'POST', url, payload });
const zonesOf = async (manage: string) =>
  ((await post('/api/subscriptions/manage', { token: manage })).json().zones as { name: string }[]).map(
    (z) => z.name,
  );

describe('issue 12 item 10: subscriptions as a weapon', () => {
  it('texts only numbers of the coalition’s country, never premium-rate or foreign-rate ones', async () => {
    for (const phone of [
      '+1 900 555 0100', // premium rate
      '(213) 976-1234', // the 976 premium exchange
      '+1 876 555 0100', // Jamaica: +1, billed as international
      '+52 55 1234 5678', // another country
      '+44 7700 900123',
      '911-555-0100', // not a real area code
      '+1 555 0100', // short
    ]) {
      const answer = await subscribe({ channel: 'sms', phone, zoneIds: [zone('Koreatown')], language: 'en' });
      expect(answer.statusCode, phone).toBe(400);
      expect(answer.json().error.details.fields[0].field).toBe('phone');
    }
    const fine = await subscribe({
      channel: 'sms',
      phone: '(323) 555-0188',
      zoneIds: [zone('Koreatown')],
      language: 'en',
    });
    expect(fine.statusCode, fine.body).toBe(202);
    await t.faro.jobs.drain(t.faro.jobDefinitions.subscriptionConfirm);
    expect(sms.sent.map((m) => m.fields.To)).toEqual(['+13235550188']);
  });

  it('asks for the report form’s proof of work, each solution once', async () => {
    const missing = await subscribe(email('pow@example.org', 'Koreatown'), nextAddress(), {});
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.details.proofOfWork).toBe('missing');
    const pow = await solved();
    expect((await subscribe(email('pow@example.org', 'Koreatown'), nextAddress(), pow)).statusCode).toBe(202);
    const reused = await subscribe(email('pow2@example.org', 'Koreatown'), nextAddress(), pow);
    expect(reused.statusCode).toBe(403);
    expect(reused.json().error.details.proofOfWork).toBe('reused');
  });

  it('limits requests per client address', async () => {
    const from = '203.0.113.77';
    for (let i = 0; i < 3; i++)
      expect((await subscribe(email(`neighbor${i}@example.org`, 'El Sereno'), from)).statusCode).toBe(202);
    const refused = await subscribe(email('neighbor3@example.org', 'El Sereno'), from);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect((await mailsTo('neighbor3@example.org')).length).toBe(0);
    // Someone else is not held up by it.
    expect((await subscribe(email('neighbor3@example.org', 'El Sereno'))).statusCode).toBe(202);
  });

  it('never disturbs an existing subscription: its manage link works, its zones stay', async () => {
    const owner = 'rosa@example.org';
    await subscribe(email(owner, 'Boyle Heights', 'es'));
    const [first] = await mailsTo(owner);
    expect((await post('/api/subscriptions/confirm', { token: first?.confirm ?? '' })).statusCode).toBe(200);

    clock += 10 * 60_000;
    // Someone else asks for other zones for Rosa's address.
    expect((await subscribe(email(owner, 'Van Nuys'))).statusCode).toBe(202);
    const mails = await mailsTo(owner);
    expect(mails).toHaveLength(2);
    const view = await post('/api/subscriptions/manage', { token: first?.manage ?? '' });
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ status: 'active', language: 'es' });
    expect(await zonesOf(first?.manage ?? '')).toEqual(['Boyle Heights']);
    // The new confirmation carries the same manage link; only following it changes the zones.
    expect(mails[1]?.manage).toBe(first?.manage);
    expect((await post('/api/subscriptions/confirm', { token: mails[1]?.confirm ?? '' })).statusCode).toBe(
      200,
    );
    expect(await zonesOf(first?.manage ?? '')).toEqual(['Van Nuys']);
  });

  it('keeps each request waiting with its own link: another request neither breaks the first nor is sent in its place', async () => {
    // Seen in review: someone else's request for the owner's address, made first, was re-sent
    // in place of the owner's own for a week.
    const owner = 'tomas@example.org';
    await subscribe(email(owner, 'Pacoima'));
    clock += 10 * 60_000;
    await subscribe(email(owner, 'Huntington Park'));
    const mails = await mailsTo(owner);
    expect(mails).toHaveLength(2);
    const first = mails.find((m) => m.text.includes('Pacoima'));
    const second = mails.find((m) => m.text.includes('Huntington Park'));
    expect(second?.confirm).not.toBe(first?.confirm);
    expect(first?.text).toContain('Pacoima');
    expect(second?.text).toContain('Huntington Park');
    expect(second?.text).not.toContain('Pacoima');
    // The one the owner follows is the one that counts; the other link is then spent.
    const confirmed = await post('/api/subscriptions/confirm', { token: second?.confirm ?? '' });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json().zones.map((z: { name: string }) => z.name)).toEqual(['Huntington Park']);
    expect((await post('/api/subscriptions/confirm', { token: first?.confirm ?? '' })).statusCode).toBe(404);
    // A forged link for this subscription (its id, any digest) opens nothing.
    const forged = `${second?.confirm.slice(0, 32)}${'A'.repeat(43)}`;
    expect((await post('/api/subscriptions/confirm', { token: forged })).statusCode).toBe(404);
  });

  it('still confirms with a link an earlier version sent (one request, its token’s hash kept)', async () => {
    await subscribe(email('earlier@example.org', 'Pacoima'));
    const { rows } = await t.faro.database.pool.query<{ id: string; pending: { nonce: string }[] }>(
      'select id, pending from subscriptions order by created_at desc limit 1',
    );
    const row = rows[0];
    const nonce = row?.pending[0]?.nonce ?? '';
    const legacy = Buffer.from(
      t.faro.box.digest(`${row?.id}:${nonce}`, 'subscription-confirm'),
      'hex',
    ).toString('base64url');
    await t.faro.database.pool.query(
      'update subscriptions set pending = $2::jsonb, confirm_token_hash = $3 where id = $1',
      [row?.id, JSON.stringify(row?.pending[0]), createHash('sha256').update(legacy).digest('hex')],
    );
    const confirmed = await post('/api/subscriptions/confirm', { token: legacy });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().zones.map((z: { name: string }) => z.name)).toEqual(['Pacoima']);
  });

  it('sends a destination few confirmations, however many ask and from wherever', async () => {
    const target = 'inbox@example.org';
    for (let i = 0; i < 5; i++) expect((await subscribe(email(target, 'Koreatown'))).statusCode).toBe(202);
    expect(await mailsTo(target)).toHaveLength(1);
    clock += 6 * 60_000;
    for (let i = 0; i < 5; i++) await subscribe(email(target, 'Koreatown'));
    expect(await mailsTo(target)).toHaveLength(2);
    clock += 6 * 60_000;
    await subscribe(email(target, 'Koreatown'));
    expect(await mailsTo(target)).toHaveLength(2);
    clock += 24 * 3600_000;
    await subscribe(email(target, 'Koreatown'));
    expect(await mailsTo(target)).toHaveLength(3);
  });
});

describe('issue 12 item 10: a flood of confirmations', () => {
  it('queues one address’s flood behind other people’s first requests', async () => {
    const quiet = await startTestFaro({
      env: {
        SMTP_URL: smtp.url,
        // Workers look for jobs only when woken here, so the whole queue is there at once.
        JOB_POLL_SECONDS: '60',
        SUBSCRIBE_PER_ADDRESS_PER_HOUR: '100',
      },
    });
    try {
      const zoneId = (await quiet.faro.app.inject({ url: '/api/zones' })).json().zones[0].id;
      const ask = (address: string, from: string) =>
        quiet.faro.app.inject({
          method: 'POST',
          url: '/api/subscriptions',
          remoteAddress: from,
          payload: { channel: 'email', address, zoneIds: [zoneId], language: 'en' },
        });
      for (let i = 0; i < 30; i++)
        expect((await ask(`flood${i}@flood.example`, '192.0.2.66')).statusCode).toBe(202);
      expect((await ask('real.person@example.org', '198.51.100.200')).statusCode).toBe(202);
      const before = smtp.received.length;
      quiet.faro.jobs.wake(quiet.faro.jobDefinitions.subscriptionConfirm);
      await expect.poll(() => smtp.received.length - before, { timeout: 20_000 }).toBeGreaterThanOrEqual(10);
      const firstTen = smtp.received.slice(before, before + 10).flatMap((m) => m.to);
      expect(firstTen).toContain('real.person@example.org');
    } finally {
      await quiet.stop();
    }
  });
});
