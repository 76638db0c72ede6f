import { describe, expect, it } from 'vitest';
import { SmsProviderError, withoutNumbers } from './twilio.js';

describe('an SMS provider’s refusal, as it reaches the logs', () => {
  it('keeps the status, the code and the provider’s words, never the number they quote', () => {
    const error = new SmsProviderError(
      400,
      21211,
      "The 'To' number +12135550123 is not a valid phone number.",
    );
    expect(error.message).toBe(
      "SMS provider answered 400 (21211): The 'To' number [number] is not a valid phone number.",
    );
    expect(withoutNumbers('To (213) 555-0123 or 213.555.0123 or +52 55 1234 5678')).toBe(
      'To [number] or [number] or [number]',
    );
    // Codes, counts and dates are not numbers of people.
    expect(withoutNumbers('error 21610, 3 segments, 2026-12-05')).toBe('error 21610, 3 segments, 2026-12-05');
  });
});
