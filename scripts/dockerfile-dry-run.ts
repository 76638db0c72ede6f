// Runs the Dockerfile's steps without Docker, to check what can be checked on a machine with no
// daemon and no base image: each stage gets a folder of its own standing for its file system; COPY
// copies from the build context (less what .dockerignore leaves out) or an earlier stage, RUN runs
// in the stage's WORKDIR, and the last stage is then started with its ENV, ENTRYPOINT and CMD until
// its HEALTHCHECK passes. What it cannot do, it says: the base image (node:20-slim) is this machine,
// RUN steps that change the system (users, ownership) are not run, USER is checked, not switched.
//   npx tsx scripts/dockerfile-dry-run.ts [--keep]
// The last line of its output is `DRY-RUN-RESULT {json}` (test/e2e/dockerfile.e2e.test.ts reads it).
import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { last, parseDockerfile } from './dockerfile.js';

const context = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const keep = process.argv.includes('--keep');
/** RUN steps that change the system rather than the stage's files: said, not run. */
const SYSTEM_CHANGES = /\b(groupadd|useradd|chown|apt-get|apk)\b/;

const say = (line: string) => process.stdout.write(`[dry-run] ${line}\n`);

/** .dockerignore's patterns as a test of a path relative to the context (a parent left out leaves out all under it). */
function ignoredBy(patterns: string[]): (relative: string) => boolean {
  const rules = patterns.map((pattern) => {
    const negate = pattern.startsWith('!');
    const glob = (negate ? pattern.slice(1) : pattern).replace(/^\/+|\/+$/g, '');
    const source = glob
      .split('')
      .map((char, i, all) =>
        char === '*'
          ? all[i + 1] === '*'
            ? '.*'
            : all[i - 1] === '*'
              ? ''
              : '[^/]*'
          : char === '?'
            ? '[^/]'
            : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
    return { negate, regex: new RegExp(`^${source}$`) };
  });
  return (relative) => {
    const parts = relative.split('/');
    let ignored = false;
    for (let depth = 1; depth <= parts.length; depth++) {
      const prefix = parts.slice(0, depth).join('/');
      for (const rule of rules) if (rule.regex.test(prefix)) ignored = !rule.negate;
      if (ignored) return true;
    }
    return ignored;
  };
}

function run(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`RUN ${command}: exit ${code}`)),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

const dockerfile = await readFile(path.join(context, 'Dockerfile'), 'utf8');
const ignore = ignoredBy(
  (await readFile(path.join(context, '.dockerignore'), 'utf8'))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#')),
);
const stages = parseDockerfile(dockerfile);
const root = await mkdtemp(path.join(tmpdir(), 'faro-dockerfile-'));
const rootOf = (stage: string) => path.join(root, stage);
const skipped: string[] = [];
const result: Record<string, unknown> = {
  root,
  stages: stages.map((stage) => `${stage.name} FROM ${stage.from}`),
};
let server: ChildProcess | undefined;

