import { describe, expect, it } from 'vitest';
import { groupCommit, refusedByDatabase } from './group-commit.js';

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

  it('tries a batch the database refused one call at a time: only the bad call fails', async () => {
    const batches: number[][] = [];
    const refused = Object.assign(new Error('duplicate key'), { code: '23505' });
    const call = groupCommit(
      async (items: readonly number[]) => {
        batches.push([...items]);
        if (items.includes(3)) throw refused;
        return items.map((n) => n * 10);
      },
      { inFlight: 1, maxBatch: 8 },
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

  it('fails every call of a batch lost on the way (no SQLSTATE) without running it again', async () => {
    const batches: number[][] = [];
    const call = groupCommit(
      async (items: readonly number[]) => {
        batches.push([...items]);
        throw new Error('Connection terminated unexpectedly');
      },
      { inFlight: 1, maxBatch: 8 },
    );
    const results = await Promise.allSettled([1, 2, 3].map(call));
    expect(batches).toEqual([[1, 2, 3]]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });

  it('tells a database refusal from a lost connection', () => {
    expect(refusedByDatabase({ code: '23505' })).toBe(true);
    expect(refusedByDatabase({ code: '57P01' })).toBe(true);
    expect(refusedByDatabase({ code: 'ECONNRESET' })).toBe(false);
    expect(refusedByDatabase({ code: 'EPIPE' })).toBe(false);
    expect(refusedByDatabase(new Error('Connection terminated'))).toBe(false);
    expect(refusedByDatabase(null)).toBe(false);
  });
});
