import { z } from 'zod';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { formatTime } from '../../../shared/time.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import { defineJob } from '../../jobs/queue.js';
import { message } from '../../locales/messages.js';
import type { Mailer } from '../../mail/mailer.js';

/**
 * Sends an invitation by e-mail, in English and Spanish. Enqueued in the same
 * transaction as the invitation. The link carries the secret code, so the job
 * payload holds it sealed with the server key, never in the clear.
 */
export function invitationMailJob(deps: { mailer: Mailer; box: SecretBox; timeZone: string }) {
  return defineJob({
    name: 'access.invitation-mail',
    payload: z.object({
      invitationId: z.uuid(),
      to: z.email(),
      sealed: z.string(),
      organization: z.string(),
      inviter: z.string(),
      role: z.string(),
      expiresAt: z.string(),
    }),
    retryLimit: 8,
    retryDelaySeconds: 30,
    async handler(payload) {
      const { link, code } = JSON.parse(
        deps.box.open(payload.sealed, `invitation:${payload.invitationId}`),
      ) as {
        link: string;
        code: string;
      };
      const parts = LANGUAGES.map((language) => {
        const values = {
          organization: payload.organization,
          inviter: payload.inviter,
          role: message(language, `invitationMail.roles.${payload.role}`),
          expires: formatTime(payload.expiresAt, language, deps.timeZone, 'long'),
          link,
          code,
        };
        return {
          subject: message(language, 'invitationMail.subject', values),
          body: message(language, 'invitationMail.body', values),
        };
      });
      await deps.mailer.send({
        to: payload.to,
        subject: parts.map((part) => part.subject).join(' / '),
        text: parts.map((part) => part.body).join('\n\n— — —\n\n'),
      });
    },
  });
}
