import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { message, smsMessage } from '../src/server/locales/messages.js';
import { smsCost } from '../src/server/modules/alerts/sms-segments.js';
import { plainPunctuation } from '../src/server/modules/sms/info-replies.js';
import { INFO_REPLIES_PER_HOUR } from '../src/server/modules/sms/reply-limit.js';
import { twilioSignature } from '../src/server/modules/sms/twilio.js';
import type { AlertView } from '../src/shared/alert.js';
import type { PublicLanguage } from '../src/shared/languages.js';
import type { PublicRights, RightsOverview, RightsTextDetail } from '../src/shared/rights.js';
import { drainAlertJobs } from './support/alerts.js';
import { client, expectStatus } from './support/client.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { inboundText, postInbound, smsProviderEnv, startSmsProvider } from './support/sms-provider.js';
import { reportsOfMessage, responderOutOnIncident } from './support/state.js';

/**
 * Issue 17, "Rights by SMS" and "a flip phone is enough", over the provider's signed webhook:
 * RIGHTS in each language's own word texts back the coalition's wallet card in that language
 * (within three segments, GSM-7 where the words allow); HELP lists the keywords to the public
 * and stays a check-in for a responder; the alert keywords speak ten languages; each text is
 * answered once however often the provider delivers it.
 */
const ACCOUNT = 'AC00000000000000000000000000000171';
const PUBLIC_URL = 'https://faro.network.example';
let t: TestFaro;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
let admin: StaffSession;
const env = () => smsProviderEnv(sms.url, ACCOUNT);

beforeAll(async () => {
  sms = await startSmsProvider();
  t = await startTestFaro({
    listen: true,
    env: {
      PUBLIC_URL,
      ...env(),
      SMS_MESSAGES_PER_SECOND: '200',
      JOB_POLL_SECONDS: '0.5',
      SUBSCRIPTION_CONFIRMATION_GAP_MINUTES: '0',
    },
  });
  admin = await staffSession(t.faro.database, 'coalition_admin');
});
afterAll(async () => {
  await t?.stop();
  await sms?.close();
});

const deliver = (fields: Record<string, string>) =>
  postInbound(
    t.baseUrl,
    env().TWILIO_AUTH_TOKEN,
    fields,
    twilioSignature(env().TWILIO_AUTH_TOKEN, `${PUBLIC_URL}/api/sms/inbound`, fields),
  );
const drained = () => drainAlertJobs(t.faro, 2);
let phones = 0;
const textsTo = (phone: string) =>
  sms.sent.filter((m) => m.fields.To === phone).map((m) => m.fields.Body ?? '');

/** Texts Faro from `phone` (the same message delivered `times` times at once); what came back, and its id. */
async function send(phone: string, body: string, times = 1) {
  const before = textsTo(phone).length;
  const fields = inboundText(env(), phone, body);
  const responses = await Promise.all(Array.from({ length: times }, () => deliver(fields)));
  expect(responses.map((r) => r.status)).toEqual(Array(times).fill(200));
  await drained();
  return { replies: textsTo(phone).slice(before), sid: fields.MessageSid };
}
const text = async (phone: string, body: string, times = 1) => (await send(phone, body, times)).replies;

/** What /rights shows as the wallet card in `language`. */
async function cardOn(language: PublicLanguage) {
  const rights = (await t.faro.app.inject({ url: `/api/rights?language=${language}` })).json<PublicRights>();
  const card = rights.items.find((item) => item.kind === 'card');
  if (!card) throw new Error('no card');
  return card;
}

