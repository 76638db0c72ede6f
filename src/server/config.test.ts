import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('runs on the embedded database in ./data with demo data by default', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.database).toMatchObject({ kind: 'pglite' });
    expect(config.database.kind === 'pglite' && config.database.dataDir).toMatch(/\/data$/);
    expect(config.seedDemo).toBe(true);
  });

  it('switches to PostgreSQL with DATABASE_URL (and its public address), without demo data', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/faro',
      PUBLIC_URL: 'https://faro.example.org',
    });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/faro', poolSize: 10 });
    expect(config.seedDemo).toBe(false);
  });

  it('lists every problem at once', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', TRUST_PROXY: 'perhaps' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'TRUST_PROXY']) expect(problems).toContain(name);
  });

  it('issue 12 item 3: refuses TRUST_PROXY=true, saying what to set instead', () => {
    const problems = problemsOf({ TRUST_PROXY: 'true' });
    expect(problems).toMatch(/TRUST_PROXY/);
    expect(problems).toMatch(/TRUST_PROXY=1/);
    expect(problems).toMatch(/TRUST_PROXY=10\.0\.0\.1/);
    expect(problems).toMatch(/escape every per-address limit/);
  });

  it('issue 18: refuses a metrics listener beyond this machine without a token', () => {
    expect(problemsOf({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' })).toMatch(
      /METRICS_HOST: 0\.0\.0\.0 .*METRICS_TOKEN/,
    );
    expect(() =>
      loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0', METRICS_TOKEN: 'x'.repeat(32) }),
    ).not.toThrow();
    expect(() => loadConfig({ METRICS_PORT: '9464' })).not.toThrow();
  });

  it('issue 12 item 3: trusts a number of proxy hops, or the proxies’ addresses and networks only', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toEqual({ hops: 1 });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.0.0.0/8,fd00::/8' }).trustProxy).toEqual({
      addresses: ['10.0.0.1', '10.0.0.0/8', 'fd00::/8'],
    });
    expect(problemsOf({ TRUST_PROXY: '10.0.0.1,my-proxy' })).toMatch(/my-proxy is not an address/);
  });

  it('issue 12 item 11: needs PUBLIC_URL outside the demo, and takes every link from it', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db:5432/faro' };
    expect(problemsOf(production)).toMatch(/PUBLIC_URL: is required outside the demo/);
    expect(problemsOf({ ...production, NODE_ENV: 'development' })).toMatch(/PUBLIC_URL/);
    expect(loadConfig({ ...production, PUBLIC_URL: 'https://faro.example.org/' }).publicUrl).toBe(
      'https://faro.example.org',
    );
    // Trying Faro on a laptop (the demo) or testing it needs nothing: links point at this machine.
    expect(loadConfig({ PORT: '8090' }).publicUrl).toBe('http://localhost:8090');
    expect(loadConfig({ ...production, NODE_ENV: 'test' }).publicUrl).toBe('http://localhost:8080');
    expect(problemsOf({ PUBLIC_URL: 'ftp://faro.example.org' })).toMatch(/PUBLIC_URL/);
  });

  it('issue 12 item 12: has time limits for slow requests and a cap on connections per address', () => {
    expect(loadConfig({}).http).toEqual({
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      idleTimeoutMs: 60_000,
      maxConnectionsPerAddress: 64,
    });
    expect(problemsOf({ HTTP_HEADERS_TIMEOUT_SECONDS: '90' })).toMatch(/HTTP_HEADERS_TIMEOUT_SECONDS/);
  });

  it('issue 12 item 7: keeps outbound requests off this machine unless a test asks, and never in production', () => {
    const defaults = loadConfig({});
    expect(defaults.outbound.allowLoopback).toBe(false);
    expect(defaults.push.hosts).toContain('fcm.googleapis.com');
    expect(defaults.push.hosts).not.toContain('127.0.0.1');
    expect(loadConfig({ OUTBOUND_ALLOW_LOOPBACK: 'true', NODE_ENV: 'test' }).push.hosts).toContain(
      '127.0.0.1',
    );
    expect(() => loadConfig({ OUTBOUND_ALLOW_LOOPBACK: 'true', NODE_ENV: 'production' })).toThrow(
      /OUTBOUND_ALLOW_LOOPBACK/,
    );
    expect(defaults.outbound.http2Cleartext).toBe(false);
    expect(loadConfig({ OUTBOUND_H2C: 'true', NODE_ENV: 'test' }).outbound.http2Cleartext).toBe(true);
    expect(() => loadConfig({ OUTBOUND_H2C: 'true', NODE_ENV: 'production' })).toThrow(/OUTBOUND_H2C/);
    const sms = { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+13235550100' };
    expect(() => loadConfig({ ...sms, TWILIO_API_URL: 'http://api.twilio.com' })).toThrow(/TWILIO_API_URL/);
    expect(loadConfig(sms).sms?.mediaHosts).toEqual(['api.twilio.com']);
  });

  it('issue 12 item 10: serves SMS subscriptions in the coalition’s country, refusing premium ranges', () => {
    const { subscriptions } = loadConfig({});
    expect(subscriptions.sms.countryCodes).toEqual(['1']);
    expect(subscriptions.sms.refusedPrefixes).toEqual(expect.arrayContaining(['1900', '1xxx976', '1876']));
    expect(loadConfig({ SMS_SUBSCRIBE_COUNTRY_CODES: '1, 52' }).subscriptions.sms.countryCodes).toEqual([
      '1',
      '52',
    ]);
    expect(() => loadConfig({ SMS_SUBSCRIBE_COUNTRY_CODES: '+1' })).toThrow(/SMS_SUBSCRIBE_COUNTRY_CODES/);
  });
});

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  return '';
}
