import pg from 'pg';
import { openDatabase } from '../src/server/db/database.js';
import { staffSession } from '../test/support/sessions.js';
import { percentile } from './dispatch.js';
import { onSeededPostgres } from './engines.js';

/**
 * Board benchmark, on PostgreSQL: the dispatch board's incident list
 * (`GET /api/incidents`, 200 rows) as the stored incidents grow — months of
 * a network's history, most closed or not confirmed, one with a responder who
 * missed a check-in long ago (listed first whatever the filter). For each
 * size, the time of the list with the board's default filter, with "closed",
 * and with one zone, through a real `faro start`.
 */

export interface BoardBenchOptions {
  sizes: number[];
  requests: number;
  postgresUrl: string | undefined;
}

export async function boardBench(options: BoardBenchOptions): Promise<void> {
  if (!options.postgresUrl) {
    console.error('The board benchmark runs on PostgreSQL: set DATABASE_URL or pass --postgres.');
    process.exitCode = 1;
    return;
  }
  const table: { size: number; filter: string; p50: number; p99: number }[] = [];
  await onSeededPostgres(options.postgresUrl, 'faro_board', async ({ url, start }) => {
    const database = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
    const dispatcher = await staffSession(database, 'dispatcher');
    await database.close();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const { rows: zones } = await pool.query<{ id: string }>('select id from zones order by name');
    const zone = zones[0]?.id ?? '';

    const server = await start();
    try {
      let stored = 0;
      for (const size of [...options.sizes].sort((a, b) => a - b)) {
        // Older incidents, one a minute back in time: 1% open, a third not confirmed, the rest closed.
        await pool.query(
          `insert into incidents (coalition_id, status, activity, zone_id, first_observed_at, last_observed_at,
             last_activity_at, report_count)
           select (select id from coalitions limit 1),
             case when g % 100 = 0 then 'open' when g % 3 = 0 then 'not_confirmed' else 'closed' end,
             'raid', (select array_agg(id) from zones)[1 + g % $3],
             now() - make_interval(mins => g), now() - make_interval(mins => g), now() - make_interval(mins => g), 1
           from generate_series($1::int, $2::int) g`,
          [stored + 1, size, zones.length],
        );
        if (stored === 0) {
          // Long ago, a responder on scene missed a check-in there and nobody has cleared it.
          await pool.query(
            `insert into assignments (coalition_id, incident_id, user_id, state, offered_at, expires_at, on_scene_at,
               safety, missed_at)
             select i.coalition_id, i.id, $1, 'on_scene', now() - interval '2 days', now() - interval '2 days',
               now() - interval '2 days', 'missed', now() - interval '2 days'
             from incidents i where i.status = 'closed' order by i.last_activity_at limit 1`,
            [dispatcher.userId],
          );
        }
        stored = size;
        await pool.query('analyze incidents');
        for (const [label, query] of [
          ['open, confirmed, not confirmed', ''],
          ['closed', '?status=closed'],
          ['one zone', `?zoneId=${zone}`],
        ] as const) {
          const times: number[] = [];
          for (let i = 0; i < options.requests + 5; i++) {
            const started = performance.now();
            const response = await fetch(`${server.baseUrl}/api/incidents${query}`, {
              headers: dispatcher.headers,
            });
            const body = (await response.json()) as { incidents: { safety: string }[] };
            if (response.status !== 200) throw new Error(`list: ${response.status}`);
            if (body.incidents[0]?.safety !== 'missed')
              throw new Error('the missed check-in is not listed first');
            // The first few warm the caches and the server's code paths.
            if (i >= 5) times.push(performance.now() - started);
          }
          table.push({ size, filter: label, p50: percentile(times, 50), p99: percentile(times, 99) });
        }
        process.stderr.write(`\r  incidents ${size}`);
      }
      process.stderr.write('\n');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await pool.end();
    }
    console.log(
      `\nGET /api/incidents (200 rows) by a dispatcher, ${options.requests} requests each, one at a time\n`,
    );
    console.log('| incidents stored | filter                          |  p50 ms |  p99 ms |');
    console.log('|-----------------:|---------------------------------|--------:|--------:|');
    for (const row of table)
      console.log(
        `| ${String(row.size).padStart(16)} | ${row.filter.padEnd(31)} | ${row.p50.toFixed(1).padStart(7)} | ${row.p99.toFixed(1).padStart(7)} |`,
      );
  });
}
