import { createRequire } from 'node:module';
import PgBoss from 'pg-boss';
import type { z } from 'zod';
import type { Database, SqlExecutor } from '../db/database.js';
import { LOCKS, whileLocked } from '../db/locks.js';

/**
 * A kind of job: a name, a payload schema, retry policy, optional cron
 * schedule. That is all it takes to send one, so a service can enqueue a job
 * whose handler is wired later, once the service it calls exists.
 */
export interface JobType<S extends z.ZodType> {
  name: string;
  payload: S;
  retryLimit: number;
  retryDelaySeconds: number;
  /** Cron expression (UTC) for recurring jobs. */
  schedule?: string;
  /**
   * Jobs a worker takes per poll and runs at once (default 1). pg-boss waits
   * a poll interval after each fetch, so one at a time is one job per poll.
   */
  batchSize?: number;
  /**
   * Workers of this job in each process, each fetching and running its own jobs (default 1): for
   * long jobs that must not wait for each other (an alert's push sender beside its SMS sender).
   */
  concurrency?: number;
}

/**
 * A job with its idempotent handler. The queue is pg-boss on the same
 * database, so a job sent inside a transaction exists exactly when the
 * transaction commits.
 */
export interface JobDefinition<S extends z.ZodType> extends JobType<S> {
  handler: (payload: z.infer<S>) => Promise<void>;
}

/** Declares a kind of job (no handler yet) with its types checked. */
export function declareJob<S extends z.ZodType>(type: JobType<S>): JobType<S> {
  return type;
}

/** A kind of job with the handler that runs it. */
export function handleJob<S extends z.ZodType>(
  type: JobType<S>,
  handler: (payload: z.infer<S>) => Promise<void>,
): JobDefinition<S> {
  return { ...type, handler };
}

/** Declares a job and its handler at once, with its types checked. */
export function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds definitions of many payload types.
export type AnyJob = JobDefinition<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above.
type AnyJobType = JobType<any>;

export interface SendOptions {
  /** Not before this moment (a retry after a back-off). */
  startAfter?: Date;
  /** Higher runs first among waiting jobs of the queue (default 0). */
  priority?: number;
}

export interface JobQueue {
  /** Enqueues a job; pass the transaction's client to commit it with the caller's rows. */
  send<S extends z.ZodType>(
    job: JobType<S>,
    payload: z.infer<S>,
    within?: SqlExecutor,
    options?: SendOptions,
  ): Promise<string | null>;
  /** Resolves when no job of this queue is waiting or running (for tests and the CLI). */
  drain(job: AnyJobType, timeoutMs?: number): Promise<void>;
  /**
   * Wakes the workers of a job now instead of at their next poll (for jobs a person waits on, and
   * an approved alert's fan-out): this process's, and on PostgreSQL every other process's too.
   */
  wake(job: AnyJobType): void;
  /** Stops fetching new jobs and waits for running handlers to finish. */
  stop(timeoutMs: number): Promise<void>;
  /** Jobs still to do (waiting or running), per queue this process runs and state (for /metrics). */
  depths(): Promise<Array<{ queue: string; state: string; n: number }>>;
  /** Whether this process's job workers are running (started, not stopped; none in a web-only process). */
  working(): boolean;
}

/** A queue opened but not yet running: jobs can be sent once `run` has created their queues. */
export interface OpenJobQueue extends JobQueue {
  /** Creates the queues and schedules of these jobs and, in a worker process, starts their workers. */
  run(jobs: AnyJob[]): Promise<void>;
}

const asDb = (executor: SqlExecutor) => ({
  executeSql: (text: string, values: unknown[]) => executor.query(text, values),
});

// pg-boss's own statement texts, to know the two it sends without waiting for them.
const bossPlans = createRequire(import.meta.url)('pg-boss/src/plans.js') as {
  completeJobs(schema: string): string;
  failJobsById(schema: string): string;
};

/**
 * pg-boss's own connection to the database. pg-boss marks a finished job done
 * (or failed) without waiting for the statement, so (a) a stop can return while
 * it is still under way, and closing the pool then fails it, and (b) when the
 * database goes away at that moment its failure reaches nobody, and an
 * unheard failure ends the process. This keeps every statement it has started
 * (`settle` waits for them), and a failed completion is reported and not
 * thrown: its job stays active and is taken up again when it expires, as after
 * a crash (handlers are idempotent). A statement pg-boss starts after `settle`
 * (a handler that outlived the shutdown deadline) is not sent, for the same reason.
 */
function jobStore(pool: SqlExecutor, schema: string, onError: (error: Error) => void) {
  const unattended = new Set([bossPlans.completeJobs(schema), bossPlans.failJobsById(schema)]);
  const pending = new Set<Promise<unknown>>();
  let settled = false;
  const notDone = (error: Error) => {
    onError(
      new Error(`a job's outcome was not recorded; it will run again when it expires (${error.message})`),
    );
    return { rows: [{ count: '0' }], rowCount: 0 };
  };
  return {
    executeSql(text: string, values: unknown[]) {
      if (settled) return Promise.resolve(notDone(new Error('job queue stopped')));
      const query = unattended.has(text)
        ? pool.query(text, values).catch((error: Error) => notDone(error))
        : pool.query(text, values);
      pending.add(query);
      void query.then(
        () => pending.delete(query),
        () => pending.delete(query),
      );
      return query;
    },
    async settle() {
      settled = true;
      await Promise.allSettled([...pending]);
    },
  };
}

