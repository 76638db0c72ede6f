import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantMembership } from '../src/server/modules/access/users.repo.js';
import type { AlertView, DraftInput, PublicAlert } from '../src/shared/alert.js';
import { BOYLE_HEIGHTS, buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';
import { capAlertsInFeed, validateCap, xmllint } from './support/xml.js';

/**
 * Alerts from an incident to the public: templates in both languages, the
 * publishing guard, the two-person rule, CAP statuses (only Actual is ever
 * public), update / all clear / cancel each referencing the earlier alert,
 * expiry, and the public outputs (JSON, CAP, Atom) validated by xmllint.
 */
let t: TestFaro;
let dispatcher: StaffSession;
let approver: StaffSession;
let clock = Date.now();
let zones: { id: string; name: string }[];

beforeAll(async () => {
  t = await startTestFaro({
    now: () => new Date(clock),
    env: { PUBLIC_URL: 'https://faro.network.example' },
  });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
  zones = (await t.faro.app.inject({ url: '/api/zones' })).json().zones;
});
afterAll(async () => t?.stop());

const zone = (name: string) => zones.find((z) => z.name === name)?.id ?? '';
const call = (who: StaffSession | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.faro.app.inject({ method, url, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });

async function incidentInBoyleHeights() {
  const sent = await call(null, 'POST', '/api/reports', buildReportInput({ location: BOYLE_HEIGHTS }));
  expect(sent.statusCode, sent.body).toBe(201);
  await t.faro.grouper?.settle();
  const { rows } = await t.faro.database.pool.query<{ incident_id: string }>(
    'select incident_id from reports where id = $1',
    [sent.json().id],
  );
  return rows[0]?.incident_id ?? '';
}

async function draftFrom(kind: DraftInput['kind'], extra: Partial<DraftInput> = {}): Promise<AlertView> {
  const template = await call(dispatcher, 'POST', '/api/manage/alerts/template', {
    kind,
    zoneIds: extra.zoneIds ?? [zone('Boyle Heights')],
    ...(extra.referencesId ? { referencesId: extra.referencesId } : {}),
  });
  expect(template.statusCode, template.body).toBe(200);
  const { content, cap, zoneIds } = template.json();
  const created = await call(dispatcher, 'POST', '/api/manage/alerts', {
    kind,
    capStatus: 'Actual',
    content,
    cap,
    zoneIds,
    ...extra,
  });
  expect(created.statusCode, created.body).toBe(201);
  return created.json();
}

async function publish(alert: AlertView): Promise<AlertView> {
  const submitted = await call(dispatcher, 'POST', `/api/manage/alerts/${alert.id}/submit`);
  expect(submitted.statusCode, submitted.body).toBe(200);
  const approved = await call(approver, 'POST', `/api/manage/alerts/${alert.id}/approve`);
  expect(approved.statusCode, approved.body).toBe(200);
  return approved.json();
}

const publicAlerts = async (): Promise<PublicAlert[]> =>
  (await call(null, 'GET', '/api/alerts')).json().alerts;

describe('composing an alert', () => {
  it('fills a template from a confirmed incident in English and Spanish, with public values only', async () => {
    const incidentId = await incidentInBoyleHeights();
    const response = await call(dispatcher, 'POST', '/api/manage/alerts/template', {
      kind: 'activity',
      incidentId,
    });
    expect(response.statusCode, response.body).toBe(200);
    const { content, cap, zoneIds } = response.json();
    expect(zoneIds).toEqual([zone('Boyle Heights')]);
    expect(content.en.headline).toBe('Confirmed: immigration enforcement in Boyle Heights');
    expect(content.es.headline).toBe('Confirmado: operativo migratorio en Boyle Heights');
    expect(content.es.instruction).toMatch(/^Conozca sus derechos/);
    expect(content.en.body).toMatch(/around \d{1,2}:\d[05] [AP]M/);
    expect(cap).toMatchObject({ urgency: 'Immediate', severity: 'Severe', certainty: 'Observed' });
  });

  it('shows per channel what would leave, SMS segments counted (Spanish accents cost more)', async () => {
    const draft = await draftFrom('activity');
    const preview = await call(dispatcher, 'GET', `/api/manage/alerts/${draft.id}/preview`);
    expect(preview.statusCode, preview.body).toBe(200);
    const [en, es] = preview.json().languages;
    expect(en.sms.encoding).toBe('GSM-7');
    expect(es.sms.encoding).toBe('UCS-2');
    expect(es.sms.segments).toBeGreaterThan(en.sms.segments);
    expect(en.email.subject).toBe(draft.content.en.headline);
    expect((await validateCap(preview.json().cap)).valid).toBe(true);
  });
});

describe('the publishing guard', () => {
  it('blocks submission, says exactly what and where, and keeps the draft', async () => {
    const draft = await draftFrom('activity');
    const leaking = structuredClone(draft.content);
    leaking.es.body = `${leaking.es.body} Llame a Rosa al 323-555-0147, placa 7ABC123.`;
    const edited = await call(dispatcher, 'PUT', `/api/manage/alerts/${draft.id}`, {
      kind: 'activity',
      capStatus: 'Actual',
      content: leaking,
      cap: draft.cap,
      zoneIds: draft.zones.map((z) => z.id),
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().findings.map((f: { kind: string; text: string }) => [f.kind, f.text])).toEqual([
      ['phone', '323-555-0147'],
      ['plate', '7ABC123'],
    ]);
    const submitted = await call(dispatcher, 'POST', `/api/manage/alerts/${draft.id}/submit`);
    expect(submitted.statusCode).toBe(422);
    expect(submitted.json().error.code).toBe('BLOCKED_BY_GUARD');
    expect(submitted.json().error.message).toContain('phone "323-555-0147" (es body)');
    const kept = (await call(dispatcher, 'GET', `/api/manage/alerts/${draft.id}`)).json();
    expect(kept.state).toBe('draft');
    expect(kept.content.es.body).toContain('323-555-0147');
  });

  it('blocks names on the coalition’s list, set by an administrator', async () => {
    const admin = await staffSession(t.faro.database, 'coalition_admin');
    const set = await call(admin, 'PUT', '/api/admin/publishing', {
      allowedHosts: ['aclu.org'],
      blockedNames: ['Tío Beto'],
    });
    expect(set.statusCode, set.body).toBe(200);
    const draft = await draftFrom('activity');
    const content = structuredClone(draft.content);
    content.en.body = `${content.en.body} Ask TÍO BETO. More at https://www.aclu.org/know-your-rights`;
    const edited = await call(dispatcher, 'PUT', `/api/manage/alerts/${draft.id}`, {
      kind: 'activity',
      capStatus: 'Actual',
      content,
      cap: draft.cap,
      zoneIds: draft.zones.map((z) => z.id),
    });
    expect(edited.json().findings.map((f: { kind: string; text: string }) => [f.kind, f.text])).toEqual([
      ['name', 'TÍO BETO'],
    ]);
  });

  it('stops an alert that got into the database past the composer at every public output', async () => {
    const alert = await publish(await draftFrom('activity', { zoneIds: [zone('El Sereno')] }));
    await t.faro.database.pool.query(
      `update alerts set content = jsonb_set(content, '{en,body}', '"Call 213-555-0199"') where id = $1`,
      [alert.id],
    );
    expect((await publicAlerts()).map((a) => a.id)).not.toContain(alert.id);
    const cap = await call(null, 'GET', `/api/alerts/${alert.id}/cap.xml`);
    expect(cap.statusCode).toBe(404);
    expect(cap.body).not.toContain('213-555-0199');
    expect((await call(null, 'GET', '/api/alerts/feed.atom')).body).not.toContain('213-555-0199');
    await t.faro.database.pool.query(`update alerts set ended_at = now() where id = $1`, [alert.id]);
  });
});

describe('the two-person rule', () => {
  it('publishes only once another person with the approver role approves', async () => {
    const draft = await draftFrom('activity');
    expect((await call(approver, 'POST', `/api/manage/alerts/${draft.id}/approve`)).statusCode).toBe(409);
    await call(dispatcher, 'POST', `/api/manage/alerts/${draft.id}/submit`);
    // A dispatcher cannot approve at all.
    expect((await call(dispatcher, 'POST', `/api/manage/alerts/${draft.id}/approve`)).statusCode).toBe(403);
    const approved = await call(approver, 'POST', `/api/manage/alerts/${draft.id}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ state: 'published', decidedBy: { id: approver.userId } });
    expect((await call(approver, 'POST', `/api/manage/alerts/${draft.id}/approve`)).statusCode).toBe(409);
  });

  it('never lets anyone approve an alert they wrote or submitted, whatever roles they hold', async () => {
    const both = await createPerson(t.faro.database, t.faro.box, { role: 'dispatcher' });
    const [organization] = (await t.faro.database.pool.query<{ id: string }>('select id from organizations'))
      .rows;
    await grantMembership(t.faro.database.db, both.id, organization?.id ?? '', 'approver');
    const session = await sessionFor(t.faro.database, both.id);
    const template = (
      await call(session, 'POST', '/api/manage/alerts/template', {
        kind: 'activity',
        zoneIds: [zone('Koreatown')],
      })
    ).json();
    const draft = (
      await call(session, 'POST', '/api/manage/alerts', {
        kind: 'activity',
        capStatus: 'Actual',
        ...template,
      })
    ).json();
    await call(session, 'POST', `/api/manage/alerts/${draft.id}/submit`);
    const self = await call(session, 'POST', `/api/manage/alerts/${draft.id}/approve`);
    expect(self.statusCode).toBe(403);
    expect(self.json().error.message).toMatch(/Another person must approve/);

    // Written by one, submitted by another: neither may approve it.
    const second = await draftFrom('activity', { zoneIds: [zone('Koreatown')] });
    await call(session, 'POST', `/api/manage/alerts/${second.id}/submit`);
    expect((await call(session, 'POST', `/api/manage/alerts/${second.id}/approve`)).statusCode).toBe(403);
    expect((await call(approver, 'POST', `/api/manage/alerts/${second.id}/approve`)).statusCode).toBe(200);
  });

  it('sends a rejected alert back with the reason; edited, it is a draft again', async () => {
    const draft = await draftFrom('rumor_false');
    await call(dispatcher, 'POST', `/api/manage/alerts/${draft.id}/submit`);
    const rejected = await call(approver, 'POST', `/api/manage/alerts/${draft.id}/reject`, {
      reason: 'Say which school the rumor was about.',
    });
    expect(rejected.json()).toMatchObject({
      state: 'rejected',
      rejectReason: 'Say which school the rumor was about.',
    });
    const edited = await call(dispatcher, 'PUT', `/api/manage/alerts/${draft.id}`, {
      kind: 'rumor_false',
      capStatus: 'Actual',
      content: draft.content,
      cap: draft.cap,
      zoneIds: draft.zones.map((z) => z.id),
    });
    expect(edited.json()).toMatchObject({ state: 'draft', rejectReason: null });
  });
});

describe('public outputs', () => {
  it('publishes an actual alert as JSON, CAP 1.2 and Atom, with coarse places and rounded times', async () => {
    const alert = await publish(
      await draftFrom('activity', { zoneIds: [zone('Boyle Heights'), zone('El Sereno')] }),
    );
    const listed = (await publicAlerts()).find((a) => a.id === alert.id);
    expect(listed?.zones.map((z) => z.name)).toEqual(['Boyle Heights', 'El Sereno']);
    expect(new Date(listed?.sent ?? '').getTime() % 300_000).toBe(0);
    expect(JSON.stringify(listed)).not.toMatch(/lat|lng|h3/);

    const cap = await call(null, 'GET', `/api/alerts/${alert.id}/cap.xml`);
    expect(cap.headers['content-type']).toMatch(/application\/cap\+xml/);
    const checked = await validateCap(cap.body);
    expect(checked.valid, checked.output).toBe(true);
    expect(cap.body.match(/<info>/g)).toHaveLength(2);
    expect(cap.body.match(/<area>/g)).toHaveLength(4);

    const feed = await call(null, 'GET', '/api/alerts/feed.atom');
    expect(feed.headers['content-type']).toMatch(/application\/atom\+xml/);
    expect((await xmllint(feed.body)).valid).toBe(true);
    expect(feed.body).toContain(`<id>urn:uuid:${alert.id}</id>`);
    const carried = capAlertsInFeed(feed.body);
    expect(carried.length).toBeGreaterThan(0);
    for (const document of carried) {
      const result = await validateCap(document);
      expect(result.valid, result.output).toBe(true);
    }
  });

  it('never makes a test or exercise alert public, though staff see it marked', async () => {
    for (const capStatus of ['Test', 'Exercise'] as const) {
      const template = (
        await call(dispatcher, 'POST', '/api/manage/alerts/template', {
          kind: 'activity',
          zoneIds: [zone('Boyle Heights')],
        })
      ).json();
      const draft = (
        await call(dispatcher, 'POST', '/api/manage/alerts', { kind: 'activity', capStatus, ...template })
      ).json();
      const published = await publish(draft);
      expect(published).toMatchObject({ state: 'published', capStatus });
      expect((await publicAlerts()).map((a) => a.id)).not.toContain(draft.id);
      expect((await call(null, 'GET', `/api/alerts/${draft.id}/cap.xml`)).statusCode).toBe(404);
      expect((await call(null, 'GET', '/api/alerts/feed.atom')).body).not.toContain(draft.id);
      const preview = (await call(dispatcher, 'GET', `/api/manage/alerts/${draft.id}/preview`)).json();
      expect(preview.languages[0].push.title).toMatch(
        capStatus === 'Test' ? /^TEST, NOT A REAL ALERT/ : /^EXERCISE/,
      );
      expect(preview.cap).toContain(`<status>${capStatus}</status>`);
    }
  });
});

describe('lifecycle', () => {
  it('updates, ends with an all clear, each a CAP message referencing the earlier ones', async () => {
    const first = await publish(await draftFrom('activity', { zoneIds: [zone('Highland Park')] }));
    const update = await publish(
      await draftFrom('update', { referencesId: first.id, zoneIds: [zone('Highland Park')] }),
    );
    expect(update.msgType).toBe('Update');
    const updateCap = (await call(null, 'GET', `/api/alerts/${update.id}/cap.xml`)).body;
    const updateChecked = await validateCap(updateCap);
    expect(updateChecked.valid, updateChecked.output).toBe(true);
    expect(updateCap).toContain('<msgType>Update</msgType>');
    expect(updateCap).toContain(`faro@faro.network.example,${first.id},`);
    const ids = (await publicAlerts()).map((a) => a.id);
    expect(ids).toContain(update.id);
    expect(ids).not.toContain(first.id);
    const allClear = await publish(
      await draftFrom('all_clear', { referencesId: update.id, zoneIds: [zone('Highland Park')] }),
    );
    const cap = (await call(null, 'GET', `/api/alerts/${allClear.id}/cap.xml`)).body;
    expect((await validateCap(cap)).valid).toBe(true);
    expect(cap).toContain('<responseType>AllClear</responseType>');
    expect(cap).toMatch(
      new RegExp(
        `<references>faro@faro.network.example,${update.id},[^ ]+ faro@faro.network.example,${first.id},`,
      ),
    );
    // The first alert's CAP still resolves (references point at it), though it is no longer in force.
    expect((await call(null, 'GET', `/api/alerts/${first.id}/cap.xml`)).statusCode).toBe(200);
    // An ended alert cannot be followed up again.
    const again = await call(dispatcher, 'POST', '/api/manage/alerts', {
      kind: 'update',
      capStatus: 'Actual',
      referencesId: first.id,
      content: first.content,
      cap: first.cap,
      zoneIds: first.zones.map((z) => z.id),
    });
    expect(again.statusCode).toBe(409);
  });

  it('cancels in one action with a prepared correction in every language', async () => {
    const alert = await publish(await draftFrom('activity', { zoneIds: [zone('Koreatown')] }));
    // A phone polling the list and the feed: checked every time, downloaded again only when changed.
    const held = new Map<string, string>();
    for (const url of ['/api/alerts', '/api/alerts/feed.atom']) {
      const first = await call(null, 'GET', url);
      expect(first.headers['cache-control']).toBe('no-cache');
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^"[\w-]{32}"$/);
      const again = await t.faro.app.inject({ url, headers: { 'if-none-match': etag } });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      held.set(url, etag);
    }
    const cancelled = await call(dispatcher, 'POST', `/api/manage/alerts/${alert.id}/cancel`);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const cancel = cancelled.json() as AlertView;
    expect(cancel).toMatchObject({
      kind: 'cancel',
      msgType: 'Cancel',
      state: 'published',
      referencesId: alert.id,
    });
    expect(cancel.content.en.headline).toBe('Cancelled: earlier alert for Koreatown');
    expect(cancel.content.es.headline).toBe('Cancelada: alerta anterior para Koreatown');
    // The cancel shows at once to a phone that held the list before it.
    for (const [url, etag] of held) {
      const changed = await t.faro.app.inject({ url, headers: { 'if-none-match': etag } });
      expect(changed.statusCode, url).toBe(200);
      expect(changed.body).toContain(cancel.id);
    }
    const ids = (await publicAlerts()).map((a) => a.id);
    expect(ids).toContain(cancel.id);
    expect(ids).not.toContain(alert.id);
    const cap = (await call(null, 'GET', `/api/alerts/${cancel.id}/cap.xml`)).body;
    const checked = await validateCap(cap);
    expect(checked.valid, checked.output).toBe(true);
    expect(cap).toContain('<msgType>Cancel</msgType>');
    expect((await call(dispatcher, 'POST', `/api/manage/alerts/${alert.id}/cancel`)).statusCode).toBe(409);
  });

  it('expires: an alert past its time is no longer public', async () => {
    const alert = await publish(await draftFrom('rumor_false', { zoneIds: [zone('El Sereno')] }));
    expect((await publicAlerts()).map((a) => a.id)).toContain(alert.id);
    clock += (alert.cap.expiresInMinutes + 1) * 60_000;
    expect((await publicAlerts()).map((a) => a.id)).not.toContain(alert.id);
  });
});
