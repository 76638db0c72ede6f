import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Outbound } from '../../outbound/outbound.js';

/**
 * Twilio's request signature: HMAC-SHA1, keyed with the account's auth token,
 * over the full URL the webhook was posted to followed by every form field's
 * name and value, sorted by name; base64 in the `X-Twilio-Signature` header.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Whether the header is the signature of this request (constant time). */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  header: string | undefined,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * A provider's words with any phone number in them replaced: Twilio says "The 'To' number
 * +12135550123 is not a valid phone number", and this message goes to the logs.
 */
export const withoutNumbers = (text: string) =>
  text.replace(/\+?\(?\d[\d\s().-]{5,}\d/g, (found) =>
    // Seven digits or more make a number (a local one has seven); a date is left as it is.
    /^\d{4}-\d{2}-\d{2}$/.test(found) || found.replace(/\D/g, '').length < 7 ? found : '[number]',
  );

/** The provider refused a message: its HTTP status and error code (never the number or the text). */
export class SmsProviderError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    providerMessage: string | undefined,
  ) {
    super(
      `SMS provider answered ${status}${code ? ` (${code})` : ''}: ${
        providerMessage ? withoutNumbers(providerMessage).slice(0, 300) : 'no message'
      }`,
    );
    this.name = 'SmsProviderError';
  }
}

/** What Faro needs from an SMS provider: sending one text. */
export interface SmsSender {
  /**
   * `stillWanted`, when given, is asked at the last moment before the text leaves (after any wait
   * for the number's pace); false cancels it with SmsNotSent.
   */
  send(
    to: string,
    body: string,
    options?: { stillWanted?: () => Promise<boolean> },
  ): Promise<{ providerId: string }>;
}

/** A text cancelled before it left: its sender no longer wanted it sent (see SmsSender.send). */
export class SmsNotSent extends Error {
  constructor() {
    super('text not sent: no longer wanted');
    this.name = 'SmsNotSent';
  }
}

/** Sends texts through Twilio's Messages API (or anything speaking it, such as a test double). */
export function twilioSender(
  config: {
    accountSid: string;
    authToken: string;
    from: string;
    apiUrl: string;
  },
  outbound: Outbound,
): SmsSender {
  const endpoint = `${config.apiUrl}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`;
  return {
    async send(to, body) {
      const form = new URLSearchParams({ To: to, Body: body });
      // A Messaging Service SID picks the sending number itself.
      form.set(config.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', config.from);
      const response = await outbound.request(endpoint, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        timeoutMs: 15_000,
        // The provider answers with the message's record: a few kilobytes.
        maxBytes: 256 * 1024,
      });
      let answer: { sid?: string; message?: string; code?: number } = {};
      try {
        answer = JSON.parse(response.body.toString('utf8'));
      } catch {
        // Not JSON (a proxy's error page): the status says enough.
      }
      if (response.status < 200 || response.status >= 300)
        throw new SmsProviderError(response.status, answer.code, answer.message);
      return { providerId: answer.sid ?? '' };
    },
  };
}
