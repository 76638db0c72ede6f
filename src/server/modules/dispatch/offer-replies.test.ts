import { describe, expect, it } from 'vitest';
import { parseOfferAnswer } from './offer-replies.js';

describe('reading an answer to an offer by text', () => {
  it.each([
    ['YES', 'accept', null, 'en'],
    ['Sí', 'accept', null, 'es'],
    ['si 12', 'accept', 12, 'es'],
    ['ok #7', 'accept', 7, null],
    ['Acepto', 'accept', null, 'es'],
    ['no', 'decline', null, null],
    ['No #12.', 'decline', 12, null],
    ['DECLINE 3', 'decline', 3, 'en'],
  ] as const)('%s → %s', (body, answer, number, language) => {
    expect(parseOfferAnswer(body)).toEqual({ answer, number, language });
  });

  it.each(['no agents here anymore', 'yes they took him', '12', '', 'maybe', 'si no'])(
    '"%s" is not an answer (it is a report, or nothing)',
    (body) => {
      expect(parseOfferAnswer(body)).toBeNull();
    },
  );
});
