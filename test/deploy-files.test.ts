import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { last, parseDockerfile } from '../scripts/dockerfile.js';
import { ENV_CATALOGUE } from '../src/server/config-catalogue.js';
import { FARO_NODE_OPTIONS } from './support/process.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const known = new Set(Object.keys(ENV_CATALOGUE));
/** What must never be written in a file kept in the repository: secrets go to env files and secret files. */
const SECRETS = ['FARO_SECRET_KEY', 'DATABASE_URL', 'TWILIO_AUTH_TOKEN', 'SMTP_URL'];

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  secrets?: string[];
  networks?: string[] | Record<string, { ipv4_address?: string }>;
}

const compose = parse(read('deploy/compose.yaml'), { merge: true }) as {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
};
const { postgres, web, worker, caddy } = compose.services as Record<string, Service>;

/** `KEY=value` lines of an env file or a unit's Environment=, comments left out. */
const assignments = (text: string) =>
  [...text.matchAll(/(?:^|\s)([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] as string);

describe('deploy/compose.yaml', () => {
  it('runs PostgreSQL 16, one web process, one worker and Caddy', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['caddy', 'postgres', 'web', 'worker']);
    expect(postgres?.image).toBe('postgres:16');
    expect(caddy?.image).toMatch(/^caddy:2/);
    expect(caddy?.ports).toEqual(expect.arrayContaining(['80:80', '443:443']));
  });

  it('gives the web and the worker their roles, both from the repository’s image', () => {
    expect(web?.command).toEqual(['start', '--role', 'web']);
    expect(web?.environment?.FARO_ROLE).toBe('web');
    expect(worker?.command).toEqual(['start', '--role', 'worker']);
    expect(worker?.environment?.FARO_ROLE).toBe('worker');
    for (const service of [web, worker]) {
      expect(service?.build).toEqual({ context: '..', dockerfile: 'Dockerfile' });
      expect(service?.depends_on?.postgres?.condition).toBe('service_healthy');
    }
    // Only the proxy is published; the worker answers health only, and to no one outside.
    expect(web?.ports).toBeUndefined();
    expect(worker?.ports).toBeUndefined();
    expect(caddy?.depends_on?.web?.condition).toBe('service_healthy');
  });

  it('checks each Faro process on /readyz and PostgreSQL with pg_isready', () => {
    for (const service of [web, worker]) expect(service?.healthcheck?.test.join(' ')).toContain('/readyz');
    expect(postgres?.healthcheck?.test.join(' ')).toContain('pg_isready');
  });

  it('sets only variables Faro knows, and no secret inline', () => {
    for (const service of [web, worker]) {
      for (const key of Object.keys(service?.environment ?? {})) expect(known).toContain(key);
      for (const secret of SECRETS) expect(service?.environment ?? {}).not.toHaveProperty(secret);
      expect(service?.env_file).toEqual(['faro.env']);
    }
    expect(postgres?.environment).toHaveProperty('POSTGRES_PASSWORD_FILE', '/run/secrets/postgres_password');
    expect(postgres?.environment).not.toHaveProperty('POSTGRES_PASSWORD');
    expect(compose.secrets.postgres_password?.file).toBe('./secrets/postgres_password');
    for (const key of assignments(read('deploy/faro.env.example'))) expect(known).toContain(key);
  });

  it('trusts X-Forwarded-For from Caddy’s address only, and Caddy proxies to the web process', () => {
    const networks = caddy?.networks as Record<string, { ipv4_address?: string }>;
    expect(web?.environment?.TRUST_PROXY).toBe(networks.frontend?.ipv4_address);
    expect(web?.environment?.PUBLIC_URL).toMatch(/^https:\/\//);
    expect(read('deploy/Caddyfile')).toMatch(/reverse_proxy web:8080 \{[^}]*health_uri \/readyz/);
    // No access log (who posted a report, from where, when); readiness and metrics not published.
    expect(read('deploy/Caddyfile')).not.toMatch(/^\s*log\b/m);
    expect(read('deploy/Caddyfile')).toMatch(/respond \/readyz 404/);
    expect(read('deploy/Caddyfile')).toMatch(/respond \/metrics 404/);
  });
});

describe('Dockerfile', () => {
  const stages = parseDockerfile(read('Dockerfile'));
  const [build, runtime] = stages;

  it('builds on node:20-slim with npm ci and runs with production dependencies only', () => {
    expect(stages.map((stage) => [stage.name, stage.from])).toEqual([
      ['build', 'node:20-slim'],
      ['runtime', 'node:20-slim'],
    ]);
    const buildRuns =
      build?.instructions.filter((step) => step.keyword === 'RUN').map((step) => step.raw) ?? [];
    expect(buildRuns.join('\n')).toMatch(/npm ci/);
    expect(buildRuns.join('\n')).toMatch(/npm run build/);
    expect(buildRuns.join('\n')).toMatch(/npm prune --omit=dev/);
    const copied = runtime?.instructions.filter((step) => step.keyword === 'COPY') ?? [];
    // Everything the runtime holds comes from the build stage: no source, no tests.
    expect(copied.every((step) => step.flags.from === 'build')).toBe(true);
    expect(copied.map((step) => step.args.at(-1))).toEqual([
      './',
      './node_modules',
      './bin',
      './dist',
      './drizzle',
    ]);
  });

  it('runs as an unprivileged user, listening on every interface, with volumes for the data and the key', () => {
    if (!runtime) throw new Error('no runtime stage');
    expect(last(runtime, 'USER')?.args[0]).toBe('faro');
    expect(runtime.env.HOST).toBe('0.0.0.0');
    expect(runtime.env.NODE_ENV).toBe('production');
    for (const key of Object.keys(runtime.env)) expect(known).toContain(key);
    const volumes = runtime.instructions
      .filter((step) => step.keyword === 'VOLUME')
      .flatMap((step) => step.args);
    expect(runtime.env.FARO_DATA_DIR?.startsWith(`${volumes[0]}/`)).toBe(true);
    expect(path.posix.dirname(runtime.env.FARO_SECRET_KEY_FILE ?? '')).toBe(volumes[1]);
  });

  it('starts `faro start` and is healthy when /readyz answers', () => {
    if (!runtime) throw new Error('no runtime stage');
    // With the node options `npm start` uses (package.json config.nodeOptions, one definition).
    expect([...(last(runtime, 'ENTRYPOINT')?.args ?? []), ...(last(runtime, 'CMD')?.args ?? [])]).toEqual([
      'node',
      ...FARO_NODE_OPTIONS,
      'bin/faro.js',
      'start',
    ]);
    expect(last(runtime, 'HEALTHCHECK')?.args.join(' ')).toContain('/readyz');
  });

  it('leaves data, keys, env files and local builds out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', 'dist', 'data', '*.key', '.env', '.env.*', '.git', 'deploy'])
      expect(ignored).toContain(entry);
  });
});

describe('node options', () => {
  it('are those of npm start: a young generation large enough for a fan-out', () => {
    expect(FARO_NODE_OPTIONS).toEqual(['--max-semi-space-size=64']);
  });
});

describe('systemd units', () => {
  it.each(['web', 'worker'])('faro-%s.service starts its role, hardened', (role) => {
    const unit = read(`deploy/systemd/faro-${role}.service`);
    expect(unit).toMatch(
      new RegExp(
        `^ExecStart=\\S+node ${FARO_NODE_OPTIONS.join(' ')} /opt/faro/bin/faro\\.js start --role ${role}$`,
        'm',
      ),
    );
    for (const line of [
      'User=faro',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/faro',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'CapabilityBoundingSet=',
      'EnvironmentFile=/etc/faro/faro.env',
    ])
      expect(unit.split('\n')).toContain(line);
    const environment = unit
      .split('\n')
      .filter((line) => line.startsWith('Environment='))
      .join(' ');
    for (const key of assignments(environment.replaceAll('Environment=', ' '))) expect(known).toContain(key);
    for (const secret of SECRETS) expect(environment).not.toContain(secret);
  });
});
