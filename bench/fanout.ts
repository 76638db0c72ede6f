import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import webpush from 'web-push';
import { createSecretBox } from '../src/server/crypto/secret-box.js';
import { decodeKey } from '../src/server/crypto/secret-key.js';
import { openDatabase } from '../src/server/db/database.js';
import { contactContext } from '../src/server/modules/alerts/subscriptions.service.js';
import { browserKeys } from '../test/support/push-keys.js';
import { staffSession } from '../test/support/sessions.js';
import { printCpuProfiles } from './cpu-profile.js';
import { onSeededPostgres } from './engines.js';

/**
 * Fan-out benchmark, on PostgreSQL: N Web Push subscribers of one zone, an
 * alert approved through the API of a real `faro start`, and per run
 *  - Faro's rate: pushes encrypted (RFC 8291) and handed over to a local push
 *    endpoint per second, between the first and the last to arrive;
 *  - the same-cores floor, measured right after: web-push's own encryption
 *    alone in as many worker threads as the machine has cores, and the
 *    ratio (issue 19: ≥ 0.8);
 *  - approval → first push, → last push, → every delivery row queued;
 *  - the CPU Faro and this process (the push endpoints) used meanwhile.
 * Unless `--no-silent`, each size runs again with 10 % more subscribers (so a
 * tenth of all) whose push service accepts connections and never answers: the
 * answering ones must be served about as fast as in the clean run (issue 12
 * item 4). `--profile` starts Faro under `--cpu-prof` and prints its top
 * functions by self time; `--threads N` sets Faro's encryption threads.
 *
 * The push endpoint is a server on this machine that answers 201 on each
 * request's end and decrypts nothing, so it costs little beside Faro (the
 * "bench CPU" column shows how little). It speaks HTTP/2 in clear (h2c, which
 * Faro speaks to loopback under the test-only OUTBOUND_H2C) allowing 1,000
 * streams per session, as real push services speak HTTP/2 and allow 100 to
 * 1,000; `--http1` makes it (and Faro's requests) HTTP/1.1 instead.
 */

/** Streams a push endpoint of this bench allows on one HTTP/2 session. */
const SINK_STREAMS = 1000;
/** The connection's receive window of a push endpoint of this bench (HTTP/2's largest). */
const SINK_WINDOW = 2 ** 31 - 1;

/** An h2c server whose sessions are counted, and all destroyed when it closes. */
function startHttp2Server(onStream: (stream: http2.ServerHttp2Stream) => void) {
  const server = http2.createServer({ settings: { maxConcurrentStreams: SINK_STREAMS } });
  const sessions = new Set<http2.ServerHttp2Session>();
  let opened = 0;
  server.on('session', (session) => {
    opened += 1;
    // Node's server gives back the connection's flow-control window late under load (a run stalled with it at 0
    // and requests timing out); real push services announce large windows.
    session.setLocalWindowSize(SINK_WINDOW);
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => {});
  });
  server.on('stream', (stream) => {
    stream.on('error', () => {});
    onStream(stream);
  });
  return {
    server,
    opened: () => opened,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A local push endpoint that takes every message (201) and counts it; it decrypts nothing, to stay out of the way. */
async function startPushSink(http1: boolean) {
  let received = 0;
  let first = 0;
  let last = 0;
  const took = () => {
    received += 1;
    last = performance.now();
    if (received === 1) first = last;
  };
  if (!http1) {
    const h2 = startHttp2Server((stream) => {
      stream.resume();
      stream.on('end', () => {
        took();
        // Faro may have given up on it (its deadline) meanwhile.
        if (!stream.destroyed) stream.respond({ ':status': 201 }, { endStream: true });
      });
    });
    await new Promise<void>((resolve) => h2.server.listen(0, '127.0.0.1', resolve));
    const { port } = h2.server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      stats: () => ({ received, first, last, connections: h2.opened() }),
      close: h2.close,
    };
  }
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      took();
      response.statusCode = 201;
      response.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ received, first, last, connections }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A push service that accepts every connection and request and never
 * answers — as the fake subscriptions of an attack would point at.
 */
async function startSilentPushService(http1: boolean) {
  let requests = 0;
  if (!http1) {
    const h2 = startHttp2Server((stream) => {
      requests += 1;
      stream.resume();
    });
    await new Promise<void>((resolve) => h2.server.listen(0, '127.0.0.1', resolve));
    const { port } = h2.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, requests: () => requests, close: h2.close };
  }
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

