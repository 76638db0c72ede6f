import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { packagesImportedBy } from '../test/support/cli-imports.js';
import { spawnServer } from '../test/support/process.js';
import { percentile } from './dispatch.js';

/**
 * Start-up benchmark (issue 19): the built CLI as an operator runs it. `faro --help`
 * N times (goal: under 300 ms — the CLI loads the server and its heavy libraries only
 * inside the commands that use them), then `faro start` on an embedded database
 * until /readyz answers: once on a new folder (migrations and demo data), then
 * restarts on that folder. Last, the packages `--help` loads, each timed alone in a
 * fresh process (with what it imports itself).
 */

export interface StartBenchOptions {
  runs: number;
  starts: number;
}

const ROOT = path.resolve(import.meta.dirname, '..');
const HELP_GOAL_MS = 300;
const run = promisify(execFile);
/** Preloaded into `faro --help`: prints the process's own CPU time as it exits. */
const CPU_REPORTER = path.join(ROOT, 'bench/cpu-at-exit.mjs');

interface Row {
  command: string;
  ms: number[];
  /** CPU time of the process, which other work on a shared machine slows less than wall time. */
  cpuMs?: number[];
  goal: string;
}

export async function startBench(options: StartBenchOptions): Promise<void> {
  const rows: Row[] = [];

  const help: number[] = [];
  const helpCpu: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const started = performance.now();
    const { stderr } = await run(process.execPath, ['--import', CPU_REPORTER, 'bin/faro.js', '--help'], {
      cwd: ROOT,
    });
    help.push(performance.now() - started);
    helpCpu.push(Number(/cpu ([\d.]+)/.exec(stderr)?.[1]));
  }
  rows.push({ command: 'faro --help', ms: help, cpuMs: helpCpu, goal: `< ${HELP_GOAL_MS} ms` });

  if (options.starts > 0) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'faro-bench-start-'));
    try {
      const startOnce = async () => {
        const started = performance.now();
        const server = await spawnServer(
          { FARO_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
          { args: ['bin/faro.js', 'start'], pollMs: 10 },
        );
        const ms = performance.now() - started;
        server.child.kill('SIGTERM');
        await server.exited;
        return ms;
      };
      rows.push({ command: 'faro start, new folder → /readyz', ms: [await startOnce()], goal: '' });
      const again: number[] = [];
      for (let i = 0; i < options.starts; i++) again.push(await startOnce());
      rows.push({ command: 'faro start, again → /readyz', ms: again, goal: '' });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
      await rm(`${dataDir}.demo`, { force: true });
    }
  }

  console.log(
    '\nThe built CLI (bin/faro.js), wall time of the whole process or until /readyz answers (ms)\n',
  );
  console.log(
    '| command                          | runs | median ms | p90 ms | max ms | CPU median ms | goal     |',
  );
  console.log(
    '|----------------------------------|-----:|----------:|-------:|-------:|--------------:|----------|',
  );
  for (const row of rows) {
    const cells = [percentile(row.ms, 50), percentile(row.ms, 90), Math.max(...row.ms)].map((ms) =>
      ms.toFixed(0),
    );
    const cpu = row.cpuMs ? percentile(row.cpuMs, 50).toFixed(0) : '';
    console.log(
      `| ${row.command.padEnd(32)} | ${String(row.ms.length).padStart(4)} | ${cells[0]?.padStart(9)} | ${cells[1]?.padStart(6)} | ${cells[2]?.padStart(6)} | ${cpu.padStart(13)} | ${row.goal.padEnd(8)} |`,
    );
  }

  // Each package --help loads, imported alone in a new node (its own imports included, node's start not).
  const timed: { name: string; ms: number }[] = [];
  for (const name of await packagesImportedBy(['--help'], 'built')) {
    const script = `const t = performance.now(); await import(${JSON.stringify(name)}); console.log(performance.now() - t);`;
    const alone = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT }).catch(
      () => undefined, // a package that cannot load alone is left out
    );
    if (alone) timed.push({ name, ms: Number(alone.stdout.trim()) });
  }
  timed.sort((a, b) => b.ms - a.ms);
  console.log('\nPackages `faro --help` loads, slowest first, each imported alone (ms)\n');
  console.log('| package                          | ms     |');
  console.log('|----------------------------------|-------:|');
  for (const { name, ms } of timed.slice(0, 10))
    console.log(`| ${name.padEnd(32)} | ${ms.toFixed(0).padStart(6)} |`);
}
