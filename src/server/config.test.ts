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

  it('switches to PostgreSQL with DATABASE_URL alone, without demo data', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/faro' });
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
