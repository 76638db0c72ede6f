import type { ProcessRole } from '../../config.js';
import { type Database, databaseAnswers } from '../../db/database.js';
import { migrationsCurrent } from '../../db/migrate.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { RealtimeHub } from '../../realtime/hub.js';
import type { Grouper } from '../incidents/grouper.js';

/** What `/readyz` checks, by name; which ones depend on the process's role. */
export const READINESS_CHECKS = ['database', 'migrations', 'realtime', 'jobs', 'grouper'] as const;
export type ReadinessCheckName = (typeof READINESS_CHECKS)[number];

/** One check's outcome; `problem` says in a sentence what is wrong. */
export interface ReadinessCheck {
  name: ReadinessCheckName;
  ok: boolean;
  problem?: string;
}

/** The checks of a role: the web serves (and hears other processes), the worker works. */
export function checksOfRole(role: ProcessRole): ReadinessCheckName[] {
  const web: ReadinessCheckName[] = ['realtime'];
  const worker: ReadinessCheckName[] = ['jobs', 'grouper'];
  return [
    'database',
    'migrations',
    ...(role === 'web' ? web : role === 'worker' ? worker : [...web, ...worker]),
  ];
}

/**
 * Runs the role's checks in order; once the database does not answer, the
 * checks that need it are not run (said as failed, with the reason).
 */
export function readinessChecks(deps: {
  role: ProcessRole;
  database: Database;
  hub: Pick<RealtimeHub, 'listening'>;
  jobs: Pick<JobQueue, 'working'>;
  grouper: Pick<Grouper, 'ranRecently'> | null;
  grouperWithinMs: number;
}): () => Promise<{ checks: ReadinessCheck[]; pendingMigrations: number }> {
  return async () => {
    const checks: ReadinessCheck[] = [];
    let pendingMigrations = 0;
    const answers = await databaseAnswers(deps.database);
    for (const name of checksOfRole(deps.role)) {
      const fail = (problem: string) => checks.push({ name, ok: false, problem });
      if (name === 'database') {
        if (answers) checks.push({ name, ok: true });
        else fail('The database is not reachable.');
      } else if (name === 'migrations') {
        if (!answers) {
          fail('Not known: the database is not reachable.');
          continue;
        }
        const migrations = await migrationsCurrent(deps.database);
        pendingMigrations = migrations.pending;
        if (migrations.current) checks.push({ name, ok: true });
        else fail(`${migrations.pending} database migration(s) are not applied yet.`);
      } else if (name === 'realtime') {
        if (deps.hub.listening()) checks.push({ name, ok: true });
        else fail('The connection that hears other processes (LISTEN) is down; it is being re-opened.');
      } else if (name === 'jobs') {
        if (deps.jobs.working()) checks.push({ name, ok: true });
        else fail('The job workers are not running.');
      } else if (deps.grouper?.ranRecently(deps.grouperWithinMs)) {
        checks.push({ name, ok: true });
      } else {
        fail(`The grouper has not finished a pass in the last ${Math.round(deps.grouperWithinMs / 1000)} s.`);
      }
    }
    return { checks, pendingMigrations };
  };
}
