import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { contactContext } from '../../src/server/modules/alerts/subscriptions.service.js';
import type { Faro } from '../../src/server/runtime.js';
import type { AlertView, DraftInput, PublicAlert } from '../../src/shared/alert.js';
import type { TestFaro } from './faro.js';
import { browserKeys } from './push-keys.js';
import type { startPushService } from './push-service.js';
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

/** Drafts an Actual alert for a zone from its template, submits it and has another person approve it. */
export async function publishAlert(
  app: FastifyInstance,
  dispatcher: StaffSession,
  approver: StaffSession,
  zoneId: string,
): Promise<{ id: string }> {
  const post = (who: StaffSession, url: string, payload?: unknown) =>
    app.inject({ method: 'POST', url, headers: who.headers, ...(payload ? { payload } : {}) });
  const template = (
    await post(dispatcher, '/api/manage/alerts/template', { kind: 'activity', zoneIds: [zoneId] })
  ).json();
  const draft = (
    await post(dispatcher, '/api/manage/alerts', { kind: 'activity', capStatus: 'Actual', ...template })
  ).json();
  await post(dispatcher, `/api/manage/alerts/${draft.id}/submit`);
  // The approver approves what they were shown: its content hash.
  const seen = (
    await app.inject({ url: `/api/manage/alerts/${draft.id}`, headers: approver.headers })
  ).json() as AlertView;
  const approved = await post(approver, `/api/manage/alerts/${draft.id}/approve`, {
    contentHash: seen.contentHash,
  });
  expect(approved.statusCode, approved.body).toBe(200);
  return approved.json();
}

/**
 * Active subscriptions of a zone written straight into the database (their contacts sealed as the
 * service seals them), as ones confirmed long ago would be; their ids, in the contacts' order.
 */
async function insertSubscriptions(
  faro: Faro,
  zoneId: string,
  channel: 'push' | 'sms',
  contacts: readonly string[],
): Promise<string[]> {
  const { rows } = await faro.database.pool.query<{ coalition_id: string }>(
    'select coalition_id from zones where id = $1',
    [zoneId],
  );
  const coalitionId = rows[0]?.coalition_id;
  const ids: string[] = [];
  for (const plain of contacts) {
    const id = randomUUID();
    ids.push(id);
    await faro.database.pool.query(
      `insert into subscriptions (id, coalition_id, channel, contact, contact_digest, language, status, manage_token_hash)
       values ($1, $2, $3, $4, $5, 'en', 'active', $6)`,
      [
        id,
        coalitionId,
        channel,
        faro.box.seal(plain, contactContext(id)),
        randomBytes(16).toString('hex'),
        randomBytes(16).toString('hex'),
      ],
    );
    await faro.database.pool.query(
      'insert into subscription_zones (zone_id, subscription_id) values ($1, $2)',
      [zoneId, id],
    );
  }
  return ids;
}

/** Push subscriptions of a zone, one per endpoint (all with one browser's keys), straight into the database. */
export function insertPushSubscriptions(faro: Faro, zoneId: string, endpoints: string[]): Promise<string[]> {
  const keys = browserKeys(1)[0];
  return insertSubscriptions(
    faro,
    zoneId,
    'push',
    endpoints.map((endpoint) => JSON.stringify({ endpoint, keys })),
  );
}

/** SMS subscriptions of a zone, one per number (E.164), straight into the database. */
export function insertSmsSubscriptions(
  faro: Faro,
  zoneId: string,
  phones: readonly string[],
): Promise<string[]> {
  return insertSubscriptions(faro, zoneId, 'sms', phones);
}

/** A template zone's id, by its name, as the public zone list gives it. */
export async function zoneIdNamed(app: FastifyInstance, name: string): Promise<string> {
  const zones = (await app.inject({ url: '/api/zones' })).json().zones as { id: string; name: string }[];
  const zone = zones.find((z) => z.name === name);
  if (!zone) throw new Error(`no zone named ${name}`);
  return zone.id;
}

