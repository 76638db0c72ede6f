import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEALED_COLUMNS, UNDECLARED_CONTEXTS } from './sealed-registry.js';

const SEALS = /box\.seal\(|sealBytes\(|sealJson\(/;

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* sources(full);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) yield full;
  }
}

/**
 * The contexts the code seals to, found in its text: the prefixes of template strings on a line
 * that seals, or that defines a context (`const noteContext = (id: string) => \`incident-note:${id}\``,
 * cases/sealing.ts's `note: (id: string) => …`), and plain string contexts given to a seal.
 */
function sealedContexts(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sources(path.resolve('src/server'))) {
    const text = readFileSync(file, 'utf8');
    if (!SEALS.test(text)) continue;
    for (const line of text.split('\n')) {
      const seals = SEALS.test(line);
      const defines =
        /(context|Context|CONTEXT)\w*\s*[=:]\s*(\(|`)/.test(line) ||
        /^\s+\w+: \(\w+: string\) => `/.test(line);
      if (!seals && !defines) continue;
      for (const match of line.matchAll(/`([a-z][a-z0-9-]*:)\$\{/g)) found.set(match[1] as string, file);
      if (seals)
        for (const match of line.matchAll(/,\s*'([a-z][a-z0-9-]*)'\)/g)) found.set(match[1] as string, file);
    }
  }
  return found;
}

describe('the declared sealed columns', () => {
  it('cover every context the code seals to (a new one must be declared beside its repository)', () => {
    const declared = new Set<string>([
      ...SEALED_COLUMNS.map((col) => col.context.prefix),
      ...Object.values(UNDECLARED_CONTEXTS).flat(),
    ]);
    const found = sealedContexts();
    // The search itself finds what it must (it is not vacuous).
    expect([...found.keys()]).toEqual(
      expect.arrayContaining(['report:', 'case-note:', 'server-key:', 'plan-sms:']),
    );
    const missing = [...found]
      .filter(([prefix]) => !declared.has(prefix))
      .map(([p, file]) => `${p} (${file})`);
    expect(missing).toEqual([]);
  });

  it('name each column once', () => {
    const names = SEALED_COLUMNS.map((col) => `${col.table}.${col.column}.${col.field ?? ''}`);
    expect(new Set(names).size).toBe(names.length);
  });
});
