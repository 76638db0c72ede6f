import { z } from 'zod';
import type { Drizzle } from '../../db/database.js';
import { defineJob } from '../../jobs/queue.js';
import { purgeRestrictedFields } from '../reports/reports.repo.js';

/**
 * Deletes restricted report fields (exact position, cross streets, free text)
 * once they are older than the retention period: data that no longer exists
 * cannot be breached or subpoenaed. Idempotent: a second run finds nothing.
 */
export function retentionJob(deps: {
  db: Drizzle;
  exactLocationDays: number;
  now?: () => Date;
  onPurged?: (count: number) => void;
}) {
  return defineJob({
    name: 'retention.purge-restricted',
    payload: z.object({}),
    retryLimit: 5,
    retryDelaySeconds: 60,
    schedule: '17 * * * *',
    async handler() {
      const now = deps.now?.() ?? new Date();
      const cutOff = new Date(now.getTime() - deps.exactLocationDays * 86_400_000);
      const count = await purgeRestrictedFields(deps.db, cutOff);
      deps.onPurged?.(count);
    },
  });
}
