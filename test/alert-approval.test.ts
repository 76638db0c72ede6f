import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantMembership } from '../src/server/modules/access/users.repo.js';
import type { AlertView } from '../src/shared/alert.js';
import { alertSteps } from './support/alerts.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';
import { organizationId } from './support/state.js';
import { capAlertsInFeed, validateCap } from './support/xml.js';

/**
 * The two-person rule as an attacker tried it: an approver who also
 * dispatches edits someone else's draft and approves their own text; a zone
 * renamed after submission or approval changes what is published. Approval
 * binds to the exact content submitted (texts, zone names and outlines), and
 * every step is in the audit log without its content.
 */
let t: TestFaro;
let dispatcher: StaffSession;
let approver: StaffSession;
let admin: StaffSession;
let both: StaffSession;
let steps: Awaited<ReturnType<typeof alertSteps>>;

beforeAll(async () => {
  t = await startTestFaro({ env: { PUBLIC_URL: 'https://faro.network.example' } });
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
  admin = await staffSession(t.faro.database, 'coalition_admin');
  const person = await createPerson(t.faro.database, t.faro.box, { role: 'dispatcher' });
  await grantMembership(t.faro.database.db, person.id, await organizationId(t), 'approver');
  both = await sessionFor(t.faro.database, person.id);
  steps = await alertSteps(t, { dispatcher, approver });
});
afterAll(async () => t?.stop());

const rename = async (zoneId: string, name: string) => {
  const renamed = await t.faro.app.inject({
    method: 'PATCH',
    url: `/api/admin/zones/${zoneId}`,
    headers: admin.headers,
    payload: { name },
  });
  expect(renamed.statusCode, renamed.body).toBe(204);
};

const edit = (who: StaffSession, alert: AlertView, change: (content: AlertView['content']) => void) => {
  const content = structuredClone(alert.content);
  change(content);
  return steps.call(who, 'PUT', `/api/manage/alerts/${alert.id}`, {
    kind: alert.kind,
    capStatus: alert.capStatus,
    content,
    cap: alert.cap,
    zoneIds: alert.zones.map((z) => z.id),
  });
};

