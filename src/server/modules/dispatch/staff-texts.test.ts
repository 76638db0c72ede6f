import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { smsCost } from '../alerts/sms-segments.js';
import {
  STAFF_PUSH_KINDS,
  STAFF_SMS_KINDS,
  type StaffSmsKind,
  staffLanguage,
  staffPushText,
  staffSmsText,
} from './staff-texts.js';

/** Long enough to be honest: a five-digit incident, a two-word zone, a full name, a real address. */
const facts = {
  number: 12345,
  zone: 'Boyle Heights',
  name: 'Guadalupe Hernandez',
  offerMinutes: 3,
  publicUrl: 'https://faro.network.example',
};

/** What each text may cost: the offer carries the app's link; the reminder must fit one segment. */
const SEGMENTS: Record<StaffSmsKind, number> = { staffOffer: 2, checkInMissed: 1, backupContact: 1 };

describe('texts to staff', () => {
  it.each(LANGUAGES.flatMap((language) => STAFF_SMS_KINDS.map((kind) => [language, kind] as const)))(
    'SMS %s %s stays in GSM-7 and within its segments',
    (language, kind) => {
      const text = staffSmsText(kind, language, facts);
      expect(text).not.toMatch(/undefined|\{\{/);
      expect(smsCost(text)).toMatchObject({ encoding: 'GSM-7', nonGsm: [] });
      expect(smsCost(text).segments).toBeLessThanOrEqual(SEGMENTS[kind]);
      expect(text).toContain(kind === 'backupContact' ? facts.name : `#${facts.number} - ${facts.zone}`);
    },
  );

  it.each(LANGUAGES.flatMap((language) => STAFF_PUSH_KINDS.map((kind) => [language, kind] as const)))(
    'push %s %s is complete',
    (language, kind) => {
      const { title, body } = staffPushText(kind, language, facts);
      expect(`${title} ${body}`).not.toMatch(/undefined|\{\{/);
      expect(title).toContain(`#${facts.number}`);
      expect(body.length).toBeGreaterThan(0);
    },
  );

  it('writes Spanish in Spanish only, never glued to the English', () => {
    for (const kind of STAFF_SMS_KINDS) {
      const spanish = staffSmsText(kind, 'es', facts);
      expect(spanish).not.toBe(staffSmsText(kind, 'en', facts));
      expect(spanish).not.toMatch(/\b(offer|reply|missed|safe|help|the)\b| \/ /i);
    }
    for (const kind of STAFF_PUSH_KINDS) {
      const { title, body } = staffPushText(kind, 'es', facts);
      expect(body).not.toBe(staffPushText(kind, 'en', facts).body);
      expect(`${title} ${body}`).not.toMatch(/\b(offer|answer|tap|missed|check-in|help|safe|the)\b/i);
    }
  });

  it('writes to a staff member in the language their profile names, else their device’s, else English', () => {
    expect(staffLanguage({ spoken: ['es'] })).toBe('es');
    expect(staffLanguage({ spoken: ['es'], device: 'en' })).toBe('es');
    expect(staffLanguage({ spoken: ['en'], device: 'es' })).toBe('en');
    // Both, or neither (a dispatcher has no profile): the device's app decides.
    expect(staffLanguage({ spoken: ['en', 'es'], device: 'es' })).toBe('es');
    expect(staffLanguage({ spoken: null, device: 'es' })).toBe('es');
    expect(staffLanguage({ spoken: [], device: 'en' })).toBe('en');
    // A text to a phone, a device registered before it said its language, or a language Faro does not write.
    expect(staffLanguage({ spoken: ['en', 'es'] })).toBe('en');
    expect(staffLanguage({ device: null })).toBe('en');
    expect(staffLanguage({ spoken: ['fr'], device: 'fr' })).toBe('en');
  });
});
