import { randomBytes, randomInt } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, expectStatus } from './support/client.js';
import { randomUsNumber } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { catalogDump, type Form, formsIn, formsOf } from './support/plaintext.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { smsProviderEnv, startSmsProvider, textFaro } from './support/sms-provider.js';

/**
 * Issue 16, "a database dump and the logs contain none of: names, A-numbers, contact numbers, plan
 * messages": a plan written with marker strings in every personal field, activated by a text from
 * another phone, opens its case; the legal team adds a hearing, a family contact and a note with
 * markers too. Every row of every table (text, and bytea decoded) and every log line at debug
 * level are searched for each marker in every unsealed form — while the legal team's search by
 * A-number and by name still finds the case, and the contacts did get their messages (so the
 * markers were there to be missed). The same with PostgreSQL's own pg_dump: the browser tier,
 * test/e2e/database-dump.e2e.test.ts.
 */
let t: TestFaro;
let provider: Awaited<ReturnType<typeof startSmsProvider>>;
let legal: StaffSession;
const logLines: string[] = [];
const env = smsProviderEnv('', 'AC00000000000000000000000000000c16');

const tag = randomBytes(4).toString('hex');
const marker = (what: string) => `FARO${what}${tag}`;
const NAME = `Marcadora ${marker('NAME')} Quintero`;
const A_NUMBER = String(randomInt(100_000_000, 999_999_999));
const numbers = Array.from({ length: 4 }, () => randomUsNumber());
const [MEMBER, CONTACT_ES, CONTACT_EN, FAMILY] = numbers as [string, string, string, string];
const SENDER = randomUsNumber('323');
const MESSAGE = marker('MESSAGE');
const INSTRUCTION = marker('INSTRUCTION');
const CONTACT_NAME = marker('CONTACTNAME');
const CONTACT_EMAIL = `${marker('mail').toLowerCase()}@example.org`;
const HEARING_JUDGE = marker('JUDGE');
const NOTE = marker('NOTE');
const PIN = String(randomInt(100_000, 999_999));

beforeAll(async () => {
  provider = await startSmsProvider();
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  t = await startTestFaro({
    listen: true,
    logStream,
    env: { ...smsProviderEnv(provider.url, env.TWILIO_ACCOUNT_SID), LOG_LEVEL: 'debug' },
  });
  legal = await staffSession(t.faro.database, 'legal');
});
afterAll(async () => {
  await t?.stop();
  await provider?.close();
});

describe('a plan’s case at rest and in the logs', () => {
  it('keeps no name, A-number, number or message in clear anywhere, and still finds the case', async () => {
    const anonymous = client(t);
    const [team] = expectStatus(await anonymous.get('/api/plans/legal-organizations'), 200).body as {
      id: string;
    }[];
    const created = expectStatus(
      await anonymous.post('/api/plans', {
        contacts: [
          {
            name: CONTACT_NAME,
            phone: CONTACT_ES,
            email: CONTACT_EMAIL,
            language: 'es',
            task: 'children',
            message: MESSAGE,
          },
          { phone: CONTACT_EN, language: 'en', task: 'lawyer', message: `${MESSAGE} en` },
        ],
        instructions: { children: INSTRUCTION, medications: '', documents: '', legalOrganization: '' },
        memberPhone: MEMBER,
        memberLanguage: 'es',
        caseConsent: true,
        person: { name: NAME, aNumber: A_NUMBER, countryOfBirth: 'Honduras' },
        legalOrganizationId: team?.id,
        pin: PIN,
      }),
      201,
    );
    const code = created.body.code as string;
    // What goes wrong is logged too: a plan refused (its fields named), a wrong PIN, a bad A-number.
    expect(
      (
        await anonymous.post('/api/plans', {
          contacts: [
            {
              name: CONTACT_NAME,
              phone: `${MEMBER}99999`,
              language: 'es',
              task: 'children',
              message: MESSAGE,
            },
          ],
          memberLanguage: 'es',
          caseConsent: true,
          person: { name: NAME, aNumber: `${A_NUMBER}1` },
          pin: PIN,
        })
      ).status,
    ).toBe(400);
    const sms = smsProviderEnv(t.baseUrl, env.TWILIO_ACCOUNT_SID);
    const wrong = await textFaro(t.baseUrl, sms, SENDER, `PLAN ${code} ${PIN.split('').reverse().join('')}9`);
    expect(wrong.status).toBe(200);
    expect((await textFaro(t.baseUrl, sms, SENDER, `PLAN ${code} ${PIN}`)).status).toBe(200);
    const { planSms, planCase, smsReply } = t.faro.jobDefinitions;
    for (const job of [planCase, planSms, smsReply]) if (job) await t.faro.jobs.drain(job);

    const team_ = client(t, legal);
    const found = expectStatus(await team_.post('/api/cases/search', { aNumber: A_NUMBER }), 200).body
      .cases as { id: string }[];
    expect(found).toHaveLength(1);
    const caseId = found[0]?.id as string;
    const byName = expectStatus(await team_.post('/api/cases/search', { name: NAME.toLowerCase() }), 200).body
      .cases as { id: string }[];
    expect(byName.map((c) => c.id)).toEqual([caseId]);
    expectStatus(
      await team_.post(`/api/cases/${caseId}/hearings`, {
        at: '2027-01-12T17:00:00Z',
        court: 'Los Angeles Immigration Court',
        type: 'Master calendar',
        judge: HEARING_JUDGE,
      }),
      200,
    );
    expectStatus(
      await team_.post(`/api/cases/${caseId}/contacts`, {
        name: `${CONTACT_NAME} dos`,
        phone: FAMILY,
        language: 'es',
        relation: 'hermana',
      }),
      200,
    );
    expectStatus(await team_.post(`/api/cases/${caseId}/notes`, { text: NOTE }), 200);
    // The markers were there to be missed: the contacts got the message, the team reads it all.
    expect(provider.sent.some((m) => m.fields.To === CONTACT_ES && m.fields.Body?.includes(MESSAGE))).toBe(
      true,
    );
    const detail = JSON.stringify(expectStatus(await team_.get(`/api/cases/${caseId}`), 200).body);
    for (const shown of [NAME, INSTRUCTION, CONTACT_NAME, HEARING_JUDGE, NOTE, CONTACT_ES, FAMILY])
      expect(detail).toContain(shown);

    const secrets: [string, Form[]][] = [
      NAME,
      A_NUMBER,
      MESSAGE,
      INSTRUCTION,
      CONTACT_NAME,
      CONTACT_EMAIL,
      HEARING_JUDGE,
      NOTE,
      code,
      code.replace('-', ''),
      ...numbers,
      SENDER,
      // A number without its country code, as some stores keep it.
      ...[...numbers, SENDER].map((n) => n.slice(2)),
    ].map((secret) => [secret, formsOf(secret)]);

    const leaks: string[] = [];
    for (const [table, bytes] of await catalogDump(t.faro.database))
      for (const [secret, forms] of secrets)
        for (const form of formsIn(bytes, forms)) leaks.push(`${table}: ${secret} (${form})`);
    const logs = Buffer.from(logLines.join(''));
    expect(logs.includes('sms received')).toBe(true);
    for (const [secret, forms] of secrets)
      for (const form of formsIn(logs, forms)) leaks.push(`logs: ${secret} (${form})`);
    expect(leaks).toEqual([]);
  });
});