/**
 * The same-cores floor: web-push's own encryption (the same payload, the
 * run's browser keys) in as many worker threads as the machine has cores,
 * for `seconds`, with nothing else — no queue, no HTTP, no database. Faro
 * runs on the same cores, so a fan-out can approach it and never pass it.
 */
async function encryptionFloor(
  keys: ReturnType<typeof browserKeys>,
  payload: string,
  seconds: number,
): Promise<{ threads: number; perSecond: number }> {
  const vapid = webpush.generateVAPIDKeys();
  const { Authorization } = webpush.getVapidHeaders(
    'https://push.example',
    'mailto:a@b.example',
    vapid.publicKey,
    vapid.privateKey,
    'aes128gcm',
  );
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const webpush = require(require('node:module').createRequire(workerData.from).resolve('web-push'));
    const { keys, payload, authorization, seconds } = workerData;
    let n = 0;
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      webpush.generateRequestDetails({ endpoint: 'https://push.example/' + n, keys: keys[n % keys.length] }, payload, {
        headers: { Authorization: authorization },
        TTL: 3600,
        urgency: 'high',
        topic: 'a'.repeat(32),
      });
      n += 1;
    }
    parentPort.postMessage(n);
  `;
  const threads = availableParallelism();
  const counts = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(source, {
            eval: true,
            workerData: { from: import.meta.url, keys, payload, authorization: Authorization, seconds },
          });
          worker.once('message', (n: number) => {
            resolve(n);
            void worker.terminate();
          });
          worker.once('error', reject);
        }),
    ),
  );
  return { threads, perSecond: counts.reduce((a, b) => a + b, 0) / seconds };
}

/** CPU seconds (user + system) a process has used so far; null where /proc is not there. */
async function cpuSecondsOf(pid: number | undefined): Promise<number | null> {
  if (!pid) return null;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command's closing parenthesis: utime and stime are the 14th and 15th of the line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

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
  /** Pushes handed over per second, between the first and the last at the push endpoint. */
  pushPerSecond: number;
  floor: { threads: number; perSecond: number };
  firstSeconds: number;
  lastSeconds: number;
  queuedSeconds: number;
  /** CPU Faro's process used from approval to the last push, in cores (2.0: both cores of a 2-core machine). */
  faroCores: number | null;
  /** The same for this process (the push endpoints, the polling). */
  benchCores: number;
}

async function runOne(
  adminUrl: string,
  n: number,
  withSilent: boolean,
  profileDir: string | null,
  threads: number | undefined,
  http1: boolean,
): Promise<Row> {
  const sink = await startPushSink(http1);
  const silentService = withSilent ? await startSilentPushService(http1) : null;
  // A tenth of all subscribers: n answering and n/9 silent.
  const silent = silentService ? { n: Math.round(n / 9), url: silentService.url } : null;
  try {
    // A first start migrated and seeded; subscribers go in while no server runs.
    return await onSeededPostgres(adminUrl, 'faro_fanout', async ({ url, secretKey, start }) => {
      console.error(
        `${n} subscribers${silent ? ` and ${silent.n} whose push service never answers` : ''} (load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}):`,
      );
      const { zoneId, keys } = await insertSubscribers(url, secretKey, n, sink.url, silent);
      const database = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
      const dispatcher = await staffSession(database, 'dispatcher');
      const approver = await staffSession(database, 'approver');
      const env = {
        ...(threads ? { PUSH_ENCRYPTION_THREADS: String(threads) } : {}),
        ...(http1 ? {} : { OUTBOUND_H2C: 'true' }),
      };
      const server = await start(env, {
        nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      });
      let measured: Omit<Row, 'floor'> & { payload: string };
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
        const faroCpuBefore = await cpuSecondsOf(server.child.pid);
        const benchCpuBefore = process.cpuUsage();
        const approvedAt = performance.now();
        await post(approver, `/api/manage/alerts/${draft.id}/approve`, {
          contentHash: submitted.contentHash,
        });
        let queuedAt = 0;
        for (;;) {
          const { rows } = await database.pool.query<{ queued: boolean }>(
            'select queued_at is not null as queued from alerts where id = $1',
            [draft.id],
          );
          if (rows[0]?.queued && !queuedAt) queuedAt = performance.now();
          if (queuedAt && sink.stats().received >= n) break;
          process.stderr.write(
            `\r  queued ${queuedAt ? 'yes' : 'no '} · pushed ${sink.stats().received}/${n}`,
          );
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        const { first, last, connections } = sink.stats();
        console.error(
          `  ${http1 ? 'connections' : 'HTTP/2 sessions'} opened to the push sink: ${connections}`,
        );
        const faroCpuAfter = await cpuSecondsOf(server.child.pid);
        const benchCpu = process.cpuUsage(benchCpuBefore);
        const wall = (last - approvedAt) / 1000;
        process.stderr.write('\n');
        measured = {
          subscribers: n,
          silent: silent?.n ?? 0,
          pushPerSecond: (n - 1) / ((last - first) / 1000),
          firstSeconds: (first - approvedAt) / 1000,
          lastSeconds: wall,
          queuedSeconds: (queuedAt - approvedAt) / 1000,
          faroCores:
            faroCpuBefore !== null && faroCpuAfter !== null ? (faroCpuAfter - faroCpuBefore) / wall : null,
          benchCores: (benchCpu.user + benchCpu.system) / 1e6 / wall,
          payload: JSON.stringify({
            title: String((template.content as { en: { headline: string } }).en.headline),
            body: 'x'.repeat(180),
          }),
        };
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
        await database.close();
      }
      // Right after Faro's run, on the same machine in the same state: the ratio is the steadier number.
      const floor = await encryptionFloor(keys, measured.payload, 5);
      const { payload: _payload, ...row } = measured;
      return { ...row, floor };
    });
  } finally {
    await sink.close();
    await silentService?.close();
  }
}

export interface FanoutOptions {
  sizes: number[];
  postgresUrl: string | undefined;
  /** Each size this many times. */
  runs: number;
  /** Also the variant with never-answering subscribers. */
  silent: boolean;
  /** Start Faro under `--cpu-prof` and print where its time went. */
  profile: boolean;
  /** Faro's encryption threads (PUSH_ENCRYPTION_THREADS); its default when absent. */
  threads?: number;
  /** The push endpoints (and so Faro's requests to them) speak HTTP/1.1 rather than HTTP/2. */
  http1: boolean;
}

/** Runs the fan-out benchmark for each size and prints the table. */
export async function fanoutBench(options: FanoutOptions): Promise<void> {
  if (!options.postgresUrl) {
    console.error('The fan-out benchmark runs on PostgreSQL: set DATABASE_URL or pass --postgres.');
    process.exitCode = 1;
    return;
  }
  const rows: Row[] = [];
  const profiles: string[] = [];
  for (const n of options.sizes) {
    for (let run = 0; run < options.runs; run++) {
      for (const withSilent of options.silent ? [false, true] : [false]) {
        const profileDir = options.profile ? await mkdtemp(path.join(tmpdir(), 'faro-fanout-prof-')) : null;
        rows.push(
          await runOne(options.postgresUrl, n, withSilent, profileDir, options.threads, options.http1),
        );
        if (profileDir) profiles.push(profileDir);
      }
    }
  }
  const floorThreads = rows[0]?.floor.threads ?? availableParallelism();
  console.log(
    `\n| subscribers | never answering | same-cores floor /s (web-push, ${floorThreads} threads) | Faro pushes handed over /s | ratio | approval → first push (s) | approval → last push (s) | approval → all queued (s) | Faro CPU (cores) | bench CPU (cores) |`,
  );
  console.log(
    '|------------:|----------------:|----------------------------------------:|---------------------------:|------:|--------------------------:|-------------------------:|--------------------------:|-----------------:|------------------:|',
  );
  for (const row of rows) {
    console.log(
      `| ${row.subscribers.toLocaleString('en-US')} | ${row.silent.toLocaleString('en-US')} | ${row.floor.perSecond.toFixed(0)} | ${row.pushPerSecond.toFixed(0)} | ${(row.pushPerSecond / row.floor.perSecond).toFixed(2)} | ${row.firstSeconds.toFixed(2)} | ${row.lastSeconds.toFixed(1)} | ${row.queuedSeconds.toFixed(2)} | ${row.faroCores?.toFixed(2) ?? '—'} | ${row.benchCores.toFixed(2)} |`,
    );
  }
  console.log(
    `\nPush endpoints spoke ${options.http1 ? 'HTTP/1.1' : 'HTTP/2 (h2c)'}. ` +
      'The floor is measured right after each Faro run; the ratio (goal ≥ 0.8) is the number to compare across machines and loads. ' +
      'With never-answering subscribers, times are those of the answering ones. CPU columns: from approval to the last push.',
  );
  for (const folder of profiles) await printCpuProfiles(folder);
}