/** The approver cancels a published alert (a follow-up that replaces it); the cancel's id. */
export async function cancelAlert(
  app: FastifyInstance,
  approver: StaffSession,
  alertId: string,
): Promise<string> {
  const cancelled = await app.inject({
    method: 'POST',
    url: `/api/manage/alerts/${alertId}/cancel`,
    headers: approver.headers,
  });
  expect(cancelled.statusCode, cancelled.body).toBe(200);
  return (cancelled.json() as { id: string }).id;
}

/** Each delivery of an alert to these subscriptions: state and error. */
export async function deliveriesOf(faro: Faro, alertId: string, ids: string[]) {
  const { rows } = await faro.database.pool.query<{
    subscription_id: string;
    state: string;
    error: string | null;
  }>(
    'select subscription_id, state, error from deliveries where alert_id = $1 and subscription_id = any($2::uuid[])',
    [alertId, ids],
  );
  return rows;
}

/**
 * Waits until the alert jobs (and the replies and confirmations they follow from) are done, a few
 * rounds over, as one job queues the next: replies → confirmations → fan-out → sends.
 */
export async function drainAlertJobs(faro: Faro, rounds = 3): Promise<void> {
  const { jobs, jobDefinitions } = faro;
  for (let i = 0; i < rounds; i++) {
    if (jobDefinitions.smsReply) await jobs.drain(jobDefinitions.smsReply, 20_000);
    await jobs.drain(jobDefinitions.subscriptionConfirm, 20_000);
    await jobs.drain(jobDefinitions.alertFanOut, 20_000);
    await jobs.drain(jobDefinitions.alertSend, 20_000);
  }
}

/**
 * The same two-person path over real HTTP, to a `faro start` at `baseUrl`: a draft from the zone's
 * template, submitted by the dispatcher, approved by the approver with the hash they were shown.
 */
export async function publishAlertOverHttp(
  baseUrl: string,
  dispatcher: StaffSession,
  approver: StaffSession,
  zoneId: string,
): Promise<{ id: string }> {
  const post = (session: StaffSession, path: string, body?: unknown) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { ...session.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : null,
    });
  const template = (await (
    await post(dispatcher, '/api/manage/alerts/template', { kind: 'activity', zoneIds: [zoneId] })
  ).json()) as object;
  const draft = (await (
    await post(dispatcher, '/api/manage/alerts', { kind: 'activity', capStatus: 'Actual', ...template })
  ).json()) as { id: string };
  const submitted = (await (await post(dispatcher, `/api/manage/alerts/${draft.id}/submit`)).json()) as {
    contentHash: string;
  };
  const approved = await post(approver, `/api/manage/alerts/${draft.id}/approve`, {
    contentHash: submitted.contentHash,
  });
  expect(approved.status).toBe(200);
  return draft;
}

/**
 * A browser of the test push service subscribed to `zoneIds` through the public API and confirmed
 * with the token its confirmation push carried, as a person's phone does: the browser, to read
 * what it receives.
 */
export async function subscribePushBrowser(
  faro: Faro,
  push: Awaited<ReturnType<typeof startPushService>>,
  zoneIds: readonly string[],
  language = 'en',
  /** How long the confirmation may take (a suite with a short push time-out may see it retried, 30 s on). */
  confirmWithinMs = 20_000,
) {
  const { pushKey } = (await faro.app.inject({ url: '/api/subscriptions/channels' })).json();
  const browser = await push.subscribe(pushKey);
  const asked = await faro.app.inject({
    method: 'POST',
    url: '/api/subscriptions',
    payload: {
      channel: 'push',
      subscription: { endpoint: browser.endpoint, keys: browser.keys },
      zoneIds,
      language,
    },
  });
  expect(asked.statusCode, asked.body).toBe(202);
  await faro.jobs.drain(faro.jobDefinitions.subscriptionConfirm, confirmWithinMs);
  const confirmation = JSON.parse(push.received(browser.clientHash).at(-1) ?? '{}');
  const confirmed = await faro.app.inject({
    method: 'POST',
    url: '/api/subscriptions/confirm',
    payload: { token: confirmation.token },
  });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return browser;
}
