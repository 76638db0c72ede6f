// One owner per table: fails when the statements that write a table (insert,
// update, delete — Drizzle's builders or plain SQL) sit in more than one
// module. A module is a folder under src/server/modules (or, outside it, a
// top-level folder of src/server such as realtime or db).
//
//   node scripts/check-table-owners.mjs            fail when a table has two writers
//   node scripts/check-table-owners.mjs --table    print table → module → files (markdown)
//   --root=DIR                                     another checkout's src/server
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.argv.find((a) => a.startsWith('--root='))?.slice(7) ?? 'src/server');
const asTable = process.argv.includes('--table');

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) yield full;
  }
}

const sources = [...files(root)].map((full) => ({
  file: path.relative(root, full).split(path.sep).join('/'),
  text: readFileSync(full, 'utf8'),
}));

/** The tables, by the name the code uses for them: `export const reports = pgTable('reports', …`. */
const tables = new Map();
for (const { text } of sources)
  for (const match of text.matchAll(/export const (\w+)\s*=\s*pgTable\(\s*'(\w+)'/g))
    tables.set(match[1], match[2]);
const sqlNames = new Set(tables.values());

const moduleOf = (file) => {
  const parts = file.split('/');
  return parts[0] === 'modules' ? parts[1] : parts.length > 1 ? parts[0] : file;
};

/** table → module → files that write it */
const writers = new Map();
const wrote = (table, file) => {
  const byModule = writers.get(table) ?? new Map();
  const inModule = byModule.get(moduleOf(file)) ?? new Set();
  inModule.add(file);
  byModule.set(moduleOf(file), inModule);
  writers.set(table, byModule);
};

for (const { file, text } of sources) {
  // Drizzle: db.insert(reports), tx.update(reports), .delete(reports)
  for (const match of text.matchAll(/\.(?:insert|update|delete)\(\s*(\w+)\s*\)/g))
    if (tables.has(match[1])) wrote(tables.get(match[1]), file);
  // Plain SQL: insert into reports / update reports set / delete from reports (also ${reports} in a template)
  for (const match of text.matchAll(
    /\b(?:insert\s+into|update|delete\s+from)\s+(?:\$\{(\w+)\}|"?(\w+)"?)/gi,
  )) {
    const table = match[1] ? tables.get(match[1]) : match[2];
    if (
      table &&
      sqlNames.has(table) &&
      (match[1] ||
        /\bset\b|\binsert\b|\bdelete\b/i.test(
          match[0] + text.slice(match.index + match[0].length, match.index + match[0].length + 400),
        ))
    )
      wrote(table, file);
  }
}

const rows = [...sqlNames].sort().map((table) => {
  const byModule = writers.get(table) ?? new Map();
  return {
    table,
    modules: [...byModule.keys()].sort(),
    files: [...byModule.values()].flatMap((s) => [...s]).sort(),
  };
});

if (asTable) {
  console.log('| table | written by (module) | files |');
  console.log('|---|---|---|');
  for (const row of rows)
    console.log(
      `| ${row.table} | ${row.modules.join(', ') || '—'} | ${row.files.map((f) => `\`${f}\``).join(', ') || '—'} |`,
    );
}

const shared = rows.filter((row) => row.modules.length > 1);
if (shared.length === 0) {
  if (!asTable) console.log(`Table owners: each of ${rows.length} tables is written by one module.`);
  process.exit(0);
}
console.log(`Tables written by more than one module (${shared.length}):`);
for (const row of shared) console.log(`  ${row.table}: ${row.modules.join(', ')} (${row.files.join(', ')})`);
process.exit(asTable ? 0 : 1);
