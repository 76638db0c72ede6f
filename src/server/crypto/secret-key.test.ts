import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { loadSecretKey } from './secret-key.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('the server key', () => {
  it('comes from FARO_SECRET_KEY when set', async () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    expect(Buffer.from(await loadSecretKey(loadConfig({ FARO_SECRET_KEY: key }))).toString('base64')).toBe(
      key,
    );
  });

  it('is otherwise made once into a private file in the data folder, with just DATABASE_URL too', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'faro-key-'));
    dirs.push(dir);
    const warnings: string[] = [];
    const config = loadConfig({ DATABASE_URL: 'postgres://db/faro', FARO_DATA_DIR: dir });
    const first = await loadSecretKey(config, (m) => warnings.push(m));
    const again = await loadSecretKey(config);
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
    const file = path.join(dir, 'faro-secret.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(Buffer.from(first).toString('base64'));
    expect(warnings.join('')).toMatch(/FARO_SECRET_KEY is not set/);
  });

  it('is the same for processes that start at the same moment', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'faro-key-'));
    dirs.push(dir);
    const config = loadConfig({ FARO_DATA_DIR: dir });
    const keys = await Promise.all(Array.from({ length: 5 }, () => loadSecretKey(config)));
    for (const key of keys) expect(Buffer.from(key).equals(Buffer.from(keys[0] as Uint8Array))).toBe(true);
  });
});
