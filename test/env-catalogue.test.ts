import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ENV_CATALOGUE,
  ENV_TABLE_BEGIN,
  envReferenceMarkdown,
  schemaDefault,
  withEnvReference,
} from '../src/server/config-catalogue.js';
import { envSchema } from '../src/server/config-env.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

function filesUnder(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder)).flatMap((name) => {
    const relative = path.join(folder, name);
    return statSync(path.join(ROOT, relative)).isDirectory() ? filesUnder(relative) : [relative];
  });
}

/**
 * The environment reference has one source, the catalogue beside the schema
 * the configuration is parsed with; docs/DEPLOY.md holds what is generated
 * from it (`npm run docs:env`).
 */
describe('the environment reference', () => {
  it('describes every variable the configuration reads, and no other', () => {
    expect(Object.keys(ENV_CATALOGUE).sort()).toEqual(Object.keys(envSchema.shape).sort());
    for (const doc of Object.values(ENV_CATALOGUE)) {
      expect(doc.description.length).toBeGreaterThan(5);
      // A bar would split the table's row.
      expect(doc.description).not.toMatch(/(?<!\\)\|/);
    }
  });

  it('is read only through the configuration: no other server or CLI file reads process.env', () => {
    const readers = [...filesUnder('src/server'), ...filesUnder('src/cli')].filter(
      (file) => file.endsWith('.ts') && /process\.env\b/.test(read(file)),
    );
    expect(readers).toEqual([path.join('src', 'server', 'config.ts')]);
  });

  it('shows the defaults the schema applies', () => {
    expect(schemaDefault('PORT')).toBe('8080');
    expect(schemaDefault('TRUST_PROXY')).toBe('false');
    expect(schemaDefault('FARO_ROLE')).toBe('all');
    expect(schemaDefault('DATABASE_URL')).toBeUndefined();
    const table = envReferenceMarkdown();
    expect(table).toMatch(/^\| `PORT` +\| `8080` +\| HTTP port +\|$/m);
    expect(table).toMatch(/^\| `DATABASE_URL` +\| — +\|/m);
  });

  it('in docs/DEPLOY.md is the one generated from the code (run `npm run docs:env`)', () => {
    const page = read('docs/DEPLOY.md');
    expect(page).toContain(ENV_TABLE_BEGIN);
    expect(page).toBe(withEnvReference(page));
  });

  it('is no longer kept by hand in docs/OPERATIONS.md, which links to it', () => {
    const operations = read('docs/OPERATIONS.md');
    expect(operations).not.toMatch(/^\| `PORT`/m);
    expect(operations).toContain('(DEPLOY.md#environment-reference)');
  });
});
