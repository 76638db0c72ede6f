import { describe, expect, it } from 'vitest';
import { CUSTODY_STATUSES } from '../../../shared/cases.js';
import { FAMILY_STAGES, languageOfContact } from '../../../shared/family-status.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { smsCost } from '../alerts/sms-segments.js';
import { parseCodeText } from '../sms/code-text.js';
import { familyStage, familyStatusText } from './family-status.js';

const hearing = new Date('2026-06-02T17:30:00Z');

describe('the stage a family is told', () => {
  it('derives it from custody, the next hearing and closing — bond and recognizance are both "released"', () => {
    const open = (status: (typeof CUSTODY_STATUSES)[number]) =>
      familyStage({ status, closedAt: null }, hearing);
    expect(open('unknown')).toEqual({ stage: 'looking', hearingAt: hearing });
    expect(open('detained')).toEqual({ stage: 'detained', hearingAt: hearing });
    expect(open('transferred')).toEqual({ stage: 'transferred', hearingAt: hearing });
    expect(open('released_on_bond').stage).toBe('released');
    expect(open('released_on_recognizance').stage).toBe('released');
    expect(open('removed')).toEqual({ stage: 'removed', hearingAt: null });
    for (const status of CUSTODY_STATUSES)
      expect(familyStage({ status, closedAt: new Date() }, hearing)).toEqual({
        stage: 'closed',
        hearingAt: null,
      });
  });

  it('words every stage in every language as one text, GSM-7, within three segments', () => {
    for (const language of LANGUAGES)
      for (const stage of FAMILY_STAGES) {
        const text = familyStatusText(
          {
            stage,
            hearingAt: hearing.toISOString(),
            organization: 'Eastside Legal Aid',
            phone: '+1 (213) 555-0100',
            language,
          },
          language,
          'America/Los_Angeles',
        );
        expect(text, `${language} ${stage}`).not.toMatch(/undefined|\{\{/);
        expect(text).toContain('Eastside Legal Aid');
        expect(smsCost(text).encoding, `${language} ${stage}: ${text}`).toBe('GSM-7');
        expect(smsCost(text).segments).toBeLessThanOrEqual(3);
      }
  });

  it('reads the contact’s language as the team typed it', () => {
    for (const text of ['es', 'ES', 'Spanish', 'Español', 'espanol (México)', 'spa'])
      expect(languageOfContact(text)).toBe('es');
    for (const text of ['en', 'English', 'Inglés']) expect(languageOfContact(text)).toBe('en');
    for (const text of ['Mixteco', 'K’iche’', '', null, undefined, 'estonian'])
      expect(languageOfContact(text)).toBeNull();
  });
});

describe('STATUS and ESTADO texts', () => {
  const keywords = { status: 'en', estado: 'es' } as const;
  it('reads the code and PIN however typed, and leaves a report that starts with the word alone', () => {
    expect(parseCodeText('ESTADO ABCDE-23456 123456', keywords)).toEqual({
      code: 'ABCDE-23456',
      pin: '123456',
      language: 'es',
    });
    expect(parseCodeText('Status: my code is abcde 23456, PIN 123456.', keywords)).toEqual({
      code: 'abcde 23456',
      pin: '123456',
      language: 'en',
    });
    expect(parseCodeText('estado ABCDE23456 mi clave', keywords)).toEqual({
      malformed: true,
      language: 'es',
    });
    expect(parseCodeText('Estado de la redada en la escuela 1234', keywords)).toBeNull();
    expect(parseCodeText('PLAN ABCDE-23456 123456', keywords)).toBeNull();
  });
});
