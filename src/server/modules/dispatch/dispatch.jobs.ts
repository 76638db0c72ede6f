import { z } from 'zod';
import { declareJob, handleJob } from '../../jobs/queue.js';
import type { DispatchService } from './dispatch.service.js';

/** An offer's expiry runs at its time: a job queued with the offer, to start then. */
export const offerExpiryJob = declareJob({
  name: 'dispatch.offer-expiry',
  payload: z.object({ assignmentId: z.uuid() }),
  retryLimit: 5,
  retryDelaySeconds: 5,
});

/**
 * A sweep each minute ends shifts past their planned end — erasing their
 * location —, flags on-scene check-ins that did not come (alerting
 * dispatchers), escalates those still missing a few minutes later to the
 * backup contact, and catches any offer whose job was lost.
 */
export const dispatchSweepJob = declareJob({
  name: 'dispatch.sweep',
  payload: z.object({}),
  retryLimit: 2,
  retryDelaySeconds: 30,
  schedule: '* * * * *',
});

/** The dispatcher's clock: both jobs, run by the dispatch service. */
export function dispatchJobs(dispatch: DispatchService) {
  return {
    offerExpiry: handleJob(offerExpiryJob, async () => {
      await dispatch.expireDue();
    }),
    sweep: handleJob(dispatchSweepJob, async () => {
      await dispatch.endDueShifts();
      await dispatch.expireDue();
      await dispatch.flagMissedCheckIns();
      await dispatch.escalateMissedCheckIns();
    }),
  };
}
