import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../../src/server/db/database.js';

/**
 * Searching stored bytes for a marker string put into what a client sent: in
 * every form a store could keep it in without sealing it (as it is, UTF-16,
 * hex, base64 at each alignment). Used by the tests that show sealed data is
 * sealed at rest: every row of every table, a database dump, data folders.
 */

export interface Form {
  name: string;
  bytes: Buffer;
}

/** Every form of `text` a store could hold it in without sealing it. */
export function formsOf(text: string): Form[] {
  const raw = Buffer.from(text);
  const hex = raw.toString('hex');
  const forms = [
    { name: 'plain', bytes: raw },
    { name: 'utf-16le', bytes: Buffer.from(text, 'utf16le') },
    { name: 'hex', bytes: Buffer.from(hex) },
    { name: 'HEX', bytes: Buffer.from(hex.toUpperCase()) },
  ];
  // Base64 of the text depends on where it starts within the encoded whole (its offset modulo 3):
  // the part of each alignment that only the text's own bytes decide.
  for (const shift of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(shift), raw]).toString('base64');
    const part = encoded.slice(4 * Math.ceil(shift / 3), 4 * Math.floor((shift + raw.length) / 3));
    forms.push({ name: `base64/${shift}`, bytes: Buffer.from(part) });
    forms.push({
      name: `base64url/${shift}`,
      bytes: Buffer.from(part.replaceAll('+', '-').replaceAll('/', '_')),
    });
  }
  return forms;
}

/** The names of the forms in `forms` that `bytes` holds. */
export const formsIn = (bytes: Buffer, forms: readonly Form[]): string[] =>
  forms.filter((form) => bytes.includes(form.bytes)).map((form) => form.name);

/**
 * A dump's text with the bytes of every bytea in it (`\x…`, hex) decoded after it: a file kept as
 * base64 or UTF-16 in a bytea column shows in a dump only as the hex of that form.
 */
export function withByteaDecoded(text: string): Buffer {
  const decoded = [...text.matchAll(/\\x((?:[0-9a-f]{2})+)/g)].map((match) =>
    Buffer.from(match[1] as string, 'hex'),
  );
  return Buffer.concat([Buffer.from(text), ...decoded]);
}

/** The regular files under `root`, `skip` left out; `tolerant` passes over what vanishes or may not be read. */
export async function filesUnder(
  root: string,
  options: { skip?: string | undefined; tolerant?: boolean } = {},
) {
  const files: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (options.tolerant) return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (full === options.skip) continue;
      if (entry.isDirectory()) await visit(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  await visit(root);
  return files;
}

/** Which files hold a form of the marker (leaks), and which hold the control in clear. */
export async function searchFiles(
  files: string[],
  forms: { marker: readonly Form[]; control: readonly Form[] },
  tolerant = false,
) {
  const leaks: string[] = [];
  const controls: string[] = [];
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      if (tolerant) continue;
      throw error;
    }
    for (const form of formsIn(bytes, forms.marker)) leaks.push(`${file}: ${form}`);
    if (formsIn(bytes, forms.control).includes('plain')) controls.push(file);
  }
  return { leaks, controls };
}

/** Every row of every table outside PostgreSQL's own catalog, as text (bytea as hex), by table. */
export async function catalogDump(database: Pick<Database, 'pool'>): Promise<Map<string, Buffer>> {
  const { rows: tables } = await database.pool.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'm')
        and n.nspname not in ('pg_catalog', 'information_schema')
        and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
      order by 1`,
  );
  const names = tables.map((table) => table.name);
  // Large objects are a place to keep bytes too (lo_import): read where the role may.
  const { rows: superuser } = await database.pool.query<{ yes: boolean }>(
    'select rolsuper as yes from pg_roles where rolname = current_user',
  );
  if (superuser[0]?.yes) names.push('pg_catalog.pg_largeobject');
  const dump = new Map<string, Buffer>();
  for (const name of names) {
    const { rows } = await database.pool.query<{ row: string }>(`select t::text as row from ${name} t`);
    dump.set(name, withByteaDecoded(rows.map((row) => row.row).join('\n')));
  }
  return dump;
}
