import type pg from 'pg';
import { type Engine, onEngine } from './engines.js';
import { groupedBy, type Measured, rawFloor, runPool } from './ingest.js';
import { generateScenario, pairwiseScores, type ScenarioReport, toInput } from './surge-scenario.js';

/**
 * Surge benchmark: the generated surge replayed through the API of a real
 * `faro start` in arrival order, on PGlite and on PostgreSQL. Prints how well
 * grouping recovered the operations (pairwise precision and recall against the
 * generator's truth) and ingest throughput with grouping, beside the raw
 * insert floor of the same number of rows in the same run.
 */

export interface SurgeOptions {
  seed: number;
  concurrency: number;
  postgresUrl: string | undefined;
}

interface EngineResult {
  engine: string;
  api: Measured;
  raw: Measured;
  scores: ReturnType<typeof pairwiseScores>;
  recovered: { operation: string; reports: number; largestShare: number }[];
}

async function replay(
  baseUrl: string,
  reports: readonly ScenarioReport[],
  concurrency: number,
  label: string,
) {
  const zones = (await (await fetch(`${baseUrl}/api/zones`)).json()) as {
    zones: { id: string; slug: string }[];
  };
  const zoneIds = new Map(zones.zones.map((z) => [z.slug, z.id]));
  const endsAt = Date.now();
  const bodies = reports.map((r) => JSON.stringify(toInput(r, endsAt, zoneIds)));
  const receipts = new Map<string, string>();
  const started = performance.now();
  const measured = await runPool(reports.length, concurrency, label, async (i) => {
    const response = await fetch(`${baseUrl}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bodies[i] ?? '',
    });
    const body = (await response.json()) as { receipt?: string };
    if (response.status !== 201 || !body.receipt) throw new Error(`report ${i} answered ${response.status}`);
    receipts.set(body.receipt, reports[i]?.truth ?? '');
  });
  const grouped = await groupedBy(baseUrl);
  return {
    measured: { ...measured, groupedPerSecond: reports.length / ((grouped - started) / 1000) },
    receipts,
  };
}

async function score(pool: pg.Pool, receipts: Map<string, string>) {
  const { rows } = await pool.query<{ receipt: string; incident_id: string }>(
    'select receipt, incident_id from reports',
  );
  const assignments = rows.flatMap((row) => {
    const truth = receipts.get(row.receipt);
    return truth ? [{ truth, group: row.incident_id }] : [];
  });
  const operations = [...new Set(assignments.map((a) => a.truth))].filter((t) => !t.startsWith('false:'));
  const recovered = operations.map((operation) => {
    const mine = assignments.filter((a) => a.truth === operation);
    const perGroup = new Map<string, number>();
    for (const a of mine) perGroup.set(a.group, (perGroup.get(a.group) ?? 0) + 1);
    return { operation, reports: mine.length, largestShare: Math.max(...perGroup.values()) / mine.length };
  });
  return { scores: pairwiseScores(assignments), recovered };
}

async function onSurge(
  engine: Engine,
  reports: readonly ScenarioReport[],
  options: SurgeOptions,
): Promise<EngineResult> {
  const label = engine.kind === 'pglite' ? 'pglite' : 'postgres';
  return onEngine(
    engine,
    options.concurrency,
    (baseUrl) => replay(baseUrl, reports, options.concurrency, `${label} surge`),
    async (pool, { measured, receipts }) => ({
      engine: engine.kind === 'pglite' ? 'PGlite' : 'PostgreSQL',
      api: measured,
      ...(await score(pool, receipts)),
      raw: await rawFloor(pool, reports.length, options.concurrency, `${label} raw pg`),
    }),
  );
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** Runs the surge benchmark and prints its tables. */
export async function surgeBench(options: SurgeOptions): Promise<void> {
  const { operations, reports } = generateScenario(options.seed);
  const results = [await onSurge({ kind: 'pglite' }, reports, options)];
  if (options.postgresUrl)
    results.push(await onSurge({ kind: 'postgres', url: options.postgresUrl }, reports, options));
  else console.error('PostgreSQL skipped: set DATABASE_URL to include it.');

  const falseAlarms = reports.filter((r) => r.truth.startsWith('false:')).length;
  console.log(
    `\nSurge (seed ${options.seed}): ${operations.map((o) => `${o.id} ×${o.reports}`).join(', ')}, ` +
      `${falseAlarms} false alarms — ${reports.length} reports over 2 simulated hours, replayed at concurrency ${options.concurrency}\n`,
  );
  console.log(
    '| database   | incidents | precision | recall | API reports/s | API p50 ms | API p99 ms | grouped/s | raw inserts/s | API / raw |',
  );
  console.log(
    '|------------|----------:|----------:|-------:|--------------:|-----------:|-----------:|----------:|--------------:|----------:|',
  );
  for (const r of results) {
    console.log(
      `| ${r.engine.padEnd(10)} | ${String(r.scores.incidents).padStart(9)} | ${fmt(r.scores.precision, 3).padStart(9)} | ${fmt(r.scores.recall, 3).padStart(6)} | ${fmt(r.api.perSecond).padStart(13)} | ${fmt(r.api.p50).padStart(10)} | ${fmt(r.api.p99).padStart(10)} | ${fmt(r.api.groupedPerSecond ?? 0).padStart(9)} | ${fmt(r.raw.perSecond).padStart(13)} | ${fmt(r.api.perSecond / r.raw.perSecond, 2).padStart(9)} |`,
    );
  }
  console.log('\n| database   | operation              | reports | in its largest incident |');
  console.log('|------------|------------------------|--------:|------------------------:|');
  for (const r of results) {
    for (const op of r.recovered) {
      console.log(
        `| ${r.engine.padEnd(10)} | ${op.operation.padEnd(22)} | ${String(op.reports).padStart(7)} | ${`${fmt(op.largestShare * 100)} %`.padStart(23)} |`,
      );
    }
  }
}
