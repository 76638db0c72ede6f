import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, organizations } from '../src/server/db/schema.js';
import type { AlertContent, AlertView } from '../src/shared/alert.js';
import type { TranslationOverview } from '../src/shared/translations.js';
import { drainAlertJobs } from './support/alerts.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { startPushService } from './support/push-service.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { smsProviderEnv, startSmsProvider } from './support/sms-provider.js';
import { startSmtpServer } from './support/smtp.js';

/**
 * Issue 17: translations of Faro's own words reviewed per coalition, part and language; alerts
 * carry English, Spanish and each language whose alert templates are reviewed; subscribers choose
 * among them, and get their language when the alert carries it, English when it does not — by
 * push, text and e-mail, through real peers; CAP has an <info> per language.
 */
let t: TestFaro;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
let push: Awaited<ReturnType<typeof startPushService>>;
let legal: StaffSession;
let dispatcher: StaffSession;
let approver: StaffSession;
let zones: { id: string; name: string }[];

beforeAll(async () => {
  [smtp, sms, push] = await Promise.all([startSmtpServer(), startSmsProvider(), startPushService()]);
  t = await startTestFaro({
    listen: true,
    env: {
      SMTP_URL: smtp.url,
      PUBLIC_URL: 'https://faro.network.example',
      ...smsProviderEnv(sms.url, 'AC00000000000000000000000000000017'),
      SMS_MESSAGES_PER_SECOND: '200',
      ALERT_DELIVERY_BACKOFF_SECONDS: '0.2',
      JOB_POLL_SECONDS: '0.5',
    },
  });
  legal = await staffSession(t.faro.database, 'legal');
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
  zones = (await t.faro.app.inject({ url: '/api/zones' })).json().zones;
});
afterAll(async () => {
  await t?.stop();
  await Promise.all([smtp?.close(), sms?.close(), push?.close()]);
});

const zone = (name: string) => zones.find((z) => z.name === name)?.id ?? '';
const call = (who: StaffSession | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.faro.app.inject({ method, url, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });

const drained = () => drainAlertJobs(t.faro, 3);

const mark = (who: StaffSession | null, part: string, language: string, body: object) =>
  call(who, 'POST', `/api/admin/translations/${part}/${language}`, body);

const stateOf = (overview: TranslationOverview, part: string, language: string) =>
  overview.reviews.find((r) => r.part === part && r.language === language);

const audited = async (subjectId: string) =>
  (
    await t.faro.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'translation'), eq(auditLog.subjectId, subjectId)))
  ).map((row) => [row.action, row.actorId]);

