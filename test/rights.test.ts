import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, memberships, organizations } from '../src/server/db/schema.js';
import { rightsFindings } from '../src/server/modules/rights/rights.service.js';
import { SHIPPED_ITEMS, SHIPPED_TEXTS } from '../src/server/modules/rights/shipped.js';
import { PUBLIC_LANGUAGES } from '../src/shared/languages.js';
import {
  type PublicRights,
  type RightsCards,
  type RightsOverview,
  type RightsTextDetail,
  rightsTextSchema,
} from '../src/shared/rights.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';

/**
 * Issue 17, the rights library: shipped in ten languages (English and Spanish reviewed, the rest
 * drafts that say so), public in each, edited by the coalition as versions that pass the
 * publishing guard, reviewed for a member organization — and what a hostile caller gets.
 */
let t: TestFaro;
let admin: StaffSession;
let legal: StaffSession;
let dispatcher: StaffSession;

beforeAll(async () => {
  t = await startTestFaro({ listen: true, env: { WEB_DIST_DIR: path.resolve('dist/web') } });
  admin = await staffSession(t.faro.database, 'coalition_admin');
  legal = await staffSession(t.faro.database, 'legal');
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
});
afterAll(async () => t?.stop());

const call = (who: StaffSession | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.faro.app.inject({ method, url, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });

const published = async (language: string) =>
  (await call(null, 'GET', `/api/rights?language=${language}`)).json<PublicRights>();

const itemId = async (slug: string) => {
  const overview = (await call(admin, 'GET', '/api/admin/rights')).json<RightsOverview>();
  const item = overview.items.find((i) => i.slug === slug);
  if (!item) throw new Error(`no ${slug}`);
  return item.id;
};

describe('the shipped rights library', () => {
  it('has every item in every public language, in shape, and nothing the publishing guard refuses', () => {
    for (const language of PUBLIC_LANGUAGES) {
      const slugs = SHIPPED_TEXTS.filter((text) => text.language === language).map((text) => text.slug);
      expect(slugs, language).toEqual(SHIPPED_ITEMS.map((item) => item.slug));
    }
    const english = new Map(SHIPPED_TEXTS.filter((s) => s.language === 'en').map((s) => [s.slug, s.content]));
    for (const text of SHIPPED_TEXTS) {
      const content = rightsTextSchema.parse(text.content);
      // A translation says as much as the English: the same number of points, paragraphs and sources.
      const source = rightsTextSchema.parse(english.get(text.slug));
      expect(
        [content.points.length, content.more.length, content.sources.length],
        `${text.language}:${text.slug}`,
      ).toEqual([source.points.length, source.more.length, source.sources.length]);
      expect(
        rightsFindings(content, { allowedHosts: [], blockedNames: [] }),
        `${text.language}:${text.slug}`,
      ).toEqual([]);
    }
  });

  it('is public in each language: English and Spanish reviewed, the others drafts that say so', async () => {
    const es = await published('es');
    expect(es.items.map((i) => i.slug)).toEqual(SHIPPED_ITEMS.map((i) => i.slug));
    expect(es.items.every((i) => i.language === 'es' && i.reviewed)).toBe(true);
    expect(es.items.find((i) => i.slug === 'door')?.text.title).toBe('Si tocan a su puerta');
    const ar = await published('ar');
    expect(ar.items.every((i) => i.language === 'ar' && !i.reviewed)).toBe(true);
    expect((await call(null, 'GET', '/api/rights?language=de')).statusCode).toBe(400);
  });

  it('renders /rights in Arabic right to left on the server, keeps Arabic for the public pages, not for staff pages', async () => {
    const page = await call(null, 'GET', '/rights?lang=ar');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<html lang="ar" dir="rtl"/);
    expect(page.body).toContain('data-testid="rights-page"');
    expect(page.body).toContain('اعرف حقوقك');
    // Every public page speaks the ten (issue 17): the choice made here is kept for them.
    expect(String(page.headers['set-cookie'] ?? '')).toContain('faro_lang=ar');
    const chinese = await call(null, 'GET', '/rights', undefined);
    expect(chinese.body).toMatch(/<html lang="en" dir="ltr"/);
    const zh = await t.faro.app.inject({
      method: 'GET',
      url: '/rights',
      headers: { 'accept-language': 'zh-CN,zh;q=0.9' },
    });
    expect(zh.body).toMatch(/<html lang="zh" dir="ltr"/);
    const report = await t.faro.app.inject({
      method: 'GET',
      url: '/report',
      headers: { 'accept-language': 'zh-CN,zh;q=0.9' },
    });
    expect(report.body).toMatch(/<html lang="zh" dir="ltr"/);
    // A staff page speaks English and Spanish: Arabic chosen, it is the phone's other language, or English.
    const staff = await t.faro.app.inject({
      method: 'GET',
      url: '/dispatch',
      headers: { cookie: 'faro_lang=ar', 'accept-language': 'ar,es;q=0.8' },
    });
    expect(staff.body).toMatch(/<html lang="es" dir="ltr"/);
  });
});

