import { z } from 'zod';
import { type PushSubscriptionJson, subscriptionLanguageSchema } from '../../../shared/subscription.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import { defineJob } from '../../jobs/queue.js';
import { publicMessage } from '../../locales/messages.js';
import type { Mailer } from '../../mail/mailer.js';
import type { SmsSender } from '../sms/twilio.js';
import type { PushChannel } from './channels/push.js';

const confirmationSchema = z.object({
  subscriptionId: z.uuid(),
  channel: z.enum(['email', 'sms', 'push']),
  sealed: z.string(),
  language: subscriptionLanguageSchema,
});
export type Confirmation = z.infer<typeof confirmationSchema>;

/** What a confirmation says, sealed in its job: the contact and the links. */
export interface ConfirmationContent {
  to: string;
  confirm: string;
  manage: string;
  token: string;
  zones: string;
}

const sealedContext = (id: string) => `subscription-confirm:${id}`;

/** Seals what a confirmation carries, for its job's payload. */
export function sealConfirmation(
  box: SecretBox,
  subscriptionId: string,
  content: ConfirmationContent,
): string {
  return box.seal(JSON.stringify(content), sealedContext(subscriptionId));
}

/**
 * The confirmation, on the channel being subscribed, in the subscriber's
 * language; links travel sealed. Ten are taken per poll and sent at once, so
 * confirmations keep up with people asking (one per poll was ~0.5/s); the
 * queue takes higher priorities first (a source's first requests).
 */
export function subscriptionConfirmJob(deps: {
  box: SecretBox;
  mailer: Mailer | null;
  sms: SmsSender | null;
  push: PushChannel | null;
}) {
  return defineJob({
    name: 'subscriptions.confirm',
    payload: confirmationSchema,
    retryLimit: 8,
    retryDelaySeconds: 30,
    batchSize: 10,
    async handler(payload) {
      const opened = JSON.parse(
        deps.box.open(payload.sealed, sealedContext(payload.subscriptionId)),
      ) as ConfirmationContent;
      // In the language the subscriber chose (any public language: drafts too, clearer than English).
      const { language } = payload;
      if (payload.channel === 'email' && deps.mailer) {
        await deps.mailer.send({
          to: opened.to,
          subject: publicMessage(language, 'subscriptionMail.subject'),
          text: publicMessage(language, 'subscriptionMail.body', { ...opened }),
        });
      } else if (payload.channel === 'sms' && deps.sms) {
        await deps.sms.send(opened.to, publicMessage(language, 'subscriptionSms.confirm', { ...opened }));
      } else if (payload.channel === 'push' && deps.push) {
        const outcome = await deps.push.send(JSON.parse(opened.to) as PushSubscriptionJson, {
          payload: JSON.stringify({
            type: 'confirm',
            token: opened.token,
            title: publicMessage(language, 'subscriptionPush.confirm'),
            url: opened.confirm,
          }),
          ttlSeconds: 24 * 3600,
          urgency: 'normal',
          topic: 'faro-confirm',
        });
        if (outcome.kind === 'retry') throw new Error(`push confirmation: ${outcome.code}`);
      }
    },
  });
}
