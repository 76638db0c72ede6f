/**
 * Group commit for a hot statement: calls that arrive while earlier ones are
 * still on their way to the database are gathered into one statement (one
 * round trip, one commit for many rows) instead of one each.
 *
 * Nothing waits for company: a call that finds fewer than `inFlight` batches
 * running goes at once (on the next turn of the event loop, with whatever
 * arrived in the same turn), so a lone report is not slowed. Only when the
 * database is already busy do calls queue — and then they go together as soon
 * as a running batch returns. In a surge that is what keeps intake from
 * spending its time on per-statement overhead (parse, bind, commit, wake-ups
 * of the database's process) instead of rows.
 *
 * A batch fails every call in it with its error, as a lone statement would
 * have — unless the caller says the error is one row's (`retryAlone`: a
 * receipt code drawn twice, say), and then it is tried again one call at a time,
 * so only that row's call fails. Only an error the database gave for a row it
 * refused may be: it says the statement wrote nothing. Not a lost connection, a
 * shutdown or a failover (the statement may have committed: running it again
 * could write a row twice), nor a database refusing everything (too many
 * connections, read-only, disk full: retrying each call one by one would only
 * make every caller wait longer).
 */
export interface GroupCommitOptions {
  /** Batches running at once; more calls wait and go together when one returns. */
  inFlight: number;
  /** The most calls in one batch (a statement's text, or its parameters, grows with it). */
  maxBatch: number;
  /** Whether a batch's error is one row's, so that the batch is tried again one call at a time. */
  retryAlone?: (error: unknown) => boolean;
}

interface Waiting<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * True when the database refused a row for breaking a constraint (SQLSTATE class 23: a unique key,
 * a foreign key, a check): the statement wrote nothing and the session is as it was. One row's
 * fault, never the connection's.
 */
export function integrityViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^23[0-9A-Z]{3}$/.test(code);
}

/**
 * `run` gets the items of one batch in arrival order and returns one result per
 * item, in the same order. Returns the function callers call with one item each.
 */
export function groupCommit<T, R>(
  run: (items: readonly T[]) => Promise<readonly R[]>,
  options: GroupCommitOptions,
): (item: T) => Promise<R> {
  const queue: Waiting<T, R>[] = [];
  let running = 0;
  let scheduled = false;

  const runAlone = (waiting: Waiting<T, R>) =>
    run([waiting.item]).then(
      (results) => settle(waiting, results[0]),
      (error: unknown) => waiting.reject(error),
    );

  const settle = (waiting: Waiting<T, R>, result: R | undefined) => {
    if (result === undefined) waiting.reject(new Error('group commit: a batch returned too few results'));
    else waiting.resolve(result);
  };

  const flush = () => {
    scheduled = false;
    while (running < options.inFlight && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      running += 1;
      // A `run` that throws before it returns its promise fails its batch like one that rejects.
      Promise.resolve()
        .then(() => run(batch.map((waiting) => waiting.item)))
        .then(
          (results) => {
            batch.forEach((waiting, i) => {
              settle(waiting, results[i]);
            });
          },
          async (error: unknown) => {
            if (batch.length === 1 || !options.retryAlone?.(error)) {
              for (const waiting of batch) waiting.reject(error);
              return;
            }
            for (const waiting of batch) await runAlone(waiting);
          },
        )
        .finally(() => {
          running -= 1;
          if (queue.length > 0) schedule();
        });
    }
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (running < options.inFlight) schedule();
    });
}
