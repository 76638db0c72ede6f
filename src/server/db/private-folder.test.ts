import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Every file and folder under `folder` that someone other than its owner may read, write or enter. */
async function openToOthers(folder: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (entry: string) => {
    const info = await lstat(entry);
    if ((info.mode & 0o077) !== 0) found.push(`${(info.mode & 0o777).toString(8)} ${entry}`);
    if (info.isDirectory()) for (const name of await readdir(entry)) await visit(path.join(entry, name));
  };
  await visit(folder);
  return found;
}

async function writeSomeRows(dataDir: string, log?: (message: string) => void): Promise<void> {
  const database = await openDatabase({ kind: 'pglite', dataDir }, log);
  try {
    await database.pool.query('create table if not exists t (n int)');
    await database.pool.query('insert into t select generate_series(1, 5000)');
    await database.pool.query('checkpoint');
  } finally {
    await database.close();
  }
}

describe('the embedded database folder', { timeout: 60_000 }, () => {
  it('issue 12 item 13: keeps every file private to its owner, the write-ahead log included', async () => {
    const dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'faro-data-')), 'data');
    dirs.push(path.dirname(dataDir));
    await writeSomeRows(dataDir);
    expect((await lstat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await readdir(path.join(dataDir, 'pg_wal'))).length).toBeGreaterThan(0);
    expect(await openToOthers(dataDir)).toEqual([]);
  });

  it('issue 12 item 13: makes a folder left open by an earlier version private when it opens it', async () => {
    const dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'faro-data-')), 'data');
    dirs.push(path.dirname(dataDir));
    // What earlier versions did: PGlite on the folder, its files world-writable.
    const old = new PGlite(dataDir);
    await old.query('create table t (n int)');
    await old.close();
    expect((await openToOthers(dataDir)).length).toBeGreaterThan(100);

    const messages: string[] = [];
    await writeSomeRows(dataDir, (message) => messages.push(message));
    expect(await openToOthers(dataDir)).toEqual([]);
    expect(messages.join(' ')).toMatch(/readable by other users; they are now private/);
  });
});
