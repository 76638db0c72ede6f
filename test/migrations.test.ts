import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('migrations', () => {
  it('agree with the schema: generating from the schema produces no new migration', async () => {
    // drizzle-kit only accepts an output folder relative to the project.
    await mkdir('.faro-test', { recursive: true });
    const out = path.relative('.', await mkdtemp(path.join('.faro-test', 'migrations-')));
    try {
      await cp('drizzle', out, { recursive: true });
      const before = await readdir(out);
      const { stdout } = await run(
        'npx',
        [
          'drizzle-kit',
          'generate',
          '--dialect',
          'postgresql',
          '--schema',
          './src/server/db/schema.ts',
          '--out',
          out,
        ],
        { timeout: 60_000 },
      );
      // drizzle-kit exits 0 even when it fails; insist on its all-clear.
      expect(stdout).toMatch(/No schema changes/);
      const after = await readdir(out);
      expect(after, `schema changed without a migration; run npm run db:generate\n${stdout}`).toEqual(before);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
