import type { Mailer } from '../../../mail/mailer.js';
import { type DeliveryOutcome, outcomeOfError } from './outcome.js';

export interface EmailChannel {
  send(message: {
    to: string;
    subject: string;
    text: string;
    /** The same for every attempt at one delivery, so a receiving system can drop a repeat. */
    messageId: string;
    unsubscribeUrl: string;
  }): Promise<DeliveryOutcome>;
}

/** SMTP response codes 5xx refuse for good; 4xx (and dropped connections) may pass later. */
export function createEmailChannel(mailer: Mailer): EmailChannel {
  return {
    async send(message) {
      try {
        await mailer.send({
          to: message.to,
          subject: message.subject,
          text: message.text,
          messageId: message.messageId,
          headers: { 'List-Unsubscribe': `<${message.unsubscribeUrl}>` },
        });
        return { kind: 'sent' };
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        if (code === 550 || code === 551 || code === 553) return { kind: 'gone', code: `smtp_${code}` };
        if (code && code >= 500) return { kind: 'failed', code: `smtp_${code}` };
        return code ? { kind: 'retry', code: `smtp_${code}` } : outcomeOfError(error);
      }
    },
  };
}
