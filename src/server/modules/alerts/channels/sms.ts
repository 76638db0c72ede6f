import { SmsProviderError, type SmsSender } from '../../sms/twilio.js';
import { smsCost } from '../sms-segments.js';
import { type DeliveryOutcome, outcomeOfError, outcomeOfStatus } from './outcome.js';

/** Provider error codes meaning the number will never take our texts (Twilio: 21610 opted out, 21614 not mobile). */
const GONE_CODES = new Set([21610, 21614, 21211]);

export interface SmsChannel {
  send(to: string, text: string): Promise<DeliveryOutcome>;
}

/**
 * Alerts by SMS through the provider adapter, paced to the sending number's
 * messages-per-second limit. Carriers count segments, not messages, so a
 * three-segment Spanish alert takes three slots.
 */
export function createSmsChannel(options: {
  sender: SmsSender;
  segmentsPerSecond: number;
  sleep?: (ms: number) => Promise<void>;
}): SmsChannel {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const interval = 1000 / options.segmentsPerSecond;
  // The next moment a segment may leave; every send books its slots before it waits.
  let nextSlot = 0;

  return {
    async send(to, text) {
      const { segments } = smsCost(text);
      const start = Math.max(Date.now(), nextSlot);
      nextSlot = start + segments * interval;
      const wait = start - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        await options.sender.send(to, text);
        return { kind: 'sent' };
      } catch (error) {
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
