import { z } from 'zod';
import type { SecretBox } from '../../crypto/secret-box.js';
import { declareJob, handleJob } from '../../jobs/queue.js';
import type { SmsSender } from '../sms/twilio.js';

/**
 * One text of a plan (a contact's message, the confirmation, a test, the
 * "someone is trying" notice, the retention reminder). The number and the
 * text are sealed to the job's own reference, so a job row holds neither in
 * the clear; sent in the transaction that records the activation, so a crash
 * loses none, and retried with back-off while the provider fails.
 */
const planSmsSchema = z.object({
  /** `<activation or notice id>:<index>`: binds the sealed values to this job. */
  ref: z.string(),
  to: z.string(),
  body: z.string(),
});
export type PlanSms = z.infer<typeof planSmsSchema>;

export const planSmsJobType = declareJob({
  name: 'plans.sms',
  payload: planSmsSchema,
  retryLimit: 8,
  retryDelaySeconds: 5,
  // A plan's fifteen texts go out together, not one per poll.
  batchSize: 16,
});

/** Seals one text for the queue. */
export function sealPlanSms(box: SecretBox, ref: string, to: string, body: string): PlanSms {
  return { ref, to: box.seal(to, `plan-sms:${ref}`), body: box.seal(body, `plan-sms:${ref}`) };
}

/** Hands a plan's text to the SMS provider. */
export function planSmsJob(deps: { sender: SmsSender; box: SecretBox }) {
  return handleJob(planSmsJobType, async (sms) => {
    const to = deps.box.open(sms.to, `plan-sms:${sms.ref}`);
    await deps.sender.send(to, deps.box.open(sms.body, `plan-sms:${sms.ref}`));
  });
}
