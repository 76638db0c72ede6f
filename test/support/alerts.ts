import { expect } from 'vitest';
import type { AlertView, DraftInput, PublicAlert } from '../../src/shared/alert.js';
import type { TestFaro } from './faro.js';
import type { StaffSession } from './sessions.js';

/**
 * Alerts through the real HTTP stack: a draft filled from the template, the
 * two-person path (submit by the dispatcher, approve by the approver with the
 * hash of what they saw), and the public list.
 */
export async function alertSteps(t: TestFaro, people: { dispatcher: StaffSession; approver: StaffSession }) {
  const zones = (await t.faro.app.inject({ url: '/api/zones' })).json().zones as {
    id: string;
    name: string;
  }[];
  const zone = (name: string) => zones.find((z) => z.name === name)?.id ?? '';
  const call = (who: StaffSession | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    t.faro.app.inject({ method, url, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });

  async function draftFrom(
    kind: DraftInput['kind'],
    extra: Partial<DraftInput> = {},
    author: StaffSession = people.dispatcher,
  ): Promise<AlertView> {
    const template = await call(author, 'POST', '/api/manage/alerts/template', {
      kind,
      zoneIds: extra.zoneIds ?? [zone('Boyle Heights')],
      ...(extra.referencesId ? { referencesId: extra.referencesId } : {}),
    });
    expect(template.statusCode, template.body).toBe(200);
    const { content, cap, zoneIds } = template.json();
    const created = await call(author, 'POST', '/api/manage/alerts', {
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

  /** Approves what the approver was shown: the alert's content hash as they read it. */
  async function approve(alertId: string, approver: StaffSession = people.approver) {
    const seen = (await call(approver, 'GET', `/api/manage/alerts/${alertId}`)).json() as AlertView;
    return call(approver, 'POST', `/api/manage/alerts/${alertId}/approve`, { contentHash: seen.contentHash });
  }

  async function publish(alert: AlertView): Promise<AlertView> {
    const submitted = await call(people.dispatcher, 'POST', `/api/manage/alerts/${alert.id}/submit`);
    expect(submitted.statusCode, submitted.body).toBe(200);
    const approved = await approve(alert.id);
    expect(approved.statusCode, approved.body).toBe(200);
    return approved.json();
  }

  const publicAlerts = async (): Promise<PublicAlert[]> =>
    (await call(null, 'GET', '/api/alerts')).json().alerts;

  return { people, zones, zone, call, draftFrom, approve, publish, publicAlerts };
}