/** Where processes tell each other's workers to fetch a job now. */
const WAKE_CHANNEL = 'faro_job_wake';

/** Starts the queue, creates the queues, schedules and workers for the given jobs. */
export async function startJobQueue(
  database: Database,
  jobs: AnyJob[],
  options: { pollSeconds: number; onError: (error: Error) => void; work?: boolean },
): Promise<JobQueue> {
  const queue = await openJobQueue(database, { ...options, schedules: jobs.some((job) => job.schedule) });
  await queue.run(jobs);
  return queue;
}

/** Starts pg-boss on the database; `run` then creates the queues and workers. */
export async function openJobQueue(
  database: Database,
  options: { pollSeconds: number; onError: (error: Error) => void; work?: boolean; schedules?: boolean },
): Promise<OpenJobQueue> {
  const schema = 'pgboss';
  const store = jobStore(database.pool, schema, options.onError);
  const boss = new PgBoss({
    db: store,
    schema,
    // The app owns the pool; pg-boss must not try to open its own connections.
    supervise: true,
    schedule: options.schedules ?? true,
  });
  boss.on('error', options.onError);
  // On a new database pg-boss creates its schema at start: two processes starting together
  // (a web process and a worker) would both try, and one fail on the schema's name.
  await whileLocked(database, LOCKS.jobQueues, () => boss.start());

  const workers = new Map<string, string[]>();
  let running = false;
  let unlistenWakes: (() => Promise<void>) | null = null;
  // The queues this process has created; sending to another is a wiring mistake, said plainly.
  const known = new Set<string>();

  async function run(jobs: AnyJob[]) {
    await whileLocked(database, LOCKS.jobQueues, async () => {
      for (const job of jobs) {
        await boss.createQueue(job.name, {
          name: job.name,
          retryLimit: job.retryLimit,
          retryDelay: job.retryDelaySeconds,
          retryBackoff: true,
        });
        if (job.schedule) await boss.schedule(job.name, job.schedule, {}, { tz: 'UTC' });
      }
    });
    for (const job of jobs) {
      if (options.work !== false) {
        const batchSize = job.batchSize ?? 1;
        for (let n = 0; n < (job.concurrency ?? 1); n++) {
          const id = await boss.work(
            job.name,
            { pollingIntervalSeconds: options.pollSeconds, batchSize },
            async (batch) => {
              if (batchSize === 1) {
                for (const item of batch) await job.handler(job.payload.parse(item.data));
                return;
              }
              // Each job of a batch succeeds or fails by itself: a failed one is retried alone
              // (pg-boss then completes only those still active).
              const results = await Promise.allSettled(
                batch.map((item) => Promise.resolve().then(() => job.handler(job.payload.parse(item.data)))),
              );
              for (const [i, result] of results.entries()) {
                const item = batch[i];
                if (result.status === 'rejected' && item)
                  await boss.fail(job.name, item.id, { message: String((result.reason as Error)?.message) });
              }
            },
          );
          workers.set(job.name, [...(workers.get(job.name) ?? []), id]);
        }
      }
    }
    for (const job of jobs) known.add(job.name);
    running = options.work !== false;
    // A wake (of this process, or of another: a web process that approved an alert) names the jobs
    // whose workers fetch now; one without names wakes them all.
    if (running && !unlistenWakes)
      unlistenWakes = await database.listen(WAKE_CHANNEL, (names) => {
        for (const name of names === '' ? workers.keys() : names.split('\n'))
          for (const id of workers.get(name) ?? []) boss.notifyWorker(id);
      });
  }

  return {
    run,
    async send(job, payload, within, options = {}) {
      if (!known.has(job.name))
        throw new Error(`the job queue does not run ${job.name} (not started, or not wired)`);
      const data = job.payload.parse(payload) as object;
      const sendOptions = {
        ...(options.startAfter ? { startAfter: options.startAfter } : {}),
        ...(options.priority ? { priority: options.priority } : {}),
        ...(within ? { db: asDb(within) } : {}),
      };
      return boss.send(job.name, data, sendOptions);
    },
    async drain(job, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const result = await database.pool.query<{ n: string }>(
          `select count(*) as n from pgboss.job where name = $1 and state in ('created', 'retry', 'active')`,
          [job.name],
        );
        if (Number(result.rows[0]?.n ?? 0) === 0) return;
        if (Date.now() > deadline) throw new Error(`jobs of ${job.name} still pending after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    wake(job) {
      // Never per report: an approval, an offer (coalesced, outside any transaction).
      database.wake(WAKE_CHANNEL, [job.name]);
    },
    async depths() {
      // pg-boss keeps each queue's jobs in a partition of their own: one grouped count per queue.
      const result = await database.pool.query<{ name: string; state: string; n: number }>(
        `select name, state::text as state, count(*)::int as n from pgboss.job
         where name = any($1::text[]) and state in ('created', 'retry', 'active') group by name, state`,
        [[...known]],
      );
      return result.rows.map((row) => ({ queue: row.name, state: row.state, n: row.n }));
    },
    working: () => running,
    async stop(timeoutMs) {
      running = false;
      await unlistenWakes?.();
      unlistenWakes = null;
      await boss.stop({ graceful: true, wait: true, close: false, timeout: timeoutMs });
      await store.settle();
    },
  };
}
