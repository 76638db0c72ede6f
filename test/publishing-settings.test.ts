import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertView } from '../src/shared/alert.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { smsProviderEnv } from './support/sms-provider.js';

/**
 * Issue 12 item 16, through the real HTTP stack: the coalition's own hotline
 * and SMS numbers go on the publishing settings' allow-list (an
 * administrator's setting, kept when an older client leaves it out), after
 * which ordinary alerts that give the hotline are submitted and published;
 * every other number is still refused.
 */
let t: TestFaro;
let admin: StaffSession;
let dispatcher: StaffSession;
let approver: StaffSession;

beforeAll(async () => {
  // SMS set up (sending from +1 323 555 0100); nothing is sent in these tests, so the provider is never called.
  t = await startTestFaro({
    env: { PUBLIC_URL: 'https://faro.network.example', ...smsProviderEnv('http://127.0.0.1:9') },
  });
  admin = await staffSession(t.faro.database, 'coalition_admin');
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
  approver = await staffSession(t.faro.database, 'approver');
});
afterAll(async () => t?.stop());

const call = (who: StaffSession | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.faro.app.inject({ method, url, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });

const HOTLINE = {
  en: ' Call our hotline at (213) 555-0100 or text ALERTA to 51555.',
  es: ' Llame a nuestra línea al 213.555.0100 o envíe ALERTA al 51555.',
};

/** An ordinary activity alert for Boyle Heights from the template, with the hotline in both languages. */
async function draftWithHotline(extra = ''): Promise<AlertView> {
  const zones: { id: string; name: string }[] = (await call(null, 'GET', '/api/zones')).json().zones;
  const zoneIds = [zones.find((z) => z.name === 'Boyle Heights')?.id ?? ''];
  const template = (
    await call(dispatcher, 'POST', '/api/manage/alerts/template', { kind: 'activity', zoneIds })
  ).json();
  const content = structuredClone(template.content);
  content.en.body += HOTLINE.en + extra;
  content.es.body += HOTLINE.es;
  const created = await call(dispatcher, 'POST', '/api/manage/alerts', {
    kind: 'activity',
    capStatus: 'Actual',
    content,
    cap: template.cap,
    zoneIds,
  });
  expect(created.statusCode, created.body).toBe(201);
  return created.json();
}

const findings = (view: AlertView) => view.findings.map((f) => [f.language, f.kind, f.text]);

describe('issue 12 item 16: the coalition’s own numbers in the publishing settings', () => {
  it('issue 12 item 16: lets alerts give the number this Faro texts from, with no setting', async () => {
    const draft = await draftWithHotline(' Or text HELP to (323) 555-0100.');
    // Only the hotline, not yet allowed, is found: nothing of the SMS number.
    expect(findings(draft).filter(([, , text]) => String(text).includes('323'))).toEqual([]);
    expect(findings(draft).length).toBeGreaterThan(0);
  });

  it('issue 12 item 16: refuses the hotline until an administrator allows it, then publishes the alert', async () => {
    const before = await draftWithHotline();
    expect(findings(before)).toEqual([
      ['en', 'phone', '(213) 555-0100'],
      ['es', 'phone', '213.555.0100'],
    ]);
    expect((await call(dispatcher, 'POST', `/api/manage/alerts/${before.id}/submit`)).statusCode).toBe(422);

    const set = await call(admin, 'PUT', '/api/admin/publishing', {
      allowedHosts: ['aclu.org'],
      blockedNames: ['Tío Beto'],
      allowedNumbers: ['+1 (213) 555-0100', '51555'],
    });
    expect(set.statusCode, set.body).toBe(200);
    expect((await call(admin, 'GET', '/api/admin/publishing')).json().allowedNumbers).toEqual([
      '+1 (213) 555-0100',
      '51555',
    ]);

    const draft = await draftWithHotline();
    expect(findings(draft)).toEqual([]);
    expect((await call(dispatcher, 'POST', `/api/manage/alerts/${draft.id}/submit`)).statusCode).toBe(200);
    const seen = (await call(approver, 'GET', `/api/manage/alerts/${draft.id}`)).json() as AlertView;
    const approved = await call(approver, 'POST', `/api/manage/alerts/${draft.id}/approve`, {
      contentHash: seen.contentHash,
    });
    expect(approved.statusCode, approved.body).toBe(200);
    const published = (await call(null, 'GET', '/api/alerts')).json().alerts;
    expect(published.find((a: { id: string }) => a.id === draft.id)?.content.en.body).toContain(
      '(213) 555-0100',
    );
  });

  it('issue 12 item 16: still refuses any other number beside the allowed ones', async () => {
    const draft = await draftWithHotline(' Or call Rosa at 323-555-0147.');
    expect(findings(draft)).toEqual([['en', 'phone', '323-555-0147']]);
  });

  it('issue 12 item 16: keeps the allowed numbers when a change leaves them out', async () => {
    const set = await call(admin, 'PUT', '/api/admin/publishing', {
      allowedHosts: [],
      blockedNames: ['Tío Beto'],
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().allowedNumbers).toEqual(['+1 (213) 555-0100', '51555']);
  });

  it('issue 12 item 16: refuses what is not a number, says why, and keeps the list as it was', async () => {
    const refused = await call(admin, 'PUT', '/api/admin/publishing', {
      allowedHosts: [],
      blockedNames: [],
      allowedNumbers: ['+1 213 555 0100', 'call Rosa'],
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('VALIDATION');
    expect(refused.body).toContain('phone number or short code');
    expect((await call(admin, 'GET', '/api/admin/publishing')).json()).toMatchObject({
      blockedNames: ['Tío Beto'],
      allowedNumbers: ['+1 (213) 555-0100', '51555'],
    });
  });

  it('issue 12 item 16: keeps who changed what alerts may say in the audit log, never the lists', async () => {
    const changed = await call(admin, 'PUT', '/api/admin/publishing', {
      allowedHosts: [],
      blockedNames: ['Rosa Quintanilla'],
      allowedNumbers: ['(213) 555-0100'],
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const entries = (await call(admin, 'GET', '/api/admin/audit?action=settings.publishing_changed')).json()
      .entries as { action: string; actorName: string | null }[];
    expect(entries[0]).toMatchObject({ action: 'settings.publishing_changed' });
    expect(entries[0]?.actorName).toBeTruthy();
    expect(JSON.stringify(entries)).not.toContain('Quintanilla');
  });

  it('issue 12 item 16: lets only coalition administrators change the list', async () => {
    const organizationAdmin = await staffSession(t.faro.database, 'admin');
    for (const hostileCaller of [dispatcher, organizationAdmin]) {
      const hostile = await call(hostileCaller, 'PUT', '/api/admin/publishing', {
        allowedHosts: [],
        blockedNames: [],
        allowedNumbers: ['323-555-0147'],
      });
      expect(hostile.statusCode).toBe(403);
    }
    expect((await call(admin, 'GET', '/api/admin/publishing')).json().allowedNumbers).not.toContain(
      '323-555-0147',
    );
  });
});
