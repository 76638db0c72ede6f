import { Command } from 'commander';
import { boardBench } from './board.js';
import { dispatchBench } from './dispatch.js';
import { evidenceBench } from './evidence.js';
import { fanoutBench } from './fanout.js';
import { guardBench } from './guard.js';
import { ingestBench } from './ingest.js';
import { liveBench } from './live.js';
import { pagesBench } from './pages.js';
import { planBench } from './plan.js';
import { startBench } from './start.js';
import { surgeBench } from './surge.js';

/** `npm run bench -- <name> [options]`: Faro's benchmarks; each prints a table. */
const program = new Command().name('bench').description("Faro's benchmarks");

program
  .command('ingest', { isDefault: true })
  .description(
    'POST reports over HTTP to a running server on PGlite and PostgreSQL, beside the raw pg insert floor',
  )
  .option('-d, --seconds <s>', 'seconds of load on Faro and on the floor, each after a warm-up', '10')
  .option('-n, --reports <n>', 'inserts of the raw pg floor', '2000')
  .option('-c, --concurrency <c>', 'requests in flight', '16')
  .option('-w, --warm-up <n>', 'requests to Faro and to the floor before each measured run', '300')
  .option('--profile', 'start Faro with --cpu-prof and print its top functions by self time')
  .option('--postgres <url>', 'PostgreSQL server to include (default: $DATABASE_URL)')
  .action(
    async (options: {
      seconds: string;
      reports: string;
      concurrency: string;
      warmUp: string;
      profile?: boolean;
      postgres?: string;
    }) => {
      await ingestBench({
        seconds: Number(options.seconds),
        reports: Number(options.reports),
        profile: options.profile === true,
        concurrency: Number(options.concurrency),
        warmUp: Number(options.warmUp),
        // Benchmarks are developer tools, not the server: they may read the environment directly.
        postgresUrl: options.postgres ?? process.env.DATABASE_URL,
      });
    },
  );

program
  .command('surge')
  .description(
    'Replay a generated surge (3 operations, 100 false alarms, 2 h) through the API: grouping precision/recall and throughput',
  )
  .option('-s, --seed <n>', 'scenario seed', '1')
  .option('-c, --concurrency <c>', 'requests in flight', '8')
  .option('--postgres <url>', 'PostgreSQL server to include (default: $DATABASE_URL)')
  .action(async (options: { seed: string; concurrency: string; postgres?: string }) => {
    await surgeBench({
      seed: Number(options.seed),
      concurrency: Number(options.concurrency),
      postgresUrl: options.postgres ?? process.env.DATABASE_URL,
    });
  });

await program
  .command('fanout')
  .description(
    'PostgreSQL: N push subscribers, one approved alert: pushes handed over per second beside the same-cores web-push encryption floor, approval → first push, last push, all queued',
  )
  .option('-n, --subscribers <list>', 'comma-separated subscriber counts', '100000,1000000')
  .option('-r, --runs <k>', 'runs of each size', '1')
  .option('--no-silent', 'skip the variant with never-answering subscribers')
  .option('--profile', 'start Faro with --cpu-prof and print its top functions by self time')
  .option('--threads <n>', "Faro's push encryption threads (default: its own)")
  .option('--http1', 'push endpoints speak HTTP/1.1 rather than HTTP/2 (h2c)')
  .option('--postgres <url>', 'PostgreSQL server (default: $DATABASE_URL)')
  .action(
    async (options: {
      http1?: boolean;
      subscribers: string;
      runs: string;
      silent: boolean;
      profile?: boolean;
      threads?: string;
      postgres?: string;
    }) => {
      await fanoutBench({
        sizes: options.subscribers.split(',').map(Number),
        runs: Number(options.runs),
        silent: options.silent,
        profile: options.profile === true,
        threads: options.threads ? Number(options.threads) : undefined,
        http1: options.http1 === true,
        postgresUrl: options.postgres ?? process.env.DATABASE_URL,
      });
    },
  );

program
  .command('dispatch')
  .description(
    'PostgreSQL: R responders on shift with the app open; N offers: offer → responder live event and → push at the push service, p50/p99',
  )
  .option('-r, --responders <n>', 'responders on shift', '500')
  .option('-n, --offers <n>', 'offers made', '200')
  .option('--postgres <url>', 'PostgreSQL server (default: $DATABASE_URL)')
  .action(async (options: { responders: string; offers: string; postgres?: string }) => {
    await dispatchBench({
      responders: Number(options.responders),
      offers: Number(options.offers),
      postgresUrl: options.postgres ?? process.env.DATABASE_URL,
    });
  });

