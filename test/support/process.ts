import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { TEST_SECRET_KEY } from './keys.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The node options a built Faro runs with: those of `npm start` (package.json), which the image
 * and the systemd units repeat (test/deploy-files.test.ts holds them to it), so benchmarks
 * measure the server as it is deployed.
 */
export const FARO_NODE_OPTIONS: readonly string[] = (() => {
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const options = /\bnode((?: --\S+)*) bin\/faro\.js start\b/.exec(scripts.start)?.[1];
  if (options === undefined)
    throw new Error('package.json: `npm start` does not run `node … bin/faro.js start`');
  return options.split(' ').filter(Boolean);
})();

/** Starts `faro start` (from source unless args say otherwise) in a child process; waits until /readyz answers. */
export async function spawnServer(
  env: Record<string, string>,
  options: { timeoutMs?: number; args?: string[]; pollMs?: number } = {},
): Promise<ServerProcess> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const port = await freePort();
  // The database is only ever the one the caller names: an inherited DATABASE_URL would win over a data folder.
  const { DATABASE_URL: _inherited, ...inherited } = process.env;
  const child = spawn(process.execPath, options.args ?? ['--import', 'tsx', 'src/cli/faro.ts', 'start'], {
    cwd: ROOT,
    env: {
      ...inherited,
      LOG_LEVEL: 'info',
      WEB_DIST_DIR: '/nonexistent',
      FARO_SECRET_KEY: TEST_SECRET_KEY,
      REPORT_RATE_LIMIT_PER_MINUTE: '100000',
      LOOKUP_RATE_LIMIT_PER_MINUTE: '100000',
      // Scripts posting reports do not solve the form's proof of work (the browser tests do).
      REPORT_PROOF_OF_WORK: 'false',
      // Peers of tests and benchmarks (push services, the SMS provider) listen on 127.0.0.1.
      OUTBOUND_ALLOW_LOOPBACK: 'true',
      SUBSCRIBE_PER_ADDRESS_PER_HOUR: '100000',
      // Every text shares the number's pace (1 a second by default): tests that judge the pace set their own.
      SMS_MESSAGES_PER_SECOND: '1000',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
  return { child, baseUrl, output: () => output, exited };
}
