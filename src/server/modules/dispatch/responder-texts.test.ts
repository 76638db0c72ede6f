import { describe, expect, it } from 'vitest';
import { parseResponderText } from './responder-texts.js';

describe('reading a responder’s answer by text', () => {
  it.each([
    ['YES', 'accept', null, 'en'],
    ['Sí', 'accept', null, 'es'],
    ['si 12', 'accept', 12, 'es'],
    ['ok #7', 'accept', 7, null],
    ['Acepto', 'accept', null, 'es'],
    ['no', 'decline', null, null],
    ['No #12.', 'decline', 12, null],
    ['DECLINE 3', 'decline', 3, 'en'],
  ] as const)('%s → %s the offer', (body, answer, number, language) => {
    expect(parseResponderText(body)).toEqual({ kind: 'offer', answer, number, language });
  });

  it.each([
    ['SAFE', 'safe', null, 'en'],
    ["I'm safe", 'safe', null, 'en'],
    ['Estoy bien', 'safe', null, 'es'],
    ['bien 12', 'safe', 12, 'es'],
    ['HELP', 'help', null, 'en'],
    ['¡Ayuda!', 'help', null, 'es'],
    ['need help #4', 'help', 4, 'en'],
    ['SOS', 'help', null, null],
  ] as const)('%s → checks in as %s', (body, status, number, language) => {
    expect(parseResponderText(body)).toEqual({ kind: 'check-in', status, number, language });
  });

  it.each([
    'no agents here anymore',
    'yes they took him',
    '12',
    '',
    'maybe',
    'si no',
    'help them at the school',
  ])('"%s" is not an answer (it is a report, or nothing)', (body) => {
    expect(parseResponderText(body)).toBeNull();
  });
});
