import { describe, expect, it } from 'vitest';
import { groupCommit, integrityViolation } from './group-commit.js';

/** A `run` that records its batches and answers each when told to. */
function recorder() {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const run = (items: readonly number[]) => {
    batches.push([...items]);
    return new Promise<number[]>((resolve) => pending.push(() => resolve(items.map((n) => n * 10))));
  };
  const answerAll = async () => {
    while (pending.length > 0) pending.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, run, answerAll };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('groupCommit', () => {
  it('sends a lone call at once, alone', async () => {
    const { batches, run, answerAll } = recorder();
    const call = groupCommit(run, { inFlight: 1, maxBatch: 8 });
    const answer = call(1);
    await tick();
    expect(batches).toEqual([[1]]);
    await answerAll();
    await expect(answer).resolves.toBe(10);
  });

  it('gathers the calls made while a batch runs into the next, each getting its own result', async () => {
    const { batches, run, answerAll } = recorder();
    const call = groupCommit(run, { inFlight: 1, maxBatch: 8 });
    const first = call(1);
    await tick();
    const rest = [2, 3, 4].map(call);
    await tick();
    expect(batches).toEqual([[1]]);
    await answerAll();
    await tick();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    await answerAll();
    await expect(first).resolves.toBe(10);
    await expect(Promise.all(rest)).resolves.toEqual([20, 30, 40]);
  });

  it('runs up to inFlight batches at once and no more than maxBatch calls in one', async () => {
    const { batches, run, answerAll } = recorder();
    const call = groupCommit(run, { inFlight: 2, maxBatch: 2 });
    const all = [1, 2, 3, 4, 5].map(call);
    await tick();
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    await answerAll();
    await tick();
    expect(batches.at(-1)).toEqual([5]);
    await answerAll();
    await expect(Promise.all(all)).resolves.toEqual([10, 20, 30, 40, 50]);
  });

  it('tries a batch refused for one row one call at a time, when the caller says so: only the bad call fails', async () => {
    const batches: number[][] = [];
    const refused = Object.assign(new Error('duplicate key'), { code: '23505' });
    const call = groupCommit(
      async (items: readonly number[]) => {
        batches.push([...items]);
        if (items.includes(3)) throw refused;
        return items.map((n) => n * 10);
      },
      { inFlight: 1, maxBatch: 8, retryAlone: integrityViolation },
    );
    const results = await Promise.allSettled([1, 2, 3, 4].map(call));
    expect(batches).toEqual([[1, 2, 3, 4], [1], [2], [3], [4]]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([
      10,
      20,
      'failed',
      40,
    ]);
  });

  it.each([
    ['lost on the way', new Error('Connection terminated unexpectedly')],
    [
      'ended by a shutdown (it may have committed)',
      Object.assign(new Error('terminating'), { code: '57P01' }),
    ],
    [
      'refused with everything else (too many connections)',
      Object.assign(new Error('too many'), { code: '53300' }),
    ],
    ['refused read-only after a failover', Object.assign(new Error('read-only'), { code: '25006' })],
  ])('fails every call of a batch %s without running it again', async (_, failure) => {
    const batches: number[][] = [];
    const call = groupCommit(
      async (items: readonly number[]) => {
        batches.push([...items]);
        throw failure;
      },
      { inFlight: 1, maxBatch: 8, retryAlone: integrityViolation },
    );
    const results = await Promise.allSettled([1, 2, 3].map(call));
    expect(batches).toEqual([[1, 2, 3]]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });

  it('fails the batch of a run that throws before it returns, and goes on with the next', async () => {
    let runs = 0;
    const call = groupCommit(
      (items: readonly number[]) => {
        runs += 1;
        if (runs === 1) throw new Error('thrown at once');
        return Promise.resolve(items.map((n) => n * 10));
      },
      { inFlight: 1, maxBatch: 8 },
    );
    await expect(call(1)).rejects.toThrow('thrown at once');
    await expect(call(2)).resolves.toBe(20);
  });

  it("takes only a broken constraint for one row's fault", () => {
    expect(integrityViolation({ code: '23505' })).toBe(true);
    expect(integrityViolation({ code: '23503' })).toBe(true);
    expect(integrityViolation({ code: '57P01' })).toBe(false);
    expect(integrityViolation({ code: '53300' })).toBe(false);
    expect(integrityViolation({ code: 'ECONNRESET' })).toBe(false);
    expect(integrityViolation(new Error('Connection terminated'))).toBe(false);
    expect(integrityViolation(null)).toBe(false);
  });
});