describe('wallet cards', () => {
  it('gives each language’s card with every word in that language, and refuses a language it does not speak', async () => {
    const answer = await call(null, 'GET', '/api/rights/cards?languages=ko&languages=ar&paper=a4');
    expect(answer.statusCode, answer.body).toBe(200);
    const { paper, cards } = answer.json<RightsCards>();
    expect(paper).toBe('a4');
    expect(cards.map((c) => [c.language, c.direction, c.reviewed])).toEqual([
      ['ko', 'ltr', false],
      ['ar', 'rtl', false],
    ]);
    expect(cards[1]?.back.heading).toBe('ماذا تفعل');
    expect(cards[1]?.footer.at(-1)).toContain('ليست استشارة قانونية');
    expect(cards[0]?.front.lines).toHaveLength(4);
    expect((await call(null, 'GET', '/api/rights/cards?languages=xx')).statusCode).toBe(400);
    // The page ignores what it does not know and shows the page's own language.
    const page = await call(null, 'GET', '/rights/cards?lang=es&languages=xx');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Conozca sus derechos');
  });
});

describe('the cards as a PDF', () => {
  it('makes one for all ten languages, and refuses a card text an admin makes too long to print', async () => {
    const all = PUBLIC_LANGUAGES.map((l) => `languages=${l}`).join('&');
    const pdf = await call(null, 'GET', `/rights/cards.pdf?${all}&paper=a4`);
    expect(pdf.statusCode, pdf.body.slice(0, 200)).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^attachment; filename="rights-cards-en-es-/);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    const id = await itemId('card');
    const before = (await call(admin, 'GET', `/api/admin/rights/${id}/fr`)).json<RightsTextDetail>();
    const content = structuredClone(before.current?.content);
    if (!content) throw new Error('no text');
    content.points = Array.from(
      { length: 12 },
      (_, i) => `${i + 1}. ${'Je garde le silence et je ne consens à aucune fouille. '.repeat(6)}`,
    );
    const refused = await call(admin, 'PUT', `/api/admin/rights/${id}/fr`, {
      content,
      baseVersion: before.current?.version,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.reason).toBe('card_too_long');
    expect((await call(admin, 'GET', `/api/admin/rights/${id}/fr`)).json<RightsTextDetail>().current).toEqual(
      before.current,
    );
  }, 60_000);
});

describe('editing and reviewing', () => {
  it('keeps every version, turns an edited text back into a draft, and is reviewed for one organization', async () => {
    const id = await itemId('door');
    const before = (await call(admin, 'GET', `/api/admin/rights/${id}/es`)).json<RightsTextDetail>();
    expect(before.current?.status).toBe('reviewed');
    const content = structuredClone(before.current?.content);
    if (!content) throw new Error('no text');
    content.points[0] = 'No tiene que abrir la puerta. Hable con ellos a través de la puerta cerrada.';
    const edited = await call(admin, 'PUT', `/api/admin/rights/${id}/es`, {
      content,
      baseVersion: before.current?.version,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const after = edited.json<RightsTextDetail>();
    expect(after.current?.status).toBe('draft');
    expect(after.current?.version).toBe((before.current?.version ?? 0) + 1);
    expect(after.versions.map((v) => v.change)).toEqual(['edited', 'shipped']);
    expect(after.versions[1]?.content.points[0]).toBe(before.current?.content.points[0]);
    // The public page says so at once.
    const door = (await published('es')).items.find((i) => i.slug === 'door');
    expect(door?.reviewed).toBe(false);
    expect(door?.text.points[0]).toBe(content.points[0]);

    // Saved from a stale copy: refused, nothing lost.
    const stale = await call(admin, 'PUT', `/api/admin/rights/${id}/es`, {
      content: { ...content, title: 'Otra cosa' },
      baseVersion: before.current?.version,
    });
    expect(stale.statusCode).toBe(409);

    // Legal counsel reviews the version they read, for their organization.
    const reviewed = await call(legal, 'POST', `/api/admin/rights/${id}/es/review`, {
      version: after.current?.version,
    });
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    const done = reviewed.json<RightsTextDetail>();
    expect(done.current?.status).toBe('reviewed');
    expect(done.current?.reviewedBy).toBeTruthy();
    expect(done.versions[0]).toMatchObject({ change: 'reviewed', status: 'reviewed' });
    expect(done.versions[0]?.by).toBeTruthy();
    expect((await published('es')).items.find((i) => i.slug === 'door')?.reviewed).toBe(true);

    const audited = await t.faro.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'rights_item'), eq(auditLog.subjectId, id)));
    expect(audited.map((a) => a.action).sort()).toEqual(['rights.edited', 'rights.reviewed']);
  });

  it('refuses a text the publishing guard would not publish, and keeps what was there', async () => {
    const id = await itemId('after');
    const before = (await call(admin, 'GET', `/api/admin/rights/${id}/en`)).json<RightsTextDetail>();
    const content = structuredClone(before.current?.content);
    if (!content) throw new Error('no text');
    content.more.push('Or call Maria at (213) 555-0199, she lives at 1234 E Cesar Chavez Ave.');
    const refused = await call(admin, 'PUT', `/api/admin/rights/${id}/en`, {
      content,
      baseVersion: before.current?.version,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('BLOCKED_BY_GUARD');
    expect(refused.json().error.details.findings.map((f: { kind: string }) => f.kind)).toEqual(
      expect.arrayContaining(['phone', 'address']),
    );
    const now = (await call(admin, 'GET', `/api/admin/rights/${id}/en`)).json<RightsTextDetail>();
    expect(now.current).toEqual(before.current);
  });

  it('what a hostile caller gets: no edit without the right, no review for another organization, no empty text', async () => {
    const id = await itemId('street');
    const current = (await call(admin, 'GET', `/api/admin/rights/${id}/en`)).json<RightsTextDetail>().current;
    const body = { content: current?.content, baseVersion: current?.version };
    expect((await call(null, 'PUT', `/api/admin/rights/${id}/en`, body)).statusCode).toBe(401);
    expect((await call(dispatcher, 'PUT', `/api/admin/rights/${id}/en`, body)).statusCode).toBe(403);
    expect((await call(dispatcher, 'GET', '/api/admin/rights')).statusCode).toBe(403);
    // Counsel reviews; it does not rewrite.
    expect((await call(legal, 'PUT', `/api/admin/rights/${id}/en`, body)).statusCode).toBe(403);
    const empty = await call(admin, 'PUT', `/api/admin/rights/${id}/en`, {
      content: { ...current?.content, points: [] },
      baseVersion: current?.version,
    });
    expect(empty.statusCode).toBe(400);
    // A review said to be for an organization the reviewer is not in.
    const [other] = await t.faro.database.db
      .insert(organizations)
      .values({
        coalitionId: (await t.faro.database.db.select().from(organizations).limit(1))[0]?.coalitionId ?? '',
        slug: `other-${Date.now()}`,
        name: 'Another Legal Org',
      })
      .returning();
    const forOther = await call(legal, 'POST', `/api/admin/rights/${id}/ar/review`, {
      version: 1,
      organizationId: other?.id,
    });
    expect(forOther.statusCode).toBe(400);
    // A person with the right in two organizations says which one.
    const twoOrgs = await createPerson(t.faro.database, t.faro.box, { role: 'legal' });
    await t.faro.database.db
      .insert(memberships)
      .values({ userId: twoOrgs.id, organizationId: other?.id ?? '', role: 'legal' });
    const two = await sessionFor(t.faro.database, twoOrgs.id);
    expect((await call(two, 'POST', `/api/admin/rights/${id}/ar/review`, { version: 1 })).statusCode).toBe(
      400,
    );
    const chosen = await call(two, 'POST', `/api/admin/rights/${id}/ar/review`, {
      version: 1,
      organizationId: other?.id,
    });
    expect(chosen.statusCode, chosen.body).toBe(200);
    expect(chosen.json<RightsTextDetail>().current?.reviewedBy).toBe('Another Legal Org');
    // Not an item: 404, not a crash.
    expect(
      (await call(admin, 'GET', '/api/admin/rights/00000000-0000-4000-8000-000000000000/en')).statusCode,
    ).toBe(404);
  });
});
