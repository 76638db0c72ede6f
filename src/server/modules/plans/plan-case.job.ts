import { z } from 'zod';
import { declareJob, handleJob } from '../../jobs/queue.js';

/**
 * Opens the legal team's case for an activated plan whose member consented. Sent in the
 * activation's transaction; the handler is idempotent (the case's id is the activation's), so a
 * retry after a crash opens nothing twice.
 */
export const planCaseJobType = declareJob({
  name: 'plans.open-case',
  payload: z.object({ activationId: z.uuid() }),
  retryLimit: 12,
  retryDelaySeconds: 30,
});

export function planCaseJob(deps: { openCaseFor(activationId: string): Promise<void> }) {
  return handleJob(planCaseJobType, async ({ activationId }) => deps.openCaseFor(activationId));
}
