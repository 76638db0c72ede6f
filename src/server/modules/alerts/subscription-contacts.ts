import type { PushSubscriptionJson, SubscriptionChannel } from '../../../shared/subscription.js';

/**
 * A subscriber's contact: how it is written down (E.164 by shared/phone.ts,
 * lower-case address), shown back (masked), and which SMS numbers may be subscribed at
 * all. Pure functions.
 */

/** "m***@example.org": enough for its owner to recognise, nothing for anyone else. */
export function maskAddress(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

/** The contact as its owner sees it: masked. */
export function maskContact(channel: SubscriptionChannel, contact: string): string {
  if (channel === 'email') return maskAddress(contact);
  if (channel === 'sms') return `•••${contact.slice(-4)}`;
  return new URL((JSON.parse(contact) as PushSubscriptionJson).endpoint).host;
}

/** Which numbers SMS subscriptions may have. */
export interface SmsDestinationPolicy {
  /** Country calling codes (digits): the coalition's own country by default. */
  countryCodes: readonly string[];
  /** Prefixes of the digits after + that are refused; `x` stands for any digit (`1xxx976`). */
  refusedPrefixes: readonly string[];
}

// A North American number: area code and exchange each start 2–9 and are not N11 (211, 411, 911…).
const NANP = /^1([2-9](?!11)\d{2})([2-9](?!11)\d{2})\d{4}$/;

const matchesPrefix = (digits: string, pattern: string) =>
  pattern.length <= digits.length && [...pattern.toLowerCase()].every((c, i) => c === 'x' || c === digits[i]);

/**
 * Why a number (E.164) may not be subscribed: a country not served, not a
 * real subscriber number (a short code, N11, a malformed North American
 * number), or a premium-rate or foreign-rate range; null when it may.
 */
export function smsRefusal(
  e164: string,
  policy: SmsDestinationPolicy,
): 'country' | 'invalid' | 'premium' | null {
  const digits = e164.replace(/^\+/, '');
  if (!/^\d{8,15}$/.test(digits)) return 'invalid';
  const code = policy.countryCodes.find((c) => digits.startsWith(c));
  if (!code) return 'country';
  if (code === '1' && !NANP.test(digits)) return 'invalid';
  if (policy.refusedPrefixes.some((pattern) => matchesPrefix(digits, pattern))) return 'premium';
  return null;
}