describe('issue 12 item 5: nobody publishes alone', () => {
  it('issue 12 item 5: refuses an approver who changed the text, though someone else wrote and submitted it', async () => {
    const draft = await steps.draftFrom('activity', { zoneIds: [steps.zone('Koreatown')] });
    const edited = await edit(both, draft, (content) => {
      content.en.body = `${content.en.body} Stay indoors.`;
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await steps.call(dispatcher, 'POST', `/api/manage/alerts/${draft.id}/submit`)).statusCode).toBe(
      200,
    );
    const self = await steps.approve(draft.id, both);
    expect(self.statusCode, self.body).toBe(403);
    expect(self.json().error.message).toMatch(/changed/);
    // Another person who never touched it approves.
    expect((await steps.approve(draft.id)).statusCode).toBe(200);
  });

  it('issue 12 item 5: approves only the content the approver saw; a zone renamed after submission does not change it', async () => {
    const zoneId = steps.zone('Highland Park');
    const draft = await steps.draftFrom('activity', { zoneIds: [zoneId] });
    const submitted = await steps.call(dispatcher, 'POST', `/api/manage/alerts/${draft.id}/submit`);
    const seen = submitted.json() as AlertView;
    expect(seen.contentHash).toMatch(/^[0-9a-f]{64}$/);

    // A hash that is not the one of what was submitted is refused, and nothing is published.
    const stale = await steps.call(approver, 'POST', `/api/manage/alerts/${draft.id}/approve`, {
      contentHash: 'f'.repeat(64),
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('CONFLICT');
    const missing = await steps.call(approver, 'POST', `/api/manage/alerts/${draft.id}/approve`, {});
    expect(missing.statusCode).toBe(400);
    expect((await steps.call(approver, 'GET', `/api/manage/alerts/${draft.id}`)).json().state).toBe(
      'submitted',
    );

    await rename(zoneId, 'Highland Park Renamed');
    try {
      // The approver is shown, and approves, what was submitted.
      const shown = (await steps.call(approver, 'GET', `/api/manage/alerts/${draft.id}`)).json() as AlertView;
      expect(shown.zones.map((z) => z.name)).toEqual(['Highland Park']);
      expect(shown.contentHash).toBe(seen.contentHash);
      const preview = (await steps.call(approver, 'GET', `/api/manage/alerts/${draft.id}/preview`)).json();
      expect(preview.cap).toContain('<areaDesc>Highland Park</areaDesc>');
      const approved = await steps.call(approver, 'POST', `/api/manage/alerts/${draft.id}/approve`, {
        contentHash: seen.contentHash,
      });
      expect(approved.statusCode, approved.body).toBe(200);
      const cap = (await steps.call(null, 'GET', `/api/alerts/${draft.id}/cap.xml`)).body;
      expect(cap).toContain('<areaDesc>Highland Park</areaDesc>');
      expect(cap).not.toContain('Renamed');
    } finally {
      await rename(zoneId, 'Highland Park');
    }
  });

  it('issue 12 item 5: a zone renamed after approval changes neither the alert, its CAP nor the feed', async () => {
    const zoneId = steps.zone('El Sereno');
    const alert = await steps.publish(await steps.draftFrom('activity', { zoneIds: [zoneId] }));
    const before = {
      json: (await steps.publicAlerts()).find((a) => a.id === alert.id),
      cap: (await steps.call(null, 'GET', `/api/alerts/${alert.id}/cap.xml`)).body,
    };
    expect(before.cap).toContain('<areaDesc>El Sereno</areaDesc>');
    await rename(zoneId, 'Somewhere Else');
    try {
      const json = (await steps.publicAlerts()).find((a) => a.id === alert.id);
      expect(json).toEqual(before.json);
      expect(json?.zones.map((z) => z.name)).toEqual(['El Sereno']);
      const cap = (await steps.call(null, 'GET', `/api/alerts/${alert.id}/cap.xml`)).body;
      expect(cap).toBe(before.cap);
      const feed = (await steps.call(null, 'GET', '/api/alerts/feed.atom')).body;
      expect(feed).not.toContain('Somewhere Else');
      const carried = capAlertsInFeed(feed).find((document) => document.includes(alert.id));
      expect(carried).toContain('<areaDesc>El Sereno</areaDesc>');
      const checked = await validateCap(carried ?? '');
      expect(checked.valid, checked.output).toBe(true);
      // The staff's view shows what was published too.
      const view = (
        await steps.call(dispatcher, 'GET', `/api/manage/alerts/${alert.id}`)
      ).json() as AlertView;
      expect(view.zones.map((z) => z.name)).toEqual(['El Sereno']);
      // So does what is sent: the cancel's correction names the zone as it was published.
      const cancel = await steps.call(dispatcher, 'POST', `/api/manage/alerts/${alert.id}/cancel`);
      expect(cancel.statusCode, cancel.body).toBe(200);
      expect((cancel.json() as AlertView).content.en.headline).toBe('Cancelled: earlier alert for El Sereno');
    } finally {
      await rename(zoneId, 'El Sereno');
    }
  });

  it('issue 12 item 5: writes every alert action to the audit log — who, what, which alert, never the content', async () => {
    const draft = await steps.draftFrom('activity', { zoneIds: [steps.zone('Boyle Heights')] });
    await edit(dispatcher, draft, (content) => {
      content.es.body = `${content.es.body} Quédese adentro.`;
    });
    await steps.call(dispatcher, 'POST', `/api/manage/alerts/${draft.id}/submit`);
    await steps.call(approver, 'POST', `/api/manage/alerts/${draft.id}/reject`, { reason: 'Say more.' });
    await edit(dispatcher, draft, () => undefined);
    const published = await steps.publish(draft);
    const update = await steps.publish(
      await steps.draftFrom('update', { referencesId: published.id, zoneIds: [steps.zone('Boyle Heights')] }),
    );
    const cancel = (await steps.call(dispatcher, 'POST', `/api/manage/alerts/${update.id}/cancel`)).json();

    const { rows } = await t.faro.database.pool.query<{
      action: string;
      actor_id: string;
      subject_type: string;
      subject_id: string;
    }>(
      `select action, actor_id, subject_type, subject_id from audit_log
        where subject_id = any($1) order by id`,
      [[draft.id, update.id, cancel.id]],
    );
    const entries = rows.map((r) => [r.action, r.actor_id, r.subject_id]);
    expect(entries).toEqual([
      ['alert.drafted', dispatcher.userId, draft.id],
      ['alert.edited', dispatcher.userId, draft.id],
      ['alert.submitted', dispatcher.userId, draft.id],
      ['alert.rejected', approver.userId, draft.id],
      ['alert.edited', dispatcher.userId, draft.id],
      ['alert.submitted', dispatcher.userId, draft.id],
      ['alert.approved', approver.userId, draft.id],
      ['alert.drafted', dispatcher.userId, update.id],
      ['alert.submitted', dispatcher.userId, update.id],
      ['alert.approved', approver.userId, update.id],
      ['alert.updated', approver.userId, draft.id],
      ['alert.cancelled', dispatcher.userId, update.id],
    ]);
    expect(new Set(rows.map((r) => r.subject_type))).toEqual(new Set(['alert']));
    const everything = JSON.stringify(
      (await t.faro.database.pool.query('select * from audit_log where subject_type = $1', ['alert'])).rows,
    );
    expect(everything).not.toContain('Quédese');
    expect(everything).not.toContain('Say more');
  });
});