describe('RIGHTS by text', () => {
  it.each([
    ['RIGHTS', 'en', 'GSM-7'],
    ['Derechos', 'es', null],
    ['KARAPATAN', 'tl', 'GSM-7'],
    ['dwa', 'ht', 'GSM-7'],
    ['DROITS', 'fr', 'GSM-7'],
    ['权利', 'zh', 'UCS-2'],
    ['권리', 'ko', 'UCS-2'],
    ['حقوق', 'ar', 'UCS-2'],
    ['QUYEN', 'vi', 'UCS-2'],
    ['DIREITOS', 'pt', null],
  ] as const)(
    '%s texts back the card as /rights shows it in %s, within three segments',
    async (word, language, encoding) => {
      phones += 1;
      const phone = `+1323555${String(1800 + phones).padStart(4, '0')}`;
      const [reply, ...more] = await text(phone, word);
      expect(more).toEqual([]);
      const card = await cardOn(language);
      const cost = smsCost(reply ?? '');
      expect(cost.segments).toBeLessThanOrEqual(3);
      if (encoding) expect(cost.encoding).toBe(encoding);
      // Its title and its first thing to say, whole; the link to the page in that language.
      expect(reply).toContain(plainPunctuation(card.text.title));
      expect(reply).toContain(plainPunctuation(card.text.points[0] ?? ''));
      expect(reply).toContain(`${PUBLIC_URL}/rights?lang=${language}`);
      // A translation nobody has reviewed says so.
      expect(reply?.includes(smsMessage(language, 'sms.rights.draft'))).toBe(!card.reviewed);
      // The Arabic card reads right to left in its own script; the Korean in Hangul.
      if (language === 'ar') expect(reply).toMatch(/اعرف حقوقك/);
      if (language === 'ko') expect(reply).toContain('묵비권');
      if (language === 'zh') expect(reply).toContain('我要行使保持沉默的权利');
    },
  );

  it('carries the coalition’s edited card at once, and answers a text delivered three times once', async () => {
    const overview = (
      await t.faro.app.inject({ url: '/api/admin/rights', headers: admin.headers })
    ).json<RightsOverview>();
    const id = overview.items.find((item) => item.kind === 'card')?.id ?? '';
    const before = (
      await t.faro.app.inject({ url: `/api/admin/rights/${id}/en`, headers: admin.headers })
    ).json<RightsTextDetail>();
    const content = structuredClone(before.current?.content);
    if (!content) throw new Error('no card');
    content.points[0] = 'I will remain silent and I want a lawyer.';
    const edited = await t.faro.app.inject({
      method: 'PUT',
      url: `/api/admin/rights/${id}/en`,
      headers: admin.headers,
      payload: { content, baseVersion: before.current?.version },
    });
    expect(edited.statusCode, edited.body).toBe(200);

    const replies = await text('+13235551890', 'rights', 3);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^Know your rights: I will remain silent and I want a lawyer\. /);
    // Edited, so a draft until reviewed again.
    expect(replies[0]).toContain('(Draft translation, not yet reviewed.)');
    expect(smsCost(replies[0] ?? '')).toMatchObject({ encoding: 'GSM-7' });
    expect(smsCost(replies[0] ?? '').segments).toBeLessThanOrEqual(3);
  });

  it('remembers an answered message’s id (nothing else) for a few days, then the retention job forgets it', async () => {
    const { sid } = await send('+13235551891', 'DROITS');
    const stored = async () =>
      (
        await t.faro.database.pool.query<{ message_sid: string }>(
          'select message_sid from sms_answered where message_sid = $1',
          [sid],
        )
      ).rows;
    expect(await stored()).toEqual([{ message_sid: sid }]);
    const job = t.faro.jobDefinitions.retention;
    await t.faro.jobs.send(job, {});
    await t.faro.jobs.drain(job);
    expect(await stored()).toHaveLength(1);
    await t.faro.database.pool.query(
      `update sms_answered set answered_at = now() - interval '4 days' where message_sid = $1`,
      [sid],
    );
    await t.faro.jobs.send(job, {});
    await t.faro.jobs.drain(job);
    expect(await stored()).toEqual([]);
  });
});

describe('keyword texts from one number, again and again', () => {
  it('are answered a few times an hour, then no more: nobody runs up the bill or gets the number blocked', async () => {
    const replies: string[] = [];
    for (const word of ['RIGHTS', 'HELP', 'DERECHOS', 'ZONES', 'RIGHTS', 'RIGHTS', 'HELP', 'ZONAS'])
      replies.push(...(await text('+13235551950', word)));
    expect(replies).toHaveLength(INFO_REPLIES_PER_HOUR);
    // Another number is answered as ever.
    expect(await text('+13235551951', 'RIGHTS')).toHaveLength(1);
  });

  it('are counted in the database, shared by every Faro process, under a key that names no number', async () => {
    const { rows } = await t.faro.database.pool.query<{ key: string; count: number }>(
      'select key, count from sms_info_quota',
    );
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) expect(row.key).toMatch(/^[0-9a-f]{6}$/);
    expect(rows.map((row) => row.count)).toContain(INFO_REPLIES_PER_HOUR);
    // Another process's answers are this one's too: counts at the limit hold back the next answer.
    await t.faro.database.pool.query('update sms_info_quota set count = $1', [INFO_REPLIES_PER_HOUR]);
    expect(await text('+13235551951', 'HELP')).toEqual([]);
  });
});

