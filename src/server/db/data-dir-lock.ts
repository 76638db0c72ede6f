import { readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

const LOCK_FILE = 'faro.lock';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The embedded database is one process's: two processes writing one data
 * folder corrupt it (seen when `faro migrate` ran beside a running server).
 * This takes the folder for this process, or says which process has it. A lock
 * left by a process that died (kill -9, power cut) is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return async () => {
        await unlink(file).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
        throw new Error(
          `Another Faro process (pid ${holder}) is using the database in ${dataDir}. Stop it first; to run several processes, use PostgreSQL (DATABASE_URL).`,
        );
      }
      await unlink(file).catch(() => undefined);
    }
  }
  throw new Error(`Could not lock the database folder ${dataDir}.`);
}
