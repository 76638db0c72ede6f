import { mkdir, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { defineJob } from '../jobs/queue.js';
import type { FaroModule } from '../modules/module.js';
import type { Platform } from '../platform.js';
import { writeBackup } from './backup.js';

/** Hourly, at 41 past: each run writes a backup when the newest is BACKUP_EVERY_HOURS old. */
export const BACKUP_SCHEDULE = '41 * * * *';
const NAME = /^faro-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.backup$/;
/** A run a few minutes early (the previous one took a while) still counts as due. */
const SLACK_MS = 10 * 60_000;

const fileName = (now: Date) =>
  `faro-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.backup`;

/** The scheduled backups in `dir`, newest first, each with the time its name says it was made. */
export async function scheduledBackups(dir: string): Promise<{ name: string; madeAt: number }[]> {
  const found: { name: string; madeAt: number }[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const match = NAME.exec(name);
    if (!match) continue;
    const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as number[];
    found.push({ name, madeAt: Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second) });
  }
  return found.sort((a, b) => b.madeAt - a.madeAt);
}

/**
 * Writes a backup into BACKUP_DIR when the newest there is BACKUP_EVERY_HOURS
 * old (by the time in its name; or there is none), encrypted to BACKUP_PUBLIC_KEY, then deletes all
 * but the newest BACKUP_KEEP. Run by the job queue, so one worker of many
 * does it; a run that finds a recent backup does nothing. Counting from the
 * files themselves, a restart or a missed hour does not shift the rhythm.
 */
export function backupJob(deps: {
  database: Database;
  config: Pick<Config, 'database' | 'evidenceStoreDir'>;
  backup: { dir: string; everyHours: number; keep: number; publicKey: Uint8Array };
  now: () => Date;
  onWritten?: (file: string, bytes: { database: number; files: number }) => void;
}) {
  return defineJob({
    name: 'backup.scheduled',
    payload: z.object({}),
    retryLimit: 2,
    retryDelaySeconds: 300,
    schedule: BACKUP_SCHEDULE,
    async handler() {
      const { dir, everyHours, keep, publicKey } = deps.backup;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const now = deps.now();
      const newest = (await scheduledBackups(dir))[0];
      if (newest && now.getTime() - newest.madeAt < everyHours * 3_600_000 - SLACK_MS) return;
      const file = path.join(dir, fileName(now));
      const end = await writeBackup({
        database: deps.database,
        config: deps.config,
        recipient: { publicKey },
        file,
        now,
      });
      deps.onWritten?.(file, { database: end.databaseBytes, files: end.files });
      for (const old of (await scheduledBackups(dir)).slice(keep)) await unlink(path.join(dir, old.name));
    },
  });
}

/** Scheduled backups, when BACKUP_DIR is set. */
export function createBackupModule(platform: Platform) {
  const { config } = platform;
  const backup = config.backup;
  const jobs =
    backup?.dir === undefined
      ? []
      : [
          backupJob({
            database: platform.database,
            config,
            backup: { ...backup, dir: backup.dir },
            now: platform.now,
            onWritten: (file, bytes) => platform.log.info({ file, ...bytes }, 'backup written'),
          }),
        ];
  return { jobs } satisfies FaroModule;
}