describe('reviewing a translation', () => {
  it('ships English and Spanish reviewed and every other language a draft, for each part', async () => {
    const overview = (await call(legal, 'GET', '/api/admin/translations')).json<TranslationOverview>();
    expect(overview.reviews).toHaveLength(20);
    expect(stateOf(overview, 'alerts', 'es')).toMatchObject({ status: 'reviewed', shipped: true });
    expect(stateOf(overview, 'ui', 'ko')).toMatchObject({
      status: 'draft',
      shipped: false,
      reviewedBy: null,
    });
    expect(overview.reviewerOrganizations).toHaveLength(1);
    // Until one is reviewed, alerts come in English and Spanish only, and the form offers those.
    expect((await call(null, 'GET', '/api/subscriptions/channels')).json().languages).toEqual(['en', 'es']);
  });

  it('is marked reviewed by a reviewer for their organization, audited, and put back to draft', async () => {
    const reviewed = await mark(legal, 'alerts', 'vi', { status: 'reviewed' });
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    const [organization] = await t.faro.database.db
      .select()
      .from(organizations)
      .where(eq(organizations.id, reviewed.json<TranslationOverview>().reviewerOrganizations[0]?.id ?? ''));
    expect(stateOf(reviewed.json(), 'alerts', 'vi')).toMatchObject({
      status: 'reviewed',
      reviewedBy: organization?.name,
    });
    // One part reviewed says nothing of the other.
    expect(stateOf(reviewed.json(), 'ui', 'vi')).toMatchObject({ status: 'draft' });
    expect((await call(null, 'GET', '/api/subscriptions/channels')).json().languages).toEqual([
      'en',
      'es',
      'vi',
    ]);

    const back = await mark(legal, 'alerts', 'vi', { status: 'draft' });
    expect(back.statusCode, back.body).toBe(200);
    expect(stateOf(back.json(), 'alerts', 'vi')).toMatchObject({ status: 'draft', reviewedBy: null });
    expect((await call(null, 'GET', '/api/subscriptions/channels')).json().languages).toEqual(['en', 'es']);
    expect(await audited('alerts:vi')).toEqual([
      ['translation.reviewed', legal.userId],
      ['translation.draft', legal.userId],
    ]);
  });

  it('what a hostile caller gets: no review without the right or a session, none for another organization, none of what ships reviewed', async () => {
    expect((await call(null, 'GET', '/api/admin/translations')).statusCode).toBe(401);
    expect((await mark(null, 'alerts', 'zh', { status: 'reviewed' })).statusCode).toBe(401);
    expect((await call(dispatcher, 'GET', '/api/admin/translations')).statusCode).toBe(403);
    expect((await mark(dispatcher, 'alerts', 'zh', { status: 'reviewed' })).statusCode).toBe(403);
    // An approver judges alerts; reviewing a translation is for reviewers (legal teams, admins).
    expect((await mark(approver, 'alerts', 'zh', { status: 'reviewed' })).statusCode).toBe(403);
    const [other] = await t.faro.database.db
      .insert(organizations)
      .values({
        coalitionId: (await t.faro.database.db.select().from(organizations).limit(1))[0]?.coalitionId ?? '',
        slug: `translators-${Date.now()}`,
        name: 'Someone Else’s Translators',
      })
      .returning();
    expect(
      (await mark(legal, 'alerts', 'zh', { status: 'reviewed', organizationId: other?.id })).statusCode,
    ).toBe(400);
    expect((await mark(legal, 'alerts', 'en', { status: 'reviewed' })).statusCode).toBe(400);
    expect((await mark(legal, 'menus', 'zh', { status: 'reviewed' })).statusCode).toBe(400);
    expect((await mark(legal, 'alerts', 'de', { status: 'reviewed' })).statusCode).toBe(400);
    expect((await mark(legal, 'alerts', 'zh', { status: 'maybe' })).statusCode).toBe(400);
    // Nothing was marked, nothing audited.
    const overview = (await call(legal, 'GET', '/api/admin/translations')).json<TranslationOverview>();
    expect(stateOf(overview, 'alerts', 'zh')).toMatchObject({ status: 'draft' });
    expect(await audited('alerts:zh')).toEqual([]);
  });
});

