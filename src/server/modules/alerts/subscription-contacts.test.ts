import { describe, expect, it } from 'vitest';
import { toE164 } from '../../../shared/phone.js';
import { DEFAULT_REFUSED_SMS_PREFIXES } from '../../config.js';
import { smsRefusal } from './subscription-contacts.js';

const us = { countryCodes: ['1'], refusedPrefixes: DEFAULT_REFUSED_SMS_PREFIXES };

describe('issue 12 item 10: which numbers SMS alerts may go to', () => {
  it('takes ordinary numbers of the coalition’s country', () => {
    for (const raw of ['(323) 555-0188', '+1 213 555 0199', '1-818-555-0100', '+1 416 555 0123'])
      expect(smsRefusal(toE164(raw) ?? '', us), raw).toBeNull();
  });

  it('refuses premium-rate and foreign-rate ranges, and numbers no phone has', () => {
    expect(smsRefusal('+19005550100', us)).toBe('premium');
    expect(smsRefusal('+12139761234', us)).toBe('premium');
    expect(smsRefusal('+18095550100', us)).toBe('premium');
    expect(smsRefusal('+12845550100', us)).toBe('premium');
    expect(smsRefusal('+19115550100', us)).toBe('invalid');
    expect(smsRefusal('+13234115555', us)).toBe('invalid');
    expect(smsRefusal('+10235550100', us)).toBe('invalid');
    expect(smsRefusal('+15550100', us)).toBe('invalid');
    expect(smsRefusal('+525512345678', us)).toBe('country');
  });

  it('serves other countries when configured', () => {
    const mx = { countryCodes: ['52'], refusedPrefixes: ['52900'] };
    expect(smsRefusal('+525512345678', mx)).toBeNull();
    expect(smsRefusal('+529001234567', mx)).toBe('premium');
    expect(smsRefusal('+13235550188', mx)).toBe('country');
  });
});
