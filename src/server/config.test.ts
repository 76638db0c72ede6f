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
});
