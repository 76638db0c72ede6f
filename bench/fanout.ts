import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import webpush from 'web-push';
import { createSecretBox } from '../src/server/crypto/secret-box.js';
import { decodeKey } from '../src/server/crypto/secret-key.js';
import { openDatabase } from '../src/server/db/database.js';
import { contactContext } from '../src/server/modules/alerts/subscriptions.service.js';
import { browserKeys } from '../test/support/push-keys.js';
import { staffSession } from '../test/support/sessions.js';
import { onSeededPostgres } from './engines.js';

/**
 * Fan-out benchmark, on PostgreSQL: N Web Push subscribers of one zone, an
 * alert approved through the API of a real `faro start`, and
 *  - approval → every delivery row queued (the fan-out),
 *  - payloads encrypted (RFC 8291) and handed to a local push endpoint per
 *    second, until all N are sent,
 *  - beside it, raw `web-push` encryption per second in this run, and the ratio;
 * then the same with 10 % more subscribers (so a tenth of all) whose push
 * service accepts connections and never answers: the answering ones must be
 * served about as fast as in the clean run (issue 12 item 4).
 */

export interface FanoutOptions {
  sizes: number[];
  postgresUrl: string | undefined;
}

/** A local push endpoint that takes every message (201) and counts it; it decrypts nothing, to stay out of the way. */
async function startPushSink() {
  let received = 0;
  let first = 0;
  let last = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      last = performance.now();
      if (received === 1) first = last;
      response.statusCode = 201;
      response.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ received, first, last }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A push service that accepts every connection and request and never
 * answers — as the fake subscriptions of an attack would point at.
 */
