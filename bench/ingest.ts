import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { SingleBar } from 'cli-progress';
import type pg from 'pg';
import { buildReportInput } from '../test/support/factories.js';
import { spawnServer } from '../test/support/process.js';
import { type Engine, type EngineTarget, onEngine } from './engines.js';

/**
 * Ingest benchmark: N reports POSTed with autocannon over C connections to a
 * real `faro start` process (the built CLI), on PGlite and on PostgreSQL,
 * beside the floor — a minimal Fastify server (bench/ingest-floor.ts, a child
 * process of its own) taking the same bodies with the same settings and doing
 * one INSERT each — and the raw pg floor (the same rows inserted one
 * transaction each straight through `pg`), in the same run.
 */

export interface IngestOptions {
  reports: number;
  concurrency: number;
  postgresUrl: string | undefined;
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

/**
 * POSTs the given bodies once each to /api/reports with autocannon, `concurrency`
 * connections: the same load for Faro and for the floor server.
 */
async function postReports(
  baseUrl: string,
  bodies: readonly string[],
  concurrency: number,
  label: string,
): Promise<Measured> {
  console.error(`${label}: ${bodies.length} requests…`);
  let next = 0;
  const result = await autocannon({
    url: `${baseUrl}/api/reports`,
    connections: concurrency,
    amount: bodies.length,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] ?? '' }),
      },
    ],
  });
  const ok = result['2xx'];
  if (ok !== bodies.length || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${label}: ${ok} of ${bodies.length} answered 2xx (${result.non2xx} other, ${result.errors} errors, ${result.timeouts} timeouts)`,
    );
  }
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return { perSecond: ok / seconds, p50: result.latency.p50, p99: result.latency.p99 };
}

/** The bodies one run posts (the same ones to Faro and to the floor). */
const reportBodies = (n: number) => Array.from({ length: n }, () => JSON.stringify(buildReportInput()));

/** Posts to Faro, then waits until everything posted is grouped into incidents. */
async function postToFaro(
  server: { baseUrl: string; pid?: number },
  bodies: readonly string[],
  concurrency: number,
  label: string,
): Promise<Measured> {
  const started = performance.now();
  const cpuBefore = cpuMsOf(server.pid);
  const measured = await postReports(server.baseUrl, bodies, concurrency, label);
  const grouped = await groupedBy(server.baseUrl);
  return {
    ...measured,
    groupedPerSecond: bodies.length / ((grouped - started) / 1000),
    // Grouping included: it is part of what a report costs Faro.
    cpuMsPerReport: (cpuMsOf(server.pid) - cpuBefore) / bodies.length,
  };
}

/** The minimal Fastify floor (bench/ingest-floor.ts) in a child process of its own, on the same data. */
async function floorServer(
  target: EngineTarget,
  bodies: readonly string[],
  concurrency: number,
  label: string,
): Promise<Measured> {
  const server = await spawnServer(
    target.kind === 'pglite' ? { FLOOR_DATA_DIR: target.dataDir } : { FLOOR_DATABASE_URL: target.url },
    { args: ['--import', 'tsx', 'bench/ingest-floor.ts'] },
  );
  try {
    await postReports(
      server.baseUrl,
      reportBodies(Math.min(100, bodies.length)),
      concurrency,
      `${label} warm-up`,
    );
    const cpuBefore = cpuMsOf(server.child.pid);
    const measured = await postReports(server.baseUrl, bodies, concurrency, label);
    return { ...measured, cpuMsPerReport: (cpuMsOf(server.child.pid) - cpuBefore) / bodies.length };
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

async function bench(engine: Engine, options: IngestOptions) {
  const label = engine.kind === 'pglite' ? 'pglite' : 'postgres';
  // The same bodies, connections and count for Faro and for the floor.
  const bodies = reportBodies(options.reports);
  return onEngine(
    engine,
    options.concurrency,
    async (baseUrl, pid) => {
      const server = { baseUrl, pid };
      await postToFaro(
        server,
        reportBodies(Math.min(100, options.reports)),
        options.concurrency,
        `${label} warm-up`,
      );
      const api = await postToFaro(server, bodies, options.concurrency, `${label} API`);
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
      floor: await floorServer(target, bodies, options.concurrency, `${label} Fastify floor`),
    }),
  );
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** Runs the ingest benchmark and prints the table. */
export async function ingestBench(options: IngestOptions): Promise<void> {
  const results = [await bench({ kind: 'pglite' }, options)];
  if (options.postgresUrl) results.push(await bench({ kind: 'postgres', url: options.postgresUrl }, options));
  else console.error('PostgreSQL skipped: set DATABASE_URL to include it.');

  console.log(
    `\nIngest: ${options.reports} reports over HTTP (autocannon), ${options.concurrency} connections; ` +
      'floor = a minimal Fastify server doing one INSERT per report (bench/ingest-floor.ts)\n',
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
}
