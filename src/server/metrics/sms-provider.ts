import { SmsProviderError, type SmsSender } from '../modules/sms/twilio.js';
import type { Metrics } from './metrics.js';

/** Every text handed to the provider, counted by what came of it (a failing provider shows here first). */
export function countedSms(sender: SmsSender, metrics: Metrics): SmsSender {
  return {
    async send(to, body) {
      try {
        const sent = await sender.send(to, body);
        metrics.smsProvider.inc({ outcome: 'sent' });
        return sent;
      } catch (error) {
        metrics.smsProvider.inc({ outcome: error instanceof SmsProviderError ? 'refused' : 'unreachable' });
        throw error;
      }
    },
  };
}
