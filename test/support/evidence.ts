import type { EnqueueWorkingCopy } from '../../src/server/modules/evidence/working-copy.js';
import type { TestFaro } from './faro.js';

/**
 * How a second evidence service in a test (another process's, a folder store's) sends a photo's
 * working-copy job: to the test Faro's own queue, as evidence.module.ts wires it.
 */
export const enqueueWorkingCopyOn =
  (t: Pick<TestFaro, 'faro'>): EnqueueWorkingCopy =>
  async (request, tx) =>
    void (await t.faro.jobs.send(t.faro.jobDefinitions.evidenceWorkingCopy, request, tx?.client));
