import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { SingleBar } from 'cli-progress';
import type pg from 'pg';
import { buildReportInput } from '../test/support/factories.js';
import { spawnServer } from '../test/support/process.js';
import { monotonicMicros, type ProfileWindow, printCpuProfiles } from './cpu-profile.js';
import { type Engine, type EngineTarget, onEngine } from './engines.js';

/**
 * Ingest benchmark: reports POSTed for S seconds with autocannon over C connections to a
 * real `faro start` process (the built CLI), on PGlite and on PostgreSQL,
 * beside the floor — a minimal Fastify server (bench/ingest-floor.ts, a child
 * process of its own) taking the same bodies with the same settings and doing
 * one INSERT each — and the raw pg floor (the same rows inserted one
 * transaction each straight through `pg`), in the same run.
 */

export interface IngestOptions {
  /** How long each side (Faro, the floor) is posted to, after its warm-up. */
  seconds: number;
  /** Rows the raw pg floor inserts. */
  reports: number;
  concurrency: number;
  postgresUrl: string | undefined;
  /** Start Faro under `--cpu-prof` and print its top functions by self time during the measured run. */
  profile: boolean;
  /**
   * Requests posted before each measured run, to Faro and to the floor alike (connections opened,
   * code compiled). Faro has far more code for V8 to optimize than the floor: after the default 300
   * its measured run still pays for compiling (CPU per report falls by about half over the next
   * few thousand reports); a few thousand measure it as a running server is.
   */
  warmUp?: number;
}

export interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
  /** Reports stored and grouped into incidents per second, until the grouping backlog is empty (API runs). */
  groupedPerSecond?: number;
  /** The server process's CPU time (user + system, all its threads) per report, in ms (Linux). */
  cpuMsPerReport?: number;
}

