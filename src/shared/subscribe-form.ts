import type { SubscribeFormField, SubscribeFormValues } from './pages.js';
import type { SubscribeInput, SubscriptionLanguage } from './subscription.js';

/**
 * The subscribe form's answers as the API takes them — one definition for
 * the browser (which sends them as JSON with its proof of work) and the
 * server (which takes the same form posted without JavaScript). Alerts on
 * this device (Web Push) need scripts: only e-mail and text messages are
 * made here.
 */

export const EMPTY_SUBSCRIBE_FORM: SubscribeFormValues = { channel: '', address: '', phone: '', zones: [] };

/** The channels a form posted without scripts can ask for. */
export const SCRIPTLESS_CHANNELS = ['email', 'sms'] as const;

/** The request for an e-mail or SMS subscription (invalid answers are passed on for the schema to name). */
export function subscribeInputOf(
  values: SubscribeFormValues,
  language: SubscriptionLanguage,
): Extract<SubscribeInput, { channel: 'email' | 'sms' }> {
  const common = { zoneIds: values.zones, language };
  return values.channel === 'sms'
    ? { channel: 'sms', phone: values.phone.trim(), ...common }
    : { channel: 'email', address: values.address.trim(), ...common };
}

/** Which field of the form a problem's path (`zoneIds.0`, `address`) belongs to. */
export function subscribeFieldOf(path: string): SubscribeFormField | null {
  const head = path.split('.')[0];
  if (head === 'zoneIds') return 'zones';
  if (head === 'address' || head === 'phone' || head === 'channel') return head;
  if (head === 'subscription') return 'channel';
  return null;
}
