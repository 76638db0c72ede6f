import { z } from 'zod';
import { defineJob } from '../../jobs/queue.js';
import type { DispatchService } from './dispatch.service.js';

/**
 * An offer's expiry runs at its time (a job queued with the offer, to start
 * then); a sweep each minute ends shifts past their planned end — erasing
 * their location —, flags on-scene check-ins that did not come (alerting
 * dispatchers), escalates those still missing a few minutes later to the
 * backup contact, and catches any offer whose job was lost.
 */
export function dispatchJobs(dispatch: () => DispatchService) {
  return {
    offerExpiry: defineJob({
      name: 'dispatch.offer-expiry',
      payload: z.object({ assignmentId: z.uuid() }),
      retryLimit: 5,
      retryDelaySeconds: 5,
      async handler() {
        await dispatch().expireDue();
      },
    }),
    sweep: defineJob({
      name: 'dispatch.sweep',
      payload: z.object({}),
      retryLimit: 2,
      retryDelaySeconds: 30,
      schedule: '* * * * *',
      async handler() {
        await dispatch().endDueShifts();
        await dispatch().expireDue();
        await dispatch().flagMissedCheckIns();
        await dispatch().escalateMissedCheckIns();
      },
    }),
  };
}
