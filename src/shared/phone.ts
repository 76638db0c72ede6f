/**
 * What a phone number is, the one definition for every number Faro keeps or
 * dials — a subscriber's, a responder's and their backup contact's, a hotline
 * caller's callback — and for the forms that check one before sending it.
 */

/**
 * A number as typed → E.164 ("+13235550147"), as SMS providers send and expect it, or null when it
 * cannot be one: with a leading + any 8 to 15 digits; without, ten digits (North America) or eleven
 * starting with 1. Spaces, dashes, dots and brackets are how people write numbers, and are dropped.
 */
export function toE164(raw: string): string | null {
  const digits = raw.replace(/[^\d]/g, '');
  if (raw.trim().startsWith('+')) return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return null;
}
