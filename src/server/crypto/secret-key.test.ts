import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { loadSecretKey } from './secret-key.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'faro-key-'));
  dirs.push(dir);
  return dir;
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

describe('the server key', () => {
  it('comes from FARO_SECRET_KEY when set', async () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    expect(
      Buffer.from(await loadSecretKey(loadConfig({ NODE_ENV: 'test', FARO_SECRET_KEY: key }))).toString(
        'base64',
      ),
    ).toBe(key);
  });

  it('issue 12 item 13: is otherwise made once into a private file beside the data folder, not in it', async () => {
    const dir = await tempDir();
    const dataDir = path.join(dir, 'data');
    const warnings: string[] = [];
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://db/faro',
      FARO_DATA_DIR: dataDir,
    });
    const first = await loadSecretKey(config, (m) => warnings.push(m));
    const again = await loadSecretKey(config);
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
    const file = path.join(dir, 'data.key');
    expect(config.keyFile).toBe(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(Buffer.from(first).toString('base64'));
    // A copy or backup of the data folder does not carry the key that opens it.
    expect(await exists(path.join(dataDir, 'faro-secret.key'))).toBe(false);
    expect(warnings.join('')).toMatch(/FARO_SECRET_KEY is not set/);
  });

  it('issue 12 item 13: lives where FARO_SECRET_KEY_FILE says, in a private folder Faro makes', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'secrets', 'server.key');
    const config = loadConfig({
      NODE_ENV: 'test',
      FARO_DATA_DIR: path.join(dir, 'data'),
      FARO_SECRET_KEY_FILE: file,
    });
    await loadSecretKey(config);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
  });

  it('issue 12 item 13: moves the key an earlier version kept inside the data folder, and keeps using it', async () => {
    const dir = await tempDir();
    const dataDir = path.join(dir, 'data');
    await mkdir(dataDir);
    const old = Buffer.alloc(32, 7).toString('base64');
    await writeFile(path.join(dataDir, 'faro-secret.key'), `${old}\n`, { mode: 0o644 });
    const warnings: string[] = [];
    const key = await loadSecretKey(loadConfig({ NODE_ENV: 'test', FARO_DATA_DIR: dataDir }), (m) =>
      warnings.push(m),
    );
    expect(Buffer.from(key).toString('base64')).toBe(old);
    expect(await exists(path.join(dataDir, 'faro-secret.key'))).toBe(false);
    expect((await readFile(path.join(dir, 'data.key'), 'utf8')).trim()).toBe(old);
    // It was readable by others in its old place: now it is not.
    expect((await stat(path.join(dir, 'data.key'))).mode & 0o777).toBe(0o600);
    expect(warnings.join(' ')).toMatch(/moved out of the data folder/);
  });

  it('is the same for processes that start at the same moment', async () => {
    // Several rounds of many at once: one that read the file while another was writing it failed (seen in CI).
    for (let round = 0; round < 10; round++) {
      const dir = await tempDir();
      const config = loadConfig({ NODE_ENV: 'test', FARO_DATA_DIR: path.join(dir, 'data') });
      const keys = await Promise.all(Array.from({ length: 20 }, () => loadSecretKey(config)));
      for (const key of keys) expect(Buffer.from(key).equals(Buffer.from(keys[0] as Uint8Array))).toBe(true);
      // Nothing left behind but the key.
      expect(await readdir(path.dirname(config.keyFile))).toEqual([path.basename(config.keyFile)]);
    }
  });
});
