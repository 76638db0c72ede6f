import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The Dockerfile's steps run without Docker (this machine has no daemon and
 * cannot pull node:20-slim): `npm ci` and the build in a copy of the build
 * context, the runtime stage assembled from the build stage only, then
 * started with its ENV, ENTRYPOINT and CMD until its HEALTHCHECK passes.
 * Slow (a whole `npm ci` and build): the browser tier.
 */
describe('the Dockerfile, dry run', () => {
  it('builds, keeps only what runs, and starts healthy as the image would', {
    timeout: 1_500_000,
  }, async () => {
    let output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dockerfile-dry-run.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const line = output.split('\n').find((text) => text.startsWith('DRY-RUN-RESULT '));
    if (!line) throw new Error(`no result (exit ${code}):\n${output.slice(-4000)}`);
    const result = JSON.parse(line.slice('DRY-RUN-RESULT '.length)) as Record<string, unknown>;
    expect(result, output.slice(-4000)).toMatchObject({ ok: true, user: 'faro', exitCode: 0 });
    expect(code).toBe(0);
    // The runtime holds the build and its production dependencies: no source, no tests, no build tools.
    expect(result.topLevel).toEqual([
      'bin',
      'dist',
      'drizzle',
      'node_modules',
      'package-lock.json',
      'package.json',
    ]);
    for (const tool of ['typescript', 'vite', 'vitest', 'tsx', '@biomejs/biome', 'drizzle-kit'])
      expect(result.devDependenciesPresent).not.toContain(tool);
    // Started on the embedded database (no DATABASE_URL): a demo, every check of the `all` role.
    expect(result.readyz).toMatchObject({ status: 'ready', role: 'all', database: 'pglite' });
    expect(result.reportPage).toBe(200);
  });
});