try {
  let workdir = '/';
  let stageEnv: Record<string, string> = {};
  for (const stage of stages) {
    say(`stage ${stage.name} (FROM ${stage.from}: this machine stands for it)`);
    workdir = '/';
    stageEnv = {};
    const within = (p: string) => path.join(rootOf(stage.name), path.posix.resolve(workdir, p));
    await mkdir(rootOf(stage.name), { recursive: true });
    for (const step of stage.instructions) {
      if (step.keyword === 'WORKDIR') {
        workdir = path.posix.resolve(workdir, step.args[0] ?? '/');
        await mkdir(within('.'), { recursive: true });
      } else if (step.keyword === 'ENV') {
        for (const [key, value] of Object.entries(stage.env))
          if (step.raw.includes(`${key}=`)) stageEnv[key] = value;
      } else if (step.keyword === 'COPY') {
        const sources = step.args.slice(0, -1);
        const target = step.args.at(-1) ?? '.';
        const into = within(target);
        const from = step.flags.from;
        for (const source of sources) {
          const base = from ? path.join(rootOf(from), source) : path.join(context, source);
          const toDir = target.endsWith('/') || sources.length > 1 || source === '.';
          const destination = toDir && source !== '.' ? path.join(into, path.basename(source)) : into;
          say(`COPY ${from ? `--from=${from} ` : ''}${source} → ${path.posix.resolve(workdir, target)}`);
          await mkdir(path.dirname(destination), { recursive: true });
          await cp(base, destination, {
            recursive: true,
            verbatimSymlinks: true,
            filter: from
              ? undefined
              : (file) => {
                  const relative = path.relative(context, file).split(path.sep).join('/');
                  return relative === '' || !ignore(relative);
                },
          });
        }
      } else if (step.keyword === 'RUN') {
        if (SYSTEM_CHANGES.test(step.raw)) {
          say(`RUN not run (it changes the system): ${step.raw}`);
          skipped.push(step.raw);
          continue;
        }
        say(`RUN ${step.raw}`);
        await run(step.raw, within('.'), { ...process.env, ...remap(stage.name, stageEnv) });
      } else if (step.keyword === 'VOLUME') {
        for (const volume of step.args)
          await mkdir(path.join(rootOf(stage.name), volume), { recursive: true, mode: 0o700 });
      }
    }
  }
  const final = stages.at(-1);
  if (!final) throw new Error('no stage');
  const app = path.join(rootOf(final.name), workdir);
  result.user = last(final, 'USER')?.args[0] ?? 'root';
  result.volumes = final.instructions
    .filter((step) => step.keyword === 'VOLUME')
    .flatMap((step) => step.args);
  result.topLevel = (await readdir(app)).sort();
  const devDependencies = Object.keys(
    (JSON.parse(await readFile(path.join(context, 'package.json'), 'utf8')) as { devDependencies: object })
      .devDependencies,
  );
  const present = new Set(
    (await readdir(path.join(app, 'node_modules'), { withFileTypes: true })).flatMap((entry) => entry.name),
  );
  const scoped = await Promise.all(
    [...present]
      .filter((name) => name.startsWith('@'))
      .map(async (scope) =>
        (await readdir(path.join(app, 'node_modules', scope))).map((name) => `${scope}/${name}`),
      ),
  );
  for (const names of scoped) for (const name of names) present.add(name);
  result.devDependenciesPresent = devDependencies.filter((name) => present.has(name));
  result.skipped = skipped;

  // Started as the image would be: ENTRYPOINT + CMD, the stage's ENV (its paths inside the stage's folder).
  const port = await freePort();
  const entrypoint = last(final, 'ENTRYPOINT')?.args ?? [];
  const cmd = last(final, 'CMD')?.args ?? [];
  const [program = 'sh', ...args] = [...entrypoint, ...cmd];
  const env = {
    // This machine's programs, not the checkout's node_modules/.bin (npx puts them first).
    PATH: (process.env.PATH ?? '/usr/bin:/bin')
      .split(':')
      .filter((entry) => !entry.includes('node_modules'))
      .join(':'),
    ...remap(final.name, stageEnv),
    // Not 0.0.0.0 here: the dry run is reached from this machine only.
    HOST: '127.0.0.1',
    PORT: String(port),
  };
  result.command = [program, ...args];
  result.env = env;
  say(`start: ${[program, ...args].join(' ')} (PORT=${port})`);
  server = spawn(program, args, { cwd: app, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => server?.once('exit', (code) => resolve(code)));
  const healthcheck = last(final, 'HEALTHCHECK');
  if (!healthcheck) throw new Error('no HEALTHCHECK');
  const [checkProgram = 'sh', ...checkArgs] = healthcheck.args;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (server.exitCode !== null)
      throw new Error(`the server exited (${server.exitCode}) before it was healthy`);
    const code = await new Promise<number | null>((resolve) =>
      spawn(checkProgram, checkArgs, { cwd: app, env, stdio: 'ignore' }).once('exit', resolve),
    );
    if (code === 0) break;
    if (Date.now() > deadline) throw new Error('HEALTHCHECK did not pass in 180 s');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  say('HEALTHCHECK passed');
  result.readyz = await (await fetch(`http://127.0.0.1:${port}/readyz`)).json();
  result.reportPage = (await fetch(`http://127.0.0.1:${port}/report`)).status;
  server.kill('SIGTERM');
  result.exitCode = await exited;
  result.ok = true;
} catch (error) {
  result.ok = false;
  result.error = (error as Error).message;
  server?.kill('SIGKILL');
  process.exitCode = 1;
} finally {
  if (!keep) await rm(root, { recursive: true, force: true });
  process.stdout.write(`DRY-RUN-RESULT ${JSON.stringify(result)}\n`);
}

/** The stage's ENV with its absolute paths moved into the stage's folder. */
function remap(stage: string, env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [
      key,
      value.startsWith('/') ? path.join(rootOf(stage), value) : value,
    ]),
  );
}
