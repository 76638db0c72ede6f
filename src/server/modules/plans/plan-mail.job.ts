import { z } from 'zod';
import type { SecretBox } from '../../crypto/secret-box.js';
import { declareJob, handleJob } from '../../jobs/queue.js';
import type { Mailer } from '../../mail/mailer.js';

/**
 * A plan contact's message by e-mail, beside the text, where the member gave an address. Address,
 * subject and text sealed to the job's reference (as a plan's SMS is); queued in the activation's
 * transaction; a repeat of the job sends a message with the same id.
 */
const planMailSchema = z.object({
  /** `<activation id>:<index>`: binds the sealed values to this job. */
  ref: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
});
export type PlanMail = z.infer<typeof planMailSchema>;

export const planMailJobType = declareJob({
  name: 'plans.mail',
  payload: planMailSchema,
  retryLimit: 8,
  retryDelaySeconds: 30,
  batchSize: 16,
});

const context = (ref: string) => `plan-mail:${ref}`;

export function sealPlanMail(
  box: SecretBox,
  ref: string,
  mail: { to: string; subject: string; text: string },
): PlanMail {
  return {
    ref,
    to: box.seal(mail.to, context(ref)),
    subject: box.seal(mail.subject, context(ref)),
    text: box.seal(mail.text, context(ref)),
  };
}

export function planMailJob(deps: { mailer: Mailer; box: SecretBox }) {
  return handleJob(planMailJobType, async (mail) => {
    const open = (value: string) => deps.box.open(value, context(mail.ref));
    await deps.mailer.send({
      to: open(mail.to),
      subject: open(mail.subject),
      text: open(mail.text),
      messageId: `<plan-mail.${mail.ref.replace(/[^a-z0-9.-]/gi, '.')}@faro.invalid>`,
    });
  });
}
