import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantMembership } from '../src/server/modules/access/users.repo.js';
import type { AlertView, DraftInput } from '../src/shared/alert.js';
import { alertSteps } from './support/alerts.js';
import { BOYLE_HEIGHTS, buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';
import { incidentIdOf, organizationId } from './support/state.js';
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
let steps: Awaited<ReturnType<typeof alertSteps>>;

beforeAll(async () => {
  t = await startTestFaro({
    now: () => new Date(clock),
    env: { PUBLIC_URL: 'https://faro.network.example' },
  });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
  steps = await alertSteps(t, { dispatcher, approver });
});
afterAll(async () => t?.stop());

const zone = (name: string) => steps.zone(name);
const call = (who: StaffSession | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  steps.call(who, method, url, payload);
const draftFrom = (kind: DraftInput['kind'], extra: Partial<DraftInput> = {}) => steps.draftFrom(kind, extra);
const publish = (alert: AlertView) => steps.publish(alert);
const publicAlerts = () => steps.publicAlerts();

async function incidentInBoyleHeights() {
  const sent = await call(null, 'POST', '/api/reports', buildReportInput({ location: BOYLE_HEIGHTS }));
  expect(sent.statusCode, sent.body).toBe(201);
  await t.faro.grouper?.settle();
  return await incidentIdOf(t, sent.json().id);
}

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

describe('text that cannot be published', () => {
  it('issue 12 item 14: refuses a control character or a lone surrogate in an alert’s text with VALIDATION', async () => {
    const draft = await draftFrom('activity');
    for (const [field, value] of [
      ['headline', 'Confirmed\u0007 activity'],
      ['body', `${draft.content.en.body} \u0000`],
      ['instruction', 'Stay calm \ud83d'],
      ['headline', '\udc00 Confirmed'],
    ] as const) {
      const content = structuredClone(draft.content);
      content.en[field] = value;
      const body = {
        kind: 'activity',
        capStatus: 'Actual',
        content,
        cap: draft.cap,
        zoneIds: [zone('Boyle Heights')],
      };
      for (const [method, url] of [
        ['POST', '/api/manage/alerts'],
        ['PUT', `/api/manage/alerts/${draft.id}`],
      ] as const) {
        const response = await call(dispatcher, method, url, body);
        expect(response.statusCode, `${method} ${JSON.stringify(value)}`).toBe(400);
        expect(response.json().error.code).toBe('VALIDATION');
        expect(response.json().error.message).toMatch(/control character|broken character/);
      }
    }
    // The draft is as it was.
    const kept = (await call(dispatcher, 'GET', `/api/manage/alerts/${draft.id}`)).json() as AlertView;
    expect(kept.content).toEqual(draft.content);
    // An emoji (a surrogate pair, not a lone half) and line breaks are fine.
    const fine = structuredClone(draft.content);
    fine.en.body = `${fine.en.body}\n\n📣 Share this.`;
    const edited = await call(dispatcher, 'PUT', `/api/manage/alerts/${draft.id}`, {
      kind: 'activity',
      capStatus: 'Actual',
      content: fine,
      cap: draft.cap,
      zoneIds: [zone('Boyle Heights')],
    });
    expect(edited.statusCode, edited.body).toBe(200);
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

  it('reports what it finds in a zone’s name as that zone’s, in the composer and at submission', async () => {
    const admin = await staffSession(t.faro.database, 'coalition_admin');
    const pacoima = zone('Pacoima');
    const rename = (name: string) =>
      t.faro.app.inject({
        method: 'PATCH',
        url: `/api/admin/zones/${pacoima}`,
        headers: admin.headers,
        payload: { name },
      });
    expect((await rename('Pacoima, 13520 Van Nuys Blvd')).statusCode).toBe(204);
    try {
      const draft = await draftFrom('activity', { zoneIds: [pacoima] });
      // The template names the zone in the texts too: those findings are the texts'.
      const expected = expect.objectContaining({
        language: null,
        field: 'zone',
        zoneId: pacoima,
        kind: 'address',
      });
      expect(draft.findings).toContainEqual(expected);
      expect(draft.findings.filter((f) => f.field === 'zone')).toHaveLength(1);
      const submitted = await call(dispatcher, 'POST', `/api/manage/alerts/${draft.id}/submit`);
      expect(submitted.statusCode).toBe(422);
      expect(submitted.json().error.details.findings).toContainEqual(expected);
    } finally {
      await rename('Pacoima');
    }
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
    // Published without going through submission and approval: no snapshot, no documents made at
    // publication, and a number in its text. The first read renders it — through the guard.
    await t.faro.database.pool.query(
      `update alerts set content = jsonb_set(content, '{en,body}', '"Call 213-555-0199"'),
              snapshot = null, snapshot_hash = null, documents = null where id = $1`,
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
    const early = await call(approver, 'POST', `/api/manage/alerts/${draft.id}/approve`, {
      contentHash: '0'.repeat(64),
    });
    expect(early.statusCode).toBe(409);
    await call(dispatcher, 'POST', `/api/manage/alerts/${draft.id}/submit`);
    // A dispatcher cannot approve at all.
    expect((await steps.approve(draft.id, dispatcher)).statusCode).toBe(403);
    const approved = await steps.approve(draft.id);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ state: 'published', decidedBy: { id: approver.userId } });
    expect((await steps.approve(draft.id)).statusCode).toBe(409);
  });

  it('never lets anyone approve an alert they wrote or submitted, whatever roles they hold', async () => {
    const both = await createPerson(t.faro.database, t.faro.box, { role: 'dispatcher' });
    await grantMembership(t.faro.database.db, both.id, await organizationId(t), 'approver');
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
    const self = await steps.approve(draft.id, session);
    expect(self.statusCode).toBe(403);
    expect(self.json().error.message).toMatch(/Another person must approve/);

    // Written by one, submitted by another: neither may approve it.
    const second = await draftFrom('activity', { zoneIds: [zone('Koreatown')] });
    await call(session, 'POST', `/api/manage/alerts/${second.id}/submit`);
    expect((await steps.approve(second.id, session)).statusCode).toBe(403);
    expect((await steps.approve(second.id)).statusCode).toBe(200);
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
    // When Faro issued it, to the second (the observation time in the text is what is rounded).
    expect(new Date(listed?.sent ?? '').getTime() % 1000).toBe(0);
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

  it('issue 12 item 17: an alert, its update and its cancel each carry their own <sent>, to the second, in order', async () => {
    // A moment that is not on a five-minute mark, and the same clock for all three messages.
    clock = Math.ceil(clock / 300_000) * 300_000 + 17_250;
    const sentOf = (xml: string) => /<sent>([^<]+)<\/sent>/.exec(xml)?.[1] ?? '';
    const capOf = async (id: string) => (await call(null, 'GET', `/api/alerts/${id}/cap.xml`)).body;
    const first = await publish(await draftFrom('activity', { zoneIds: [zone('Pico-Union')] }));
    const update = await publish(
      await draftFrom('update', { referencesId: first.id, zoneIds: [zone('Pico-Union')] }),
    );
    const cancelled = await call(dispatcher, 'POST', `/api/manage/alerts/${update.id}/cancel`);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const cancel = cancelled.json() as AlertView;
    const [firstCap, updateCap, cancelCap] = await Promise.all(
      [first, update, cancel].map((a) => capOf(a.id)),
    );
    const sent = [firstCap, updateCap, cancelCap].map((xml) => sentOf(xml ?? ''));
    // Issued now, to the second — not rounded to five minutes.
    expect(sent[0]).toBe(`${new Date(clock).toISOString().slice(0, 19)}-00:00`);
    expect(new Set(sent).size).toBe(3);
    const times = sent.map((s) => Date.parse(s.replace(/-00:00$/, 'Z')));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Each reference names the earlier message by its own <sent>, exactly.
    expect(updateCap).toContain(`faro@faro.network.example,${first.id},${sent[0]}`);
    expect(cancelCap).toContain(`faro@faro.network.example,${update.id},${sent[1]}`);
    // The public list says the same.
    const listed = (await publicAlerts()).find((a) => a.id === cancel.id);
    expect(listed?.sent).toBe(new Date(times[2] ?? 0).toISOString());
    for (const xml of [firstCap, updateCap, cancelCap]) {
      const checked = await validateCap(xml ?? '');
      expect(checked.valid, checked.output).toBe(true);
    }
  });

  it('expires: an alert past its time is no longer public', async () => {
    const alert = await publish(await draftFrom('rumor_false', { zoneIds: [zone('El Sereno')] }));
    expect((await publicAlerts()).map((a) => a.id)).toContain(alert.id);
    clock += (alert.cap.expiresInMinutes + 1) * 60_000;
    expect((await publicAlerts()).map((a) => a.id)).not.toContain(alert.id);
  });
});