program
  .command('board')
  .description(
    "PostgreSQL: the dispatch board's incident list as stored incidents grow (default filter, closed, one zone), p50/p99",
  )
  .option('-n, --incidents <list>', 'comma-separated numbers of stored incidents', '10000,100000')
  .option('-r, --requests <n>', 'requests per filter and size', '50')
  .option('--postgres <url>', 'PostgreSQL server (default: $DATABASE_URL)')
  .action(async (options: { incidents: string; requests: string; postgres?: string }) => {
    await boardBench({
      sizes: options.incidents.split(',').map(Number),
      requests: Number(options.requests),
      postgresUrl: options.postgres ?? process.env.DATABASE_URL,
    });
  });

program
  .command('live')
  .description(
    'PostgreSQL: dispatch boards spread over two web processes and a worker; report accepted → its incident on every board (p50/p99/max) and missed events',
  )
  .option('-s, --streams <n>', 'boards (live streams)', '1000')
  .option('-n, --reports <n>', 'reports, one after another', '50')
  .option('--postgres <url>', 'PostgreSQL server (default: $DATABASE_URL)')
  .action(async (options: { streams: string; reports: string; postgres?: string }) => {
    await liveBench({
      streams: Number(options.streams),
      reports: Number(options.reports),
      postgresUrl: options.postgres ?? process.env.DATABASE_URL,
    });
  });

program
  .command('guard')
  .description(
    'The publishing guard on one text of 1–64 KB, ordinary and adversarial, with 0 and 2,000 blocked names: linear growth shows as constant µs per KB',
  )
  .option('-s, --sizes <list>', 'comma-separated text sizes in KB', '1,4,16,64')
  .option('-r, --runs <n>', 'runs per size (the median is shown)', '7')
  .action(async (options: { sizes: string; runs: string }) => {
    await guardBench({ sizes: options.sizes.split(',').map(Number), runs: Number(options.runs) });
  });

program
  .command('pages')
  .description(
    'Public pages in Chromium under Slow 4G and a 4x slower CPU: JS bytes as sent, requests, first paint, usable',
  )
  .option('-r, --runs <n>', 'loads per page (the median is shown)', '3')
  .option('--chromium <path>', 'Chromium to drive', '/usr/bin/chromium')
  .action(async (options: { runs: string; chromium: string }) => {
    await pagesBench({ runs: Number(options.runs), chromiumPath: options.chromium });
  });

program
  .command('evidence')
  .description(
    'PostgreSQL: a file uploaded through the resumable sealed path beside the same bytes written raw to disk; server memory; 300 MB cut twice',
  )
  .option('-m, --megabytes <n>', 'size of the measured upload in MiB', '1024')
  .option('--postgres <url>', 'PostgreSQL server (default: $DATABASE_URL)')
  .option('--folder-only', 'measure only the folder store (no database store, no cut upload)')
  .action(async (options: { megabytes: string; postgres?: string; folderOnly?: boolean }) => {
    await evidenceBench({
      megabytes: Number(options.megabytes),
      folderOnly: options.folderOnly === true,
      postgresUrl: options.postgres ?? process.env.DATABASE_URL,
    });
  });

program
  .command('plan')
  .description(
    "PostgreSQL: an emergency plan activated by a text (PLAN <code> <PIN>) until its 15 contacts' messages reach the SMS provider; p50/p99",
  )
  .option('-n, --activations <n>', 'activations measured, one after another', '100')
  .option('--postgres <url>', 'PostgreSQL server (default: $DATABASE_URL)')
  .action(async (options: { activations: string; postgres?: string }) => {
    await planBench({
      activations: Number(options.activations),
      postgresUrl: options.postgres ?? process.env.DATABASE_URL,
    });
  });

program
  .command('start')
  .description(
    'The built CLI: `faro --help` (goal < 300 ms) and `faro start` on an embedded database until /readyz answers; the packages --help loads',
  )
  .option('-n, --runs <n>', 'runs of faro --help', '10')
  .option('-s, --starts <n>', 'restarts of the server on a migrated folder (0: none)', '3')
  .action(async (options: { runs: string; starts: string }) => {
    await startBench({ runs: Number(options.runs), starts: Number(options.starts) });
  });

program.parseAsync(process.argv);
