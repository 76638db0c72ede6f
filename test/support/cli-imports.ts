import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RECORDER = path.join(ROOT, 'test/support/record-imports.mjs');

/**
 * The packages Faro's own code imports when running `faro <args>` (each once, in first-import order):
 * `node [--import tsx] --import record-imports.mjs <entry> <args>`. `entry` is the
 * source CLI (run with tsx) or the built one (bin/faro.js).
 */
export async function packagesImportedBy(
  args: string[],
  entry: 'source' | 'built' = 'source',
): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'faro-imports-'));
  const log = path.join(dir, 'imports.txt');
  try {
    const node =
      entry === 'source'
        ? ['--import', 'tsx', '--import', RECORDER, 'src/cli/faro.ts']
        : ['--import', RECORDER, 'bin/faro.js'];
    await promisify(execFile)(process.execPath, [...node, ...args], {
      cwd: ROOT,
      env: { ...process.env, FARO_IMPORTS_LOG: log },
    });
    const lines = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    return [...new Set(lines)];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
