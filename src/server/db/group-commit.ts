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
 * A batch the database refused (an error with a SQLSTATE: nothing of that
 * statement was written) is tried again one call at a time, so one bad row — a
 * drawn-twice receipt code, say — fails only its own call. A batch that failed
 * any other way (the connection dropped: it may or may not have committed) fails
 * every call in it with that error, as a lone statement would have: running it
 * again could write a row twice.
 */
export interface GroupCommitOptions {
  /** Batches running at once; more calls wait and go together when one returns. */
  inFlight: number;
  /** The most calls in one batch (a statement's text, or its parameters, grows with it). */
  maxBatch: number;
}

interface Waiting<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * True when the database answered the statement with an error (a SQLSTATE: classes 00–58, F0, HV,
 * P0, XX): the statement wrote nothing. Not a Node error code (`EPIPE`, `ECONNRESET`): those say the
 * connection failed, and whether the statement committed is unknown.
 */
export function refusedByDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^([0-9][0-9A-Z]|F0|HV|P0|XX)[0-9A-Z]{3}$/.test(code);
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
      run(batch.map((waiting) => waiting.item))
        .then(
          (results) => {
            batch.forEach((waiting, i) => {
              settle(waiting, results[i]);
            });
          },
          async (error: unknown) => {
            if (batch.length === 1 || !refusedByDatabase(error)) {
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
