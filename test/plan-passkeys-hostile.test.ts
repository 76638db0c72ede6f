import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { smsProviderEnv, startSmsProvider } from './support/sms-provider.js';
import { type SoftPasskey, softPasskey } from './support/soft-passkey.js';

/**
 * Issue 16, the one-tap activation seen by someone hostile, with a software authenticator that
 * signs as a phone does: a signed activation replayed, a cloned passkey (its counter repeated), a
 * signature without the phone's lock, a passkey another plan tries to claim, a removed passkey.
 * Each is refused as a passkey nobody knows is, and texts nobody.
 */
const env = smsProviderEnv('', 'AC00000000000000000000000000000b16');
let t: TestFaro;
let provider: Awaited<ReturnType<typeof startSmsProvider>>;
let clock = new Date('2026-08-01T12:00:00Z').getTime();
const now = () => new Date(clock);
const nextDay = () => {
  clock += 86_400_000 + 3_600_000;
};
let numbers = 0;
const phone = () => `+1213555${String(5000 + ++numbers).slice(-4)}`;

beforeAll(async () => {
  provider = await startSmsProvider();
  t = await startTestFaro({ listen: true, now, env: smsProviderEnv(provider.url, env.TWILIO_ACCOUNT_SID) });
});
afterAll(async () => {
  await t?.stop();
  await provider?.close();
});

const anonymous = () => client(t);
const sentTo = (to: string) =>
  provider.sent.filter((m) => m.fields.To === to).map((m) => m.fields.Body ?? '');
const drain = async () => {
  const job = t.faro.jobDefinitions.planSms;
  if (job) await t.faro.jobs.drain(job, 60_000);
};

async function writePlan() {
  const contacts = [
    {
      phone: phone(),
      language: 'en',
      task: 'children',
      message: `Pick up the kids ${randomBytes(3).toString('hex')}`,
    },
  ];
  const input = {
    contacts,
    instructions: { children: '', medications: '', documents: '', legalOrganization: '' },
    memberPhone: phone(),
    memberLanguage: 'en',
    caseConsent: false,
    testMode: false,
    pin: '482915',
  };
  const { code } = expectStatus(await anonymous().post('/api/plans', input), 201).body as { code: string };
  return { input, code };
}

/** Puts the passkey on the plan the code and PIN open; the relying party's id. */
async function addPasskey(plan: { code: string; input: { pin: string } }, key: SoftPasskey) {
  const { challengeId, options } = expectStatus(
    await anonymous().post('/api/plans/passkeys/options', { code: plan.code, pin: plan.input.pin }),
    200,
  ).body as { challengeId: string; options: { challenge: string; rp: { id: string } } };
  expectStatus(
    await anonymous().post('/api/plans/passkeys', {
      challengeId,
      response: key.register(options, t.baseUrl),
    }),
    201,
  );
  return options.rp.id;
}

async function signed(key: SoftPasskey, rpId: string, opts?: { counter?: number; userVerified?: boolean }) {
  const { challengeId, options } = expectStatus(await anonymous().post('/api/plans/passkey-challenge'), 200)
    .body as { challengeId: string; options: { challenge: string } };
  return { challengeId, response: key.assert(options.challenge, rpId, t.baseUrl, opts) };
}

const activate = (body: Record<string, unknown>) => anonymous().post('/api/plans/passkey-activate', body);

describe('one-tap activation against a hostile caller', () => {
  it('activates once with a signed challenge; the same signature sent again is refused as an unknown passkey', async () => {
    nextDay();
    const plan = await writePlan();
    const key = softPasskey();
    const rpId = await addPasskey(plan, key);
    const tap = await signed(key, rpId);
    expect(expectStatus(await activate(tap), 202).body).toEqual({ messages: 2, test: false });
    const replay = await activate(tap);
    const unknown = await activate({ ...(await signed(softPasskey(), rpId)) });
    expect(replay.status).toBe(404);
    expect([replay.status, replay.text]).toEqual([unknown.status, unknown.text]);
    await drain();
    expect(sentTo(plan.input.contacts[0]?.phone ?? '').filter((b) => b.includes('Pick up'))).toHaveLength(1);
  });

  it('refuses a cloned passkey (its counter repeated) and one signed without the phone’s lock', async () => {
    nextDay();
    const plan = await writePlan();
    const key = softPasskey();
    const rpId = await addPasskey(plan, key);
    expectStatus(await activate({ ...(await signed(key, rpId, { counter: 5 })), test: true }), 202);
    // A copy of the key signs a fresh challenge with a counter already seen.
    expect((await activate({ ...(await signed(key, rpId, { counter: 5 })), test: true })).status).toBe(404);
    expect((await activate({ ...(await signed(key, rpId, { counter: 3 })), test: true })).status).toBe(404);
    // A signature the phone made without its fingerprint or screen lock.
    expect(
      (await activate({ ...(await signed(key, rpId, { counter: 9, userVerified: false })), test: true }))
        .status,
    ).toBe(404);
    // A signature over another challenge than the one it is sent with.
    const one = await signed(key, rpId, { counter: 10 });
    const two = await signed(key, rpId, { counter: 11 });
    expect(
      (await activate({ challengeId: two.challengeId, response: one.response, test: true })).status,
    ).toBe(404);
  });

  it('never lets another plan take over a passkey, nor a removed passkey activate anything', async () => {
    nextDay();
    const mine = await writePlan();
    const theirs = await writePlan();
    const key = softPasskey();
    const rpId = await addPasskey(mine, key);
    // The other plan's holder presents the same credential to their own registration.
    const { challengeId, options } = expectStatus(
      await anonymous().post('/api/plans/passkeys/options', { code: theirs.code, pin: theirs.input.pin }),
      200,
    ).body as { challengeId: string; options: { challenge: string; rp: { id: string } } };
    await anonymous().post('/api/plans/passkeys', {
      challengeId,
      response: key.register(options, t.baseUrl),
    });
    expectStatus(await activate({ ...(await signed(key, rpId)), test: true }), 202);
    await drain();
    // The test went to the plan the passkey was made for, never the other.
    expect(sentTo(mine.input.memberPhone)).not.toEqual([]);
    expect(sentTo(theirs.input.memberPhone)).toEqual([]);
    // Removed with the code and PIN (a phone lost): it activates nothing any more.
    expectStatus(
      await anonymous().post('/api/plans/passkeys/remove', { code: mine.code, pin: mine.input.pin }),
      200,
    );
    expect((await activate(await signed(key, rpId))).status).toBe(404);
  });
});
