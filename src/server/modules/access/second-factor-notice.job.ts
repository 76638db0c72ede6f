import { z } from 'zod';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { formatTime } from '../../../shared/time.js';
import { defineJob } from '../../jobs/queue.js';
import { message } from '../../locales/messages.js';
import type { Mailer } from '../../mail/mailer.js';

/** What the notice says: to whom, how many wrong codes, when the last one came. No address, no code. */
export interface SecondFactorNotice {
  to: string;
  failures: number;
  at: string;
}

/**
 * Tells an account's owner, in English and Spanish (staff accounts keep no
 * language), that their password was entered and then wrong codes, so they
 * can change a password someone else knows (issue 12 item 1). Enqueued in the
 * transaction that starts the lock-out.
 */
export function secondFactorNoticeJob(deps: { mailer: Mailer; timeZone: string }) {
  return defineJob({
    name: 'access.second-factor-notice',
    payload: z.object({ to: z.email(), failures: z.number().int().min(1), at: z.iso.datetime() }),
    retryLimit: 8,
    retryDelaySeconds: 30,
    async handler(payload) {
      const parts = LANGUAGES.map((language) => {
        const values = {
          email: payload.to,
          failures: String(payload.failures),
          time: formatTime(payload.at, language, deps.timeZone, 'long'),
        };
        return {
          subject: message(language, 'secondFactorNotice.subject', values),
          body: message(language, 'secondFactorNotice.body', values),
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
