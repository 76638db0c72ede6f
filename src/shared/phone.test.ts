import { describe, expect, it } from 'vitest';
import { toE164 } from './phone.js';

describe('a phone number', () => {
  it('is written in E.164 however it was typed', () => {
    expect(toE164('(323) 555-0147')).toBe('+13235550147');
    expect(toE164('+1 (323) 555-0147')).toBe('+13235550147');
    expect(toE164('1-323-555-0147')).toBe('+13235550147');
    expect(toE164(' 323.555.0147 ')).toBe('+13235550147');
    expect(toE164('+52 55 1234 5678')).toBe('+525512345678');
  });

  it('needs its area code, or + and the country code', () => {
    for (const raw of [
      '555-0147',
      '52 55 1234 5678',
      '2-323-555-0147',
      '+1234567',
      '+1234567890123456',
      'call me',
      '',
    ])
      expect(toE164(raw), raw).toBeNull();
  });
});
