import { SmsNotSent, SmsProviderError, type SmsSender } from '../../sms/twilio.js';
import { type DeliveryOutcome, outcomeOfError, outcomeOfStatus } from './outcome.js';

/** Provider error codes meaning the number will never take our texts (Twilio: 21610 opted out, 21614 not mobile). */
const GONE_CODES = new Set([21610, 21614, 21211]);

export interface SmsChannel {
  /** `stillWanted`: asked just before the text leaves; false → `lost` (nothing sent). */
  send(to: string, text: string, stillWanted?: () => Promise<boolean>): Promise<DeliveryOutcome>;
}

/**
 * Alerts by SMS through the provider adapter. The sender is the platform's, paced to the sending
 * number's messages-per-second limit across every Faro process and every kind of text
 * (modules/sms/paced-sender.ts): an alert's texts share the number with the replies.
 */
export function createSmsChannel(options: { sender: SmsSender }): SmsChannel {
  return {
    async send(to, text, stillWanted) {
      try {
        await options.sender.send(to, text, stillWanted ? { stillWanted } : undefined);
        return { kind: 'sent' };
      } catch (error) {
        if (error instanceof SmsNotSent) return { kind: 'lost' };
        if (error instanceof SmsProviderError) {
          if (error.code !== undefined && GONE_CODES.has(error.code))
            return { kind: 'gone', code: `sms_${error.code}` };
          return outcomeOfStatus(error.status, error.code ? `sms_${error.code}` : undefined);
        }
        return outcomeOfError(error);
      }
    },
  };
}