/** A process's CPU time so far in ms (user + system, from /proc); NaN where there is no /proc. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command's closing parenthesis.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
const CLOCK_TICKS = 100;

/** Waits until the server reports no stored report waiting to be grouped; returns when that was. */
export async function groupedBy(baseUrl: string): Promise<number> {
  for (;;) {
    const ready = (await (await fetch(`${baseUrl}/readyz`)).json()) as { groupingBacklog: number };
    if (ready.groupingBacklog === 0) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export async function runPool(
  total: number,
  concurrency: number,
  label: string,
  task: (i: number) => Promise<void>,
): Promise<Measured> {
  const bar = new SingleBar(
    { format: `${label.padEnd(22)} {bar} {value}/{total} {eta}s`, hideCursor: true, stream: process.stderr },
    undefined,
  );
  if (!process.stderr.isTTY) console.error(`${label}: ${total} requests…`);
  bar.start(total, 0);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latencies.push(performance.now() - t0);
        bar.increment();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  bar.stop();
  latencies.sort((a, b) => a - b);
  return { perSecond: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** How long autocannon posts: a fixed time (the measured runs) or a fixed number of requests (warm-ups). */
type Load = { seconds: number } | { amount: number };

/**
 * POSTs the bodies (in turn, again from the first when all are sent) to
 * /api/reports with autocannon, `concurrency` connections: the same load for
 * Faro and for the floor server. The rate is the 2xx answers over the exact
 * time from the start to the last answer (autocannon's own start–finish is
 * rounded up to its 1 s sampling tick: 2,000 answers in 1.2 s read as 1,000/s).
 */
async function postReports(
  baseUrl: string,
  bodies: readonly string[],
  concurrency: number,
  label: string,
  load: Load,
): Promise<Measured & { answered: number }> {
  console.error(`${label}: ${'seconds' in load ? `${load.seconds} s` : `${load.amount} requests`}…`);
  let next = 0;
  let answered = 0;
  let lastAnswer = 0;
  const started = performance.now();
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: `${baseUrl}/api/reports`,
        connections: concurrency,
        ...('seconds' in load ? { duration: load.seconds } : { amount: load.amount }),
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] ?? '' }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  instance?.on('response', (_client, statusCode) => {
    if (statusCode >= 200 && statusCode < 300) answered += 1;
    lastAnswer = performance.now();
  });
  const result = await finished;
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || answered === 0) {
    throw new Error(
      `${label}: ${answered} answered 2xx (${result.non2xx} other, ${result.errors} errors, ${result.timeouts} timeouts)`,
    );
  }
  const seconds = (lastAnswer - started) / 1000;
  return { answered, perSecond: answered / seconds, p50: result.latency.p50, p99: result.latency.p99 };
}

/** The bodies a run posts in turn (the same ones to Faro and to the floor). */
const reportBodies = (n: number) => Array.from({ length: n }, () => JSON.stringify(buildReportInput()));
/** Distinct bodies per run; a timed run posts them again in turn. */
const BODIES = 2000;
/** Requests before each measured run (connections opened, code paths compiled), unless `warmUp` says. */
const WARM_UP = 300;

/**
 * Posts to Faro for the measured time, then waits until everything posted is
 * grouped into incidents; `window` is stretched over the measured run (for the profile).
 */
async function postToFaro(
  server: { baseUrl: string; pid?: number },
  bodies: readonly string[],
  concurrency: number,
  label: string,
  load: Load,
  window?: ProfileWindow,
): Promise<Measured> {
  const started = performance.now();
  const cpuBefore = cpuMsOf(server.pid);
  if (window) window.from = monotonicMicros();
  const measured = await postReports(server.baseUrl, bodies, concurrency, label, load);
  const grouped = await groupedBy(server.baseUrl);
  if (window) window.to = monotonicMicros();
  return {
    ...measured,
    groupedPerSecond: measured.answered / ((grouped - started) / 1000),
    // Grouping included: it is part of what a report costs Faro.
    cpuMsPerReport: (cpuMsOf(server.pid) - cpuBefore) / measured.answered,
  };
}

/** The minimal Fastify floor (bench/ingest-floor.ts) in a child process of its own, on the same data. */
async function floorServer(
  target: EngineTarget,
  bodies: readonly string[],
  concurrency: number,
  label: string,
  load: Load,
  warmUp: Load,
): Promise<Measured> {
  const server = await spawnServer(
    target.kind === 'pglite' ? { FLOOR_DATA_DIR: target.dataDir } : { FLOOR_DATABASE_URL: target.url },
    { args: ['--import', 'tsx', 'bench/ingest-floor.ts'] },
  );
  try {
    await postReports(server.baseUrl, bodies, concurrency, `${label} warm-up`, warmUp);
    const cpuBefore = cpuMsOf(server.child.pid);
    const measured = await postReports(server.baseUrl, bodies, concurrency, label, load);
    return { ...measured, cpuMsPerReport: (cpuMsOf(server.child.pid) - cpuBefore) / measured.answered };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

// The restricted fields go in as an opaque sealed-sized string: the floor measures the database, not the cipher.
const RAW_INSERT = `insert into reports (coalition_id, receipt, channel, language, activity, agents, vehicles, uniforms,
  equipment, firsthand, zone_id, h3_cell, has_exact_location, restricted, observed_at)
  values ($1, $2, 'web', 'en', 'checkpoint', 4, 2, '{ice}', '{unmarked_vehicles}', true, $4, '8829a1d75bfffff',
  true, $3, now())`;

/** The same rows the API writes, one autocommit insert each, straight through `pg`. */
export async function rawFloor(
  pool: pg.Pool,
  total: number,
  concurrency: number,
  label: string,
): Promise<Measured> {
  const { rows } = await pool.query<{ coalition_id: string; zone_id: string }>(
    'select coalition_id, id as zone_id from zones limit 1',
  );
  const ids = rows[0];
  if (!ids) throw new Error('no zone to insert reports into');
  return runPool(total, concurrency, label, async (i) => {
    await pool.query(RAW_INSERT, [
      ids.coalition_id,
      `RAW${i}-${Date.now() % 100000}`,
      `raw floor report ${i}`,
      ids.zone_id,
    ]);
  });
}

async function bench(engine: Engine, options: IngestOptions, profileDir: string | null) {
  const label = engine.kind === 'pglite' ? 'pglite' : 'postgres';
  // The same bodies, connections and time for Faro and for the floor.
  const bodies = reportBodies(BODIES);
  const load = { seconds: options.seconds };
  const warmUp = { amount: options.warmUp ?? WARM_UP };
  const window: ProfileWindow = { from: 0, to: 0 };
  const result = await onEngine(
    engine,
    options.concurrency,
    async (baseUrl, pid) => {
      const server = { baseUrl, pid };
      await postToFaro(server, bodies, options.concurrency, `${label} warm-up`, warmUp);
      const api = await postToFaro(server, bodies, options.concurrency, `${label} API`, load, window);
      return { api, floor: undefined as Measured | undefined };
    },
    async (pool, { api, floor }) => ({
      engine: engine.kind === 'pglite' ? 'PGlite' : 'PostgreSQL',
      api,
      floor: floor ?? { perSecond: Number.NaN, p50: Number.NaN, p99: Number.NaN },
      raw: await rawFloor(pool, options.reports, options.concurrency, `${label} raw pg`),
    }),
    async (target, measured) => ({
      ...measured,
      floor: await floorServer(target, bodies, options.concurrency, `${label} Fastify floor`, load, warmUp),
    }),
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  return { ...result, window };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** Runs the ingest benchmark and prints the table (and, with `profile`, Faro's top functions per engine). */
export async function ingestBench(options: IngestOptions): Promise<void> {
  const engines: Engine[] = [{ kind: 'pglite' }];
  if (options.postgresUrl) engines.push({ kind: 'postgres', url: options.postgresUrl });
  else console.error('PostgreSQL skipped: set DATABASE_URL to include it.');
  const results = [];
  const profiles: { engine: string; folder: string; window: ProfileWindow }[] = [];
  for (const engine of engines) {
    const folder = options.profile ? await mkdtemp(path.join(tmpdir(), 'faro-ingest-prof-')) : null;
    const result = await bench(engine, options, folder);
    results.push(result);
    if (folder) profiles.push({ engine: result.engine, folder, window: result.window });
  }

  console.log(
    `\nIngest: ${options.seconds} s of reports over HTTP (autocannon, after ${options.warmUp ?? WARM_UP} to warm up), ` +
      `${options.concurrency} connections; floor = a minimal Fastify server doing one INSERT per report ` +
      `(bench/ingest-floor.ts); raw pg = ${options.reports} inserts straight through pg\n`,
  );
  console.log(
    '| database   | Faro reports/s | Faro p50 ms | Faro p99 ms | grouped/s | floor reports/s | floor p50 ms | floor p99 ms | Faro / floor | Faro CPU ms/report | floor CPU ms/report | raw pg inserts/s |',
  );
  console.log(
    '|------------|---------------:|------------:|------------:|----------:|----------------:|-------------:|-------------:|-------------:|-------------------:|--------------------:|-----------------:|',
  );
  for (const { engine, api, floor, raw } of results) {
    console.log(
      `| ${engine.padEnd(10)} | ${fmt(api.perSecond).padStart(14)} | ${fmt(api.p50).padStart(11)} | ${fmt(api.p99).padStart(11)} | ${fmt(api.groupedPerSecond ?? 0).padStart(9)} | ${fmt(floor.perSecond).padStart(15)} | ${fmt(floor.p50).padStart(12)} | ${fmt(floor.p99).padStart(12)} | ${fmt(api.perSecond / floor.perSecond, 2).padStart(12)} | ${fmt(api.cpuMsPerReport ?? Number.NaN, 2).padStart(18)} | ${fmt(floor.cpuMsPerReport ?? Number.NaN, 2).padStart(19)} | ${fmt(raw.perSecond).padStart(16)} |`,
    );
  }
  console.log(
    '\nCPU ms/report: the server process (all threads, grouping included for Faro); steadier than reports/s on a busy machine.',
  );
  for (const { engine, folder, window } of profiles) {
    console.log(`\n${engine}: Faro during the measured run (grouping included, start-up left out)`);
    await printCpuProfiles(folder, 25, window);
  }
}
