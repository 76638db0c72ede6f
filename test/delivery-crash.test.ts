import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../src/server/crypto/secret-box.js';
import { decodeKey } from '../src/server/crypto/secret-key.js';
import { contactContext } from '../src/server/modules/alerts/subscriptions.service.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { TEST_SECRET_KEY } from './support/keys.js';
import { type ServerProcess, spawnServer } from './support/process.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { startSmtpServer } from './support/smtp.js';

/**
 * A worker killed (SIGKILL, as the OOM killer would) while it delivers an
 * alert to 300 subscribers, then a new one started: everyone gets the alert,
 * one delivery record each, one message id each. Two real `faro start`
 * processes on one PostgreSQL (PGlite is one process's database).
 */
const N = 300;

describe.skipIf(!process.env.DATABASE_URL)('a worker killed in the middle of a fan-out', () => {
  let db: TestDatabase;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let dispatcher: StaffSession;
  let approver: StaffSession;
  let env: Record<string, string>;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    smtp = await startSmtpServer({ delayMs: 25 });
    db = await createTestDatabase();
    const box = await createSecretBox(decodeKey(TEST_SECRET_KEY));
    const { rows } = await db.database.pool.query<{ id: string; coalition_id: string }>(
      `select id, coalition_id from zones where name = 'Boyle Heights'`,
    );
    const zone = rows[0];
    if (!zone) throw new Error('no Boyle Heights');
    const ids = Array.from({ length: N }, () => randomUUID());
    await db.database.pool.query(
      `insert into subscriptions (id, coalition_id, channel, contact, contact_digest, language, status, manage_token_hash)
       select id, $2, 'email', contact, 'd-' || id, 'en', 'active', 'm-' || id
       from unnest($1::uuid[], $3::text[]) as s(id, contact)`,
      [ids, zone.coalition_id, ids.map((id, i) => box.seal(`neighbor${i}@example.org`, contactContext(id)))],
    );
    await db.database.pool.query(
      `insert into subscription_zones (zone_id, subscription_id) select $1, unnest($2::uuid[])`,
      [zone.id, ids],
    );
    dispatcher = await staffSession(db.database, 'dispatcher');
    approver = await staffSession(db.database, 'approver');
    await db.database.close();
    env = {
      DATABASE_URL: db.url as string,
      FARO_DEMO: 'false',
      SMTP_URL: smtp.url,
      PUBLIC_URL: 'https://faro.network.example',
      JOB_POLL_SECONDS: '0.5',
      ALERT_DELIVERY_LEASE_SECONDS: '3',
    };
  });
  afterAll(async () => {
    for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await Promise.all(servers.map((server) => server.exited));
    await smtp?.close();
    await db?.drop();
  });

  const alertMails = () => smtp.received.filter((m) => /<alert-/.test(m.raw));

  it('delivers to everyone exactly once after a restart', async () => {
    const first = await spawnServer(env);
    servers.push(first);
    const post = (session: StaffSession, path: string, body?: unknown) =>
      fetch(`${first.baseUrl}${path}`, {
        method: 'POST',
        headers: { ...session.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : null,
      });
    const zoneId = (
      (await (await fetch(`${first.baseUrl}/api/zones`)).json()) as { zones: { id: string; name: string }[] }
    ).zones.find((z) => z.name === 'Boyle Heights')?.id;
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

    // Killed a third of the way through.
    const deadline = Date.now() + 30_000;
    while (alertMails().length < N / 3) {
      if (Date.now() > deadline) throw new Error(`only ${alertMails().length} sent:\n${first.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = alertMails().length;
    expect(atKill).toBeLessThan(N);

    const second = await spawnServer(env);
    servers.push(second);
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const until = Date.now() + 60_000;
      for (;;) {
        const { rows } = await client.query<{ state: string; n: number }>(
          `select state, count(*)::int as n from deliveries where alert_id = $1 group by state`,
          [draft.id],
        );
        const sent = rows.find((r) => r.state === 'sent')?.n ?? 0;
        if (sent === N) {
          // One record per recipient, no more.
          expect(rows).toEqual([{ state: 'sent', n: N }]);
          break;
        }
        if (Date.now() > until) throw new Error(`${JSON.stringify(rows)}\n${second.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await client.end();
    }

    // Everyone has the alert, under one message id each.
    const byRecipient = new Map<string, Set<string>>();
    for (const mail of alertMails()) {
      const id = mail.raw.match(/<alert-[^>]+>/)?.[0] ?? '';
      for (const to of mail.to) byRecipient.set(to, (byRecipient.get(to) ?? new Set()).add(id));
    }
    expect(byRecipient.size).toBe(N);
    expect([...byRecipient.values()].every((ids) => ids.size === 1)).toBe(true);
    // Only the messages in flight at the moment of the kill can have left twice (same id, which mail clients fold).
    const repeats = alertMails().length - N;
    expect(repeats).toBeLessThanOrEqual(5);
    console.info(`killed after ${atKill} of ${N}; repeats of in-flight messages: ${repeats}`);
  }, 120_000);
});