async function startSilentPushService() {
  let requests = 0;
  const server = http.createServer((request) => {
    requests += 1;
    request.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** web-push's own encryption, alone: what one core does without Faro, the queue or the network. */
function rawEncryptionRate(keys: ReturnType<typeof browserKeys>, payload: string, seconds: number): number {
  const vapid = webpush.generateVAPIDKeys();
  const { Authorization } = webpush.getVapidHeaders(
    'https://push.example',
    'mailto:a@b.example',
    vapid.publicKey,
    vapid.privateKey,
    'aes128gcm',
  );
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const key = keys[n % keys.length];
    if (!key) break;
    webpush.generateRequestDetails({ endpoint: `https://push.example/${n}`, keys: key }, payload, {
      headers: { Authorization },
      TTL: 3600,
      urgency: 'high',
      topic: 'a'.repeat(32),
    });
    n += 1;
  }
  return n / seconds;
}

async function insertSubscribers(
  url: string,
  secretKey: string,
  n: number,
  sinkUrl: string,
  silent: { n: number; url: string } | null,
) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const box = await createSecretBox(decodeKey(secretKey));
  const keys = browserKeys(500);
  const { rows } = await pool.query<{ id: string; coalition_id: string }>(
    `select id, coalition_id from zones where name = 'Boyle Heights'`,
  );
  const zone = rows[0];
  if (!zone) throw new Error('no demo zone');
  const batch = 10_000;
  const total = n + (silent?.n ?? 0);
  for (let start = 0; start < total; start += batch) {
    const ids: string[] = [];
    const contacts: string[] = [];
    for (let i = start; i < Math.min(total, start + batch); i++) {
      const id = randomUUID();
      ids.push(id);
      // The silent ones are spread among the others, as an attacker's would be.
      const endpoint = silent && i % 10 === 9 && i / 10 < silent.n ? `${silent.url}/push/${i}` : null;
      const subscription = { endpoint: endpoint ?? `${sinkUrl}/push/${i}`, keys: keys[i % keys.length] };
      contacts.push(box.seal(JSON.stringify(subscription), contactContext(id)));
    }
    await pool.query(
      `insert into subscriptions (id, coalition_id, channel, contact, contact_digest, language, status, manage_token_hash)
       select id, $2, 'push', contact, 'bench-' || id, case when random() < 0.5 then 'en' else 'es' end, 'active', 'bench-' || id
       from unnest($1::uuid[], $3::text[]) as s(id, contact)`,
      [ids, zone.coalition_id, contacts],
    );
    await pool.query(
      `insert into subscription_zones (zone_id, subscription_id) select $1, unnest($2::uuid[])`,
      [zone.id, ids],
    );
    process.stderr.write(`\r  subscribers ${Math.min(total, start + batch)}/${total}`);
  }
  process.stderr.write('\n');
  await pool.query('analyze subscriptions; analyze subscription_zones');
  await pool.end();
  return { zoneId: zone.id, keys };
}

interface Row {
  subscribers: number;
  /** Subscribers whose push service never answers (besides the `subscribers` that do). */
  silent: number;
  queuedSeconds: number;
  pushPerSecond: number;
  rawPerSecond: number;
  sentSeconds: number;
}

async function runOne(adminUrl: string, n: number, withSilent: boolean): Promise<Row> {
  const sink = await startPushSink();
  const silentService = withSilent ? await startSilentPushService() : null;
  // A tenth of all subscribers: n answering and n/9 silent.
  const silent = silentService ? { n: Math.round(n / 9), url: silentService.url } : null;
  try {
    // A first start migrated and seeded; subscribers go in while no server runs.
    return await onSeededPostgres(adminUrl, 'faro_fanout', async ({ url, secretKey, start }) => {
      console.error(`${n} subscribers${silent ? ` and ${silent.n} whose push service never answers` : ''}:`);
      const { zoneId, keys } = await insertSubscribers(url, secretKey, n, sink.url, silent);
      const database = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
      const dispatcher = await staffSession(database, 'dispatcher');
      const approver = await staffSession(database, 'approver');
      const server = await start();
      try {
        const post = async (session: typeof dispatcher, path: string, body?: unknown) => {
          const response = await fetch(`${server.baseUrl}${path}`, {
            method: 'POST',
            headers: { ...session.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
            body: body ? JSON.stringify(body) : null,
          });
          if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
          return (await response.json()) as Record<string, unknown>;
        };
        const template = await post(dispatcher, '/api/manage/alerts/template', {
          kind: 'activity',
          zoneIds: [zoneId],
        });
        const draft = await post(dispatcher, '/api/manage/alerts', {
          kind: 'activity',
          capStatus: 'Actual',
          ...template,
        });
        const submitted = await post(dispatcher, `/api/manage/alerts/${draft.id}/submit`);
        const approvedAt = performance.now();
        await post(approver, `/api/manage/alerts/${draft.id}/approve`, {
          contentHash: submitted.contentHash,
        });
        let queuedAt = 0;
        for (;;) {
          const { rows } = await database.pool.query<{ queued: boolean; sent: number }>(
            `select queued_at is not null as queued,
                  (select count(*)::int from deliveries where alert_id = $1 and state = 'sent') as sent
           from alerts where id = $1`,
            [draft.id],
          );
          const row = rows[0];
          if (row?.queued && !queuedAt) queuedAt = performance.now();
          if (queuedAt && sink.stats().received >= n) break;
          process.stderr.write(
            `\r  queued ${queuedAt ? 'yes' : 'no '} · pushed ${sink.stats().received}/${n}`,
          );
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        process.stderr.write('\n');
        const { first, last } = sink.stats();
        const payload = JSON.stringify({
          title: String((template.content as { en: { headline: string } }).en.headline),
          body: 'x'.repeat(180),
        });
        return {
          subscribers: n,
          silent: silent?.n ?? 0,
          queuedSeconds: (queuedAt - approvedAt) / 1000,
          pushPerSecond: n / ((last - first) / 1000),
          rawPerSecond: rawEncryptionRate(keys, payload, 5),
          sentSeconds: (last - approvedAt) / 1000,
        };
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
        await database.close();
      }
    });
  } finally {
    await sink.close();
    await silentService?.close();
  }
}

/** Runs the fan-out benchmark for each size and prints the table. */
export async function fanoutBench(options: FanoutOptions): Promise<void> {
  if (!options.postgresUrl) {
    console.error('The fan-out benchmark runs on PostgreSQL: set DATABASE_URL or pass --postgres.');
    process.exitCode = 1;
    return;
  }
  const rows: Row[] = [];
  for (const n of options.sizes) {
    // Each run measures raw encryption beside it: on a shared machine the ratio is the steadier number.
    rows.push(await runOne(options.postgresUrl, n, false), await runOne(options.postgresUrl, n, true));
  }
  console.log(
    '\n| subscribers | never answering | approval → all queued (s) | push encrypted + handed over /s | raw web-push encryption /s | ratio | approval → last push (s) | vs clean |',
  );
  console.log(
    '|------------:|----------------:|--------------------------:|--------------------------------:|---------------------------:|------:|-------------------------:|---------:|',
  );
  for (const row of rows) {
    const clean = rows.find((r) => r.subscribers === row.subscribers && r.silent === 0);
    const versus =
      row.silent > 0 && clean ? `${((row.sentSeconds / clean.sentSeconds - 1) * 100).toFixed(1)} %` : '—';
    console.log(
      `| ${row.subscribers.toLocaleString('en-US').padStart(11)} | ${row.silent.toLocaleString('en-US').padStart(15)} | ${row.queuedSeconds.toFixed(2).padStart(25)} | ${row.pushPerSecond.toFixed(0).padStart(31)} | ${row.rawPerSecond.toFixed(0).padStart(26)} | ${(row.pushPerSecond / row.rawPerSecond).toFixed(2).padStart(5)} | ${row.sentSeconds.toFixed(1).padStart(24)} | ${versus.padStart(8)} |`,
    );
  }
  console.log(
    '\nWith never-answering subscribers, times are those of the answering ones (the same number as the clean run); ' +
      '"vs clean" compares approval → last push.',
  );
}
