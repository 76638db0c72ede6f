import { SingleBar } from 'cli-progress';
import type pg from 'pg';
import { buildReportInput } from '../test/support/factories.js';
import { type Engine, onEngine } from './engines.js';

/**
 * Ingest benchmark: N reports POSTed at concurrency C to a real `faro start`
 * process (the built CLI), on PGlite and on PostgreSQL, beside the raw floor —
 * the same rows inserted one transaction each straight through `pg`, at the
 * same concurrency, in the same run.
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
}

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

async function postReports(
  baseUrl: string,
  total: number,
  concurrency: number,
  label: string,
): Promise<Measured> {
  const bodies = Array.from({ length: total }, () => JSON.stringify(buildReportInput()));
  const started = performance.now();
  const measured = await runPool(total, concurrency, label, async (i) => {
    const response = await fetch(`${baseUrl}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bodies[i] ?? '',
    });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`report ${i} answered ${response.status}`);
  });
  const grouped = await groupedBy(baseUrl);
  return { ...measured, groupedPerSecond: total / ((grouped - started) / 1000) };
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
  return onEngine(
    engine,
    options.concurrency,
    async (baseUrl) => {
      await postReports(baseUrl, Math.min(100, options.reports), options.concurrency, `${label} warm-up`);
      return postReports(baseUrl, options.reports, options.concurrency, `${label} API`);
    },
    async (pool, api) => ({
      engine: engine.kind === 'pglite' ? 'PGlite' : 'PostgreSQL',
      api,
      raw: await rawFloor(pool, options.reports, options.concurrency, `${label} raw pg`),
    }),
  );
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** Runs the ingest benchmark and prints the table. */
export async function ingestBench(options: IngestOptions): Promise<void> {
  const results = [await bench({ kind: 'pglite' }, options)];
  if (options.postgresUrl) results.push(await bench({ kind: 'postgres', url: options.postgresUrl }, options));
  else console.error('PostgreSQL skipped: set DATABASE_URL to include it.');

  console.log(`\nIngest: ${options.reports} reports over HTTP, concurrency ${options.concurrency}\n`);
  console.log(
    '| database   | API reports/s | API p50 ms | API p99 ms | grouped/s | raw pg inserts/s | raw p50 ms | raw p99 ms | API / raw |',
  );
  console.log(
    '|------------|--------------:|-----------:|-----------:|----------:|-----------------:|-----------:|-----------:|----------:|',
  );
  for (const { engine, api, raw } of results) {
    console.log(
      `| ${engine.padEnd(10)} | ${fmt(api.perSecond).padStart(13)} | ${fmt(api.p50).padStart(10)} | ${fmt(api.p99).padStart(10)} | ${fmt(api.groupedPerSecond ?? 0).padStart(9)} | ${fmt(raw.perSecond).padStart(16)} | ${fmt(raw.p50).padStart(10)} | ${fmt(raw.p99).padStart(10)} | ${fmt(api.perSecond / raw.perSecond, 2).padStart(9)} |`,
    );
  }
}
