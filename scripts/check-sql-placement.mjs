// SQL lives in repositories: fails when a server file outside `*.repo.ts` and
// the database layer builds a query (Drizzle's query builders or `sql`
// templates, or `.query(` / `.execute(` on a pool or client). One owner per
// table starts with knowing where every statement is.
//
//   node scripts/check-sql-placement.mjs          fail on any file not allowed
//   node scripts/check-sql-placement.mjs --list   only list what it finds
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.argv.find((a) => a.startsWith('--root='))?.slice(7) ?? 'src/server');
const listOnly = process.argv.includes('--list');

/** Where SQL belongs: repositories and the database layer (opening, migrating, the job queue's own tables). */
const allowed = (file) =>
  file.endsWith('.repo.ts') ||
  file.startsWith(`db${path.sep}`) ||
  file === path.join('jobs', 'queue.ts') ||
  file.endsWith('.test.ts');

/** What building a query looks like in this code base. */
const SIGNS = [
  // A value import from drizzle-orm (its operators and `sql` build queries; `import type` is fine).
  [/^import\s+(?!type\b)[^;]*from\s+'drizzle-orm(?:\/[^']*)?'/m, "imports query builders from 'drizzle-orm'"],
  [/\bsql`/, 'writes a sql`…` template'],
  [/\.(?:query|execute)\s*(?:<[^>]*>)?\s*\(/, 'calls .query( or .execute('],
  [/\bdb\s*\.\s*(?:select|insert|update|delete)\s*\(/, 'uses db.select/insert/update/delete'],
];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else if (name.endsWith('.ts')) yield full;
  }
}

const found = [];
for (const full of files(root)) {
  const file = path.relative(root, full);
  if (allowed(file)) continue;
  const text = readFileSync(full, 'utf8');
  for (const [pattern, what] of SIGNS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const line = text.slice(0, match.index).split('\n').length;
    found.push(`src/server/${file.split(path.sep).join('/')}:${line} ${what}`);
    break;
  }
}

if (found.length === 0) {
  if (!listOnly) console.log('SQL placement: every query is in a repository or the database layer.');
  process.exit(0);
}
console.log(`SQL outside repositories (${found.length} files):`);
for (const line of found) console.log(`  ${line}`);
process.exit(listOnly ? 0 : 1);
