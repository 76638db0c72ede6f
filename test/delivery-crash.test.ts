import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../src/server/crypto/secret-box.js';
import { decodeKey } from '../src/server/crypto/secret-key.js';
import { contactContext } from '../src/server/modules/alerts/subscriptions.service.js';
import { loadVapidKeys } from '../src/server/modules/alerts/vapid.js';
import { publishAlertOverHttp } from './support/alerts.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { TEST_SECRET_KEY } from './support/keys.js';
import { type ServerProcess, spawnServer } from './support/process.js';
import { startPushService } from './support/push-service.js';
import { type StaffSession, staffSession } from './support/sessions.js';
import { smsProviderEnv, startSmsProvider } from './support/sms-provider.js';
import { startSmtpServer } from './support/smtp.js';

/**
 * A worker killed (SIGKILL, as the OOM killer would) while it delivers an
 * alert to 300 e-mail, 120 push and 120 SMS subscribers, then a new one
 * started: everyone gets the alert, one delivery record each (none lost, none
 * doubled), one message id per e-mail. Two real `faro start` processes on one
 * PostgreSQL (PGlite is one process's database).
 */
const N = 300;
const PUSH = 120;
const TEXTS = 120;
const ALL = N + PUSH + TEXTS;

describe.skipIf(!process.env.DATABASE_URL)('a worker killed in the middle of a fan-out', () => {
  let db: TestDatabase;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let push: Awaited<ReturnType<typeof startPushService>>;
  let sms: Awaited<ReturnType<typeof startSmsProvider>>;
  const browsers: string[] = [];
  const phones = Array.from({ length: TEXTS }, (_, i) => `+1213555${String(2000 + i).padStart(4, '0')}`);
  let dispatcher: StaffSession;
  let approver: StaffSession;
  let env: Record<string, string>;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    smtp = await startSmtpServer({ delayMs: 25 });
    push = await startPushService();
    sms = await startSmsProvider();
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
    // Browsers subscribed to the server's own VAPID key (made here, as the first process would).
    const vapid = await loadVapidKeys(db.database.db, box);
    const pushIds = Array.from({ length: PUSH }, () => randomUUID());
    const pushContacts: string[] = [];
    for (const id of pushIds) {
      const browser = await push.subscribe(vapid.publicKey);
      browsers.push(browser.clientHash);
      pushContacts.push(
        box.seal(JSON.stringify({ endpoint: browser.endpoint, keys: browser.keys }), contactContext(id)),
      );
    }
    const smsIds = phones.map(() => randomUUID());
    for (const [channel, channelIds, contacts] of [
      ['push', pushIds, pushContacts],
      ['sms', smsIds, phones.map((phone, i) => box.seal(phone, contactContext(smsIds[i] ?? '')))],
    ] as const) {
      await db.database.pool.query(
        `insert into subscriptions (id, coalition_id, channel, contact, contact_digest, language, status, manage_token_hash)
         select id, $2, $4, contact, 'd-' || id, 'en', 'active', 'm-' || id
         from unnest($1::uuid[], $3::text[]) as s(id, contact)`,
        [channelIds, zone.coalition_id, contacts, channel],
      );
    }
    await db.database.pool.query(
      `insert into subscription_zones (zone_id, subscription_id) select $1, unnest($2::uuid[])`,
      [zone.id, [...ids, ...pushIds, ...smsIds]],
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
      ...smsProviderEnv(sms.url),
      SMS_MESSAGES_PER_SECOND: '100',
      // One push at a time, so the fan-out to the browsers lasts long enough to be cut.
      PUSH_CONCURRENCY_PER_ORIGIN: '1',
    };
  });
  afterAll(async () => {
    for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await Promise.all(servers.map((server) => server.exited));
    await Promise.all([smtp?.close(), push?.close(), sms?.close()]);
    await db?.drop();
  });

  const alertMails = () => smtp.received.filter((m) => /<alert-/.test(m.raw));
  const pushesOf = (browser: string) => push.received(browser).length;
  const textsOf = (phone: string) => sms.sent.filter((m) => m.fields.To === phone).length;
  /** Every message that reached a recipient, on the three channels. */
  const arrived = () =>
    alertMails().length +
    browsers.reduce((sum, browser) => sum + pushesOf(browser), 0) +
    phones.reduce((sum, phone) => sum + textsOf(phone), 0);

  it('delivers to everyone exactly once after a restart, by e-mail, push and SMS', async () => {
    const first = await spawnServer(env);
    servers.push(first);
    const zoneId = (
      (await (await fetch(`${first.baseUrl}/api/zones`)).json()) as { zones: { id: string; name: string }[] }
    ).zones.find((z) => z.name === 'Boyle Heights')?.id;
    const draft = await publishAlertOverHttp(first.baseUrl, dispatcher, approver, zoneId ?? '');

    // Killed (SIGKILL) while the pushes are a third of the way through, and again, after a restart,
    // while the texts are — whichever channel's senders run first.
    const reached = {
      push: () => browsers.filter((browser) => pushesOf(browser) > 0).length,
      sms: () => phones.filter((phone) => textsOf(phone) > 0).length,
    };
    const totals = { push: PUSH, sms: TEXTS };
    const kills: string[] = [];
    let running = first;
    const deadline = Date.now() + 60_000;
    for (const waiting = new Set(['push', 'sms'] as const); waiting.size > 0; ) {
      const midway = [...waiting].find((channel) => reached[channel]() >= totals[channel] / 3);
      if (!midway) {
        if (Date.now() > deadline) throw new Error(`no channel got going:\n${running.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
        continue;
      }
      running.child.kill('SIGKILL');
      await running.exited;
      const done = reached[midway]();
      kills.push(`${midway} at ${done} of ${totals[midway]} (all channels: ${arrived()} of ${ALL})`);
      // Caught in the middle of that channel's fan-out, not after it.
      expect(done, kills.join('; ')).toBeLessThan(totals[midway]);
      waiting.delete(midway);
      running = await spawnServer(env);
      servers.push(running);
    }
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const until = Date.now() + 60_000;
      for (;;) {
        const { rows } = await client.query<{ channel: string; state: string; n: number }>(
          `select channel, state, count(*)::int as n from deliveries where alert_id = $1
           group by channel, state order by channel, state`,
          [draft.id],
        );
        const sent = rows.filter((r) => r.state === 'sent').reduce((sum, r) => sum + r.n, 0);
        if (sent === ALL) {
          // One record per recipient and channel, no more, none lost.
          expect(rows).toEqual([
            { channel: 'email', state: 'sent', n: N },
            { channel: 'push', state: 'sent', n: PUSH },
            { channel: 'sms', state: 'sent', n: TEXTS },
          ]);
          const { rows: doubled } = await client.query(
            `select subscription_id from deliveries where alert_id = $1 group by subscription_id having count(*) > 1`,
            [draft.id],
          );
          expect(doubled).toEqual([]);
          break;
        }
        if (Date.now() > until) throw new Error(`${JSON.stringify(rows)}\n${running.output()}`);
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
    // Every browser and every phone has it.
    expect(browsers.filter((browser) => pushesOf(browser) === 0)).toEqual([]);
    expect(phones.filter((phone) => textsOf(phone) === 0)).toEqual([]);
    // Only what was in flight at a kill can have left twice: e-mail and SMS mark each message as it
    // goes (at most their messages in flight, 5 and 4, per kill); pushes are marked in batches, so a
    // kill may repeat a batch — under the same notification tag, which replaces rather than adds.
    const repeats = {
      email: alertMails().length - N,
      sms: phones.reduce((sum, phone) => sum + textsOf(phone), 0) - TEXTS,
      push: browsers.reduce((sum, browser) => sum + pushesOf(browser), 0) - PUSH,
    };
    expect(repeats.email).toBeLessThanOrEqual(5 * kills.length);
    expect(repeats.sms).toBeLessThanOrEqual(4 * kills.length);
    expect(Math.max(...browsers.map(pushesOf))).toBeLessThanOrEqual(1 + kills.length);
    console.info(`killed: ${kills.join('; ')}; repeats of in-flight messages: ${JSON.stringify(repeats)}`);
  }, 180_000);
});