describe('HELP by text', () => {
  it('lists the keywords to the public in the keyword’s language, once per message', async () => {
    const [help, ...twice] = await text('+13235551900', 'HELP', 2);
    expect(twice).toEqual([]);
    expect(help).toMatch(/^Faro: to report, text what you see and where/);
    for (const word of ['RIGHTS', 'ALERTS', 'ZONES', 'MY ALERTS', 'STOP']) expect(help).toContain(word);
    expect(smsCost(help ?? '')).toMatchObject({ encoding: 'GSM-7' });
    expect(smsCost(help ?? '').segments).toBeLessThanOrEqual(3);

    const [ayuda] = await text('+13235551901', 'Ayuda');
    expect(ayuda).toContain('DERECHOS');
    expect(smsCost(ayuda ?? '')).toMatchObject({ encoding: 'GSM-7' });
    const [korean] = await text('+13235551902', '도움');
    expect(korean).toContain('권리');
    expect(smsCost(korean ?? '').segments).toBeLessThanOrEqual(3);
    const [arabic] = await text('+13235551903', 'مساعدة');
    expect(arabic).toContain('حقوق');
    expect(smsCost(arabic ?? '').segments).toBeLessThanOrEqual(3);
  });

  it('keeps a longer text with "help" in it a report', async () => {
    const { replies, sid } = await send('+13235551904', 'help they are taking my neighbor at 5th and Main');
    const [report] = await reportsOfMessage(t, sid);
    expect(report?.description).toBe('help they are taking my neighbor at 5th and Main');
    expect(replies).toEqual([expect.stringMatching(/^Faro: report received\. Your code is /)]);
  });

  it('is a call for help from a responder on scene, from their own number', async () => {
    const { responder } = await responderOutOnIncident(t, ['on_scene']);
    expectStatus(
      await client(t, responder).put('/api/responder/profile', {
        languages: ['en'],
        skills: [],
        homeZoneIds: [],
        offerPhone: '(323) 555-1905',
      }),
      200,
    );
    const [reply] = await text('+13235551905', 'HELP');
    expect(reply).toMatch(/^Faro: the dispatchers know you need help at #\d+/);
  });
});

describe('HELP from a responder not on scene', () => {
  it('is kept as a report (a call for help is never lost), and no keyword reply past the limit hides one', async () => {
    const { responder } = await responderOutOnIncident(t, ['en_route']);
    expectStatus(
      await client(t, responder).put('/api/responder/profile', {
        languages: ['en'],
        skills: [],
        homeZoneIds: [],
        offerPhone: '(323) 555-1960',
      }),
      200,
    );
    // Even after the number used up its keyword answers, its HELP is a report with a receipt.
    for (let i = 0; i < INFO_REPLIES_PER_HOUR + 1; i++) await text('+13235551960', 'RIGHTS');
    const { replies, sid } = await send('+13235551960', 'HELP');
    const [report] = await reportsOfMessage(t, sid);
    expect(report?.description).toBe('HELP');
    expect(replies).toEqual([expect.stringMatching(/^Faro: report received\. Your code is /)]);
  });
});

describe('subscribing by text in the other eight languages', () => {
  it('takes AVISOS and SIM in Portuguese, answers in Portuguese, and the alert falls back to English', async () => {
    const phone = '+13235551910';
    const [ask] = await text(phone, 'AVISOS BOYLE HEIGHTS');
    expect(ask).toBe(
      'Faro: responda SIM para receber avisos de Boyle Heights por SMS. Responda STOP para parar quando quiser.',
    );
    const [confirmed] = await text(phone, 'Sim');
    expect(confirmed).toMatch(/^Faro: voce vai receber avisos de Boyle Heights por SMS\./);
    expect(smsCost(confirmed ?? '')).toMatchObject({ encoding: 'GSM-7' });
    const { rows } = await t.faro.database.pool.query<{ language: string; status: string }>(
      `select language, status from subscriptions where channel = 'sms'`,
    );
    expect(rows).toEqual([{ language: 'pt', status: 'active' }]);

    const dispatcher = await staffSession(t.faro.database, 'dispatcher');
    const approver = await staffSession(t.faro.database, 'approver');
    const zones = (await t.faro.app.inject({ url: '/api/zones' })).json().zones as {
      id: string;
      name: string;
    }[];
    const zoneIds = [zones.find((z) => z.name === 'Boyle Heights')?.id];
    const template = expectStatus(
      await client(t, dispatcher).post('/api/manage/alerts/template', { kind: 'activity', zoneIds }),
      200,
    ).body;
    const draft = expectStatus(
      await client(t, dispatcher).post('/api/manage/alerts', {
        kind: 'activity',
        capStatus: 'Actual',
        ...template,
      }),
      201,
    ).body as AlertView;
    const submitted = expectStatus(
      await client(t, dispatcher).post(`/api/manage/alerts/${draft.id}/submit`),
      200,
    );
    const before = textsTo(phone).length;
    const approved = expectStatus(
      await client(t, approver).post(`/api/manage/alerts/${draft.id}/approve`, {
        contentHash: submitted.body.contentHash,
      }),
      200,
    ).body as AlertView;
    await drained();
    // The alert carries English and Spanish today: a Portuguese subscriber gets the English.
    const [alert] = textsTo(phone).slice(before);
    expect(alert).toContain(approved.content.en.headline);
    expect(alert).toContain(message('en', 'alerts.sms.rights'));

    const [mine] = await text(phone, 'MEUS AVISOS');
    expect(mine).toMatch(/^Faro: este numero recebe avisos de Boyle Heights\./);
  });

  it('answers ZONES in Chinese and Korean in their own words, within three segments', async () => {
    const [zh] = await text('+13235551911', '地区');
    expect(zh).toMatch(/^Faro 地区（1\/\d）：Boyle Heights, /);
    expect(smsCost(zh ?? '').segments).toBeLessThanOrEqual(3);
    const [ko] = await text('+13235551912', '알림');
    expect(ko).toMatch(/^Faro: "알림"과 지역 이름을 보내세요\./);
  });
});