describe('alerts in the reviewed languages', () => {
  let template: { content: AlertContent; cap: object; zoneIds: string[] };

  beforeAll(async () => {
    for (const language of ['ar', 'zh'])
      expect((await mark(legal, 'alerts', language, { status: 'reviewed' })).statusCode).toBe(200);
    template = (
      await call(dispatcher, 'POST', '/api/manage/alerts/template', {
        kind: 'activity',
        zoneIds: [zone('Boyle Heights')],
      })
    ).json();
  });

  it('are filled from the template in English, Spanish, Arabic and Chinese — not in a language not reviewed', () => {
    expect(Object.keys(template.content).sort()).toEqual(['ar', 'en', 'es', 'zh']);
    expect(template.content.zh?.headline).toBe('已确认：Boyle Heights出现移民执法');
    expect(template.content.ar?.headline).toBe('مؤكَّد: إنفاذ قوانين الهجرة في Boyle Heights');
    expect(template.content.zh?.instruction).toMatch(/^了解您的权利/);
    expect(template.content.ko).toBeUndefined();
  });

  it('are refused by the publishing guard for a phone number in the Arabic text', async () => {
    const content = {
      ...template.content,
      ar: { ...template.content.ar, body: `${template.content.ar?.body} اتصلوا بالرقم 213-555-0199` },
    };
    const draft = await call(dispatcher, 'POST', '/api/manage/alerts', {
      kind: 'activity',
      capStatus: 'Actual',
      ...template,
      content,
    });
    expect(draft.statusCode, draft.body).toBe(201);
    expect(draft.json<AlertView>().findings).toEqual([
      expect.objectContaining({ language: 'ar', field: 'body', kind: 'phone', text: '213-555-0199' }),
    ]);
    const submitted = await call(dispatcher, 'POST', `/api/manage/alerts/${draft.json().id}/submit`);
    expect(submitted.json().error.code).toBe('BLOCKED_BY_GUARD');
  });

  it('refuses an extra language that is not complete, or not a language', async () => {
    const base = { kind: 'activity', capStatus: 'Actual', ...template };
    const empty = { ...template.content, zh: { headline: '', body: '', instruction: '' } };
    expect(
      (await call(dispatcher, 'POST', '/api/manage/alerts', { ...base, content: empty })).statusCode,
    ).toBe(400);
    const { es: _dropped, ...withoutSpanish } = template.content;
    expect(
      (await call(dispatcher, 'POST', '/api/manage/alerts', { ...base, content: withoutSpanish })).statusCode,
    ).toBe(400);
  });

  it('refuses a language whose alert templates are not reviewed, sent straight to the API', async () => {
    // Korean is not reviewed: nobody vouched that an approver can read what it says.
    const korean = {
      headline: '확인됨',
      body: '모두 안전합니다. 집에 계십시오.',
      instruction: '권리를 아십시오.',
    };
    const base = { kind: 'activity', capStatus: 'Actual', ...template };
    const refused = await call(dispatcher, 'POST', '/api/manage/alerts', {
      ...base,
      content: { ...template.content, ko: korean },
    });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().error.details.fields).toEqual([expect.objectContaining({ field: 'content.ko' })]);
    // Nor slipped in by an edit of a draft that was fine.
    const draft = (await call(dispatcher, 'POST', '/api/manage/alerts', base)).json<AlertView>();
    const edited = await call(dispatcher, 'PUT', `/api/manage/alerts/${draft.id}`, {
      ...base,
      content: { ...template.content, ko: korean },
    });
    expect(edited.statusCode, edited.body).toBe(400);
  });

  it('will not publish a language whose review was withdrawn after the draft was written', async () => {
    expect((await mark(legal, 'alerts', 'ko', { status: 'reviewed' })).statusCode).toBe(200);
    const withKorean = (
      await call(dispatcher, 'POST', '/api/manage/alerts/template', {
        kind: 'activity',
        zoneIds: [zone('Boyle Heights')],
      })
    ).json();
    expect(withKorean.content.ko).toBeDefined();
    const draft = await call(dispatcher, 'POST', '/api/manage/alerts', {
      kind: 'activity',
      capStatus: 'Actual',
      ...withKorean,
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const submitted = await call(dispatcher, 'POST', `/api/manage/alerts/${draft.json().id}/submit`);
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect((await mark(legal, 'alerts', 'ko', { status: 'draft' })).statusCode).toBe(200);
    const approved = await call(approver, 'POST', `/api/manage/alerts/${draft.json().id}/approve`, {
      contentHash: submitted.json().contentHash,
    });
    expect(approved.statusCode, approved.body).toBe(400);
    expect(approved.json().error.details.fields).toEqual([expect.objectContaining({ field: 'content.ko' })]);
    expect((await call(approver, 'GET', `/api/manage/alerts/${draft.json().id}`)).json().state).toBe(
      'submitted',
    );
  });

  describe('delivered', () => {
    let alert: AlertView;
    let zhBrowser: Awaited<ReturnType<typeof push.subscribe>>;
    const confirm = async (token: string) =>
      expect((await call(null, 'POST', '/api/subscriptions/confirm', { token })).statusCode).toBe(200);
    const tokenIn = (text: string) => text.match(/confirm\?token=([A-Za-z0-9_-]+)/)?.[1] ?? '';

    beforeAll(async () => {
      const zoneIds = [zone('Boyle Heights')];
      const ask = async (body: object) => {
        const asked = await call(null, 'POST', '/api/subscriptions', { zoneIds, ...body });
        expect(asked.statusCode, asked.body).toBe(202);
        await drained();
      };
      // Chinese (reviewed) and Korean (not) by text; Chinese by e-mail and on a browser.
      await ask({ channel: 'sms', phone: '(323) 555-7011', language: 'zh' });
      await ask({ channel: 'sms', phone: '(323) 555-7012', language: 'ko' });
      await ask({ channel: 'email', address: 'zh.reader@example.org', language: 'zh' });
      zhBrowser = await push.subscribe(
        (await call(null, 'GET', '/api/subscriptions/channels')).json().pushKey,
      );
      await ask({
        channel: 'push',
        subscription: { endpoint: zhBrowser.endpoint, keys: zhBrowser.keys },
        language: 'zh',
      });
      for (const to of ['+13235557011', '+13235557012'])
        await confirm(tokenIn(sms.sent.filter((m) => m.fields.To === to).at(-1)?.fields.Body ?? ''));
      const mail = smtp.received.filter((m) => m.to.includes('zh.reader@example.org')).at(-1);
      await confirm(tokenIn(smtp.text(mail ?? { raw: '', from: '', to: [] }).text));
      await confirm(JSON.parse(push.received(zhBrowser.clientHash).at(-1) ?? '{}').token);

      const draft = (
        await call(dispatcher, 'POST', '/api/manage/alerts', {
          kind: 'activity',
          capStatus: 'Actual',
          ...template,
        })
      ).json<AlertView>();
      const submitted = await call(dispatcher, 'POST', `/api/manage/alerts/${draft.id}/submit`);
      const approved = await call(approver, 'POST', `/api/manage/alerts/${draft.id}/approve`, {
        contentHash: submitted.json().contentHash,
      });
      expect(approved.statusCode, approved.body).toBe(200);
      alert = approved.json();
      await drained();
    });

    it('ask each subscriber to confirm in the language they chose', () => {
      const first = (to: string) => sms.sent.find((m) => m.fields.To === to)?.fields.Body ?? '';
      expect(first('+13235557011')).toMatch(
        /^Faro：要接收 Boyle Heights 的警报，请打开 https:\/\/\S+ 回复 STOP 结束。$/,
      );
      expect(first('+13235557012')).toContain('경보를 받으려면');
      const mail = smtp.text(
        smtp.received.find((m) => m.to.includes('zh.reader@example.org')) ?? { raw: '', from: '', to: [] },
      );
      expect(mail.subject).toBe('确认您的 Faro 警报');
      expect(mail.text).toContain('要开始接收，请打开此链接');
      expect(JSON.parse(push.received(zhBrowser.clientHash)[0] ?? '{}').title).toBe(
        'Faro 警报即将开启。打开此通知以确认。',
      );
    });

    it('reach a Chinese subscriber in Chinese by text, e-mail and push, and a Korean one in English', () => {
      const zh = template.content.zh;
      const zhText = sms.sent.filter((m) => m.fields.To === '+13235557011').at(-1)?.fields.Body ?? '';
      expect(zhText).toBe(
        `${zh?.headline}. ${zh?.body} 您的权利：保持沉默；没有法官签署的搜查令，不要开门。 回复 STOP 停止接收。`,
      );
      const koText = sms.sent.filter((m) => m.fields.To === '+13235557012').at(-1)?.fields.Body ?? '';
      expect(koText.startsWith(`${template.content.en.headline}.`)).toBe(true);
      expect(koText).toContain('Reply STOP to end.');

      const mail = smtp.received.filter(
        (m) => m.to.includes('zh.reader@example.org') && m.raw.includes('<alert-'),
      );
      expect(mail).toHaveLength(1);
      const read = smtp.text(mail[0] ?? { raw: '', from: '', to: [] });
      expect(read.subject).toBe(zh?.headline);
      expect(read.text).toContain('您收到此邮件，是因为您订阅了关于Boyle Heights的 Faro 警报。');

      const pushes = push
        .received(zhBrowser.clientHash)
        .map((raw) => JSON.parse(raw))
        .filter((m) => m.type !== 'confirm');
      expect(pushes).toEqual([
        expect.objectContaining({ id: alert.id, title: zh?.headline, body: zh?.body }),
      ]);
    });

    it('are published as CAP with an <info> per language, each with its language tag', async () => {
      const cap = (await call(null, 'GET', `/api/alerts/${alert.id}/cap.xml`)).body;
      expect([...cap.matchAll(/<language>([^<]+)<\/language>/g)].map((m) => m[1])).toEqual([
        'en-US',
        'es-US',
        'zh-Hans',
        'ar',
      ]);
      expect(cap.match(/<info>/g)).toHaveLength(4);
      expect(cap).toContain(`<headline>${template.content.ar?.headline}</headline>`);
      expect(cap).toContain('<event>移民执法活动</event>');
    });

    it('count each subscriber under the language they chose', async () => {
      const counts = (await call(approver, 'GET', `/api/manage/alerts/${alert.id}/recipients`)).json();
      expect(counts.channels.sms.languages).toMatchObject({ zh: 1, ko: 1 });
      expect(counts.languages).toMatchObject({ zh: 3, ko: 1 });
    });

    it('are cancelled in every language the alert spoke', async () => {
      const cancelled = await call(approver, 'POST', `/api/manage/alerts/${alert.id}/cancel`);
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      const list = (await call(dispatcher, 'GET', '/api/manage/alerts')).json<{ alerts: AlertView[] }>();
      const cancel = list.alerts.find((a) => a.referencesId === alert.id && a.kind === 'cancel');
      expect(Object.keys(cancel?.content ?? {}).sort()).toEqual(['ar', 'en', 'es', 'zh']);
      expect(cancel?.content.zh?.instruction).toBe('无需采取任何行动。');
    });
  });
});
