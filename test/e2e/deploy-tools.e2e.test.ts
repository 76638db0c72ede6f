import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The deployment files read by the tools that will run them (no daemon
 * needed): Compose's own parser (Debian's docker-compose, installed by
 * .ci/run) and systemd's unit checker. Programs a fresh machine lacks: the
 * browser tier, not `npm test`.
 */
describe('the deployment files, read by their tools', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'faro-deploy-'));
    await cp(path.join(ROOT, 'deploy'), folder, { recursive: true });
    await cp(path.join(folder, 'faro.env.example'), path.join(folder, 'faro.env'));
    await cp(path.join(folder, '.env.example'), path.join(folder, '.env'));
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it('compose.yaml is valid for docker-compose, with each role and its health check', async () => {
    const { stdout } = await run('docker-compose', ['-f', 'compose.yaml', 'config'], { cwd: folder });
    const config = parse(stdout) as {
      services: Record<
        string,
        { command?: string[]; environment?: Record<string, string>; healthcheck?: object }
      >;
    };
    expect(Object.keys(config.services).sort()).toEqual(['caddy', 'postgres', 'web', 'worker']);
    expect(config.services.web?.command).toEqual(['start', '--role', 'web']);
    expect(config.services.worker?.command).toEqual(['start', '--role', 'worker']);
    // The domain from .env reaches the public address; the env file's secrets are read from the file.
    expect(config.services.web?.environment?.PUBLIC_URL).toBe('https://alerts.example.org');
    expect(config.services.worker?.environment).toHaveProperty('FARO_SECRET_KEY');
    expect(config.services.web?.healthcheck).toBeDefined();
  });

  it('compose.yaml refuses to run without the domain', async () => {
    await rm(path.join(folder, '.env'));
    try {
      await expect(
        run('docker-compose', ['-f', 'compose.yaml', 'config'], { cwd: folder }),
      ).rejects.toMatchObject({
        stderr: expect.stringContaining('FARO_DOMAIN'),
      });
    } finally {
      await cp(path.join(folder, '.env.example'), path.join(folder, '.env'));
    }
  });

  it('systemd accepts both units, and would refuse one that names a missing program', async () => {
    const units = ['faro-web.service', 'faro-worker.service'].map((unit) =>
      path.join(folder, 'systemd', unit),
    );
    const verified = await run('systemd-analyze', ['verify', ...units]);
    expect(verified.stderr).toBe('');
    const broken = path.join(folder, 'systemd', 'faro-broken.service');
    await writeFile(broken, '[Service]\nExecStart=/nonexistent/node start\n');
    await expect(run('systemd-analyze', ['verify', broken])).rejects.toMatchObject({
      stderr: expect.stringContaining('/nonexistent/node'),
    });
  });
});
