import { describe, expect, it } from 'vitest';
import { PLAN_TASKS } from '../../../shared/plan.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { message } from '../../locales/messages.js';
import { smsCost } from '../alerts/sms-segments.js';
import { parsePlanText } from './plan-texts.js';

describe('a plan by text', () => {
  it('reads PLAN and ACTIVAR with the code typed any way, and nothing else', () => {
    expect(parsePlanText('PLAN K7M4Q-P2X9R 482915')).toEqual({
      code: 'K7M4Q-P2X9R',
      pin: '482915',
      language: null,
    });
    expect(parsePlanText('  activar k7m4q p2x9r 4829 ')).toEqual({
      code: 'k7m4q p2x9r',
      pin: '4829',
      language: 'es',
    });
    expect(parsePlanText('Plan k7m4qp2x9r 123456')).toMatchObject({ code: 'k7m4qp2x9r' });
    // The words and marks phones and people add around them.
    for (const text of [
      'PLAN K7M4Q-P2X9R 482915.',
      'Plan: K7M4Q-P2X9R, PIN 482915',
      'PLAN code K7M4Q P2X9R pin 482915 please',
      'Activar plan K7M4Q-P2X9R 482915 por favor',
      'Plán K7M4Q-P2X9R 482915!',
    ])
      expect(parsePlanText(text), text).toMatchObject({
        code: expect.stringMatching(/K7M4Q/),
        pin: '482915',
      });
    for (const text of [
      'PLAN',
      'the plan is ICE at the park 1234',
      'PLANK 1 1234',
      'plan de redada en la escuela 1234',
    ])
      expect(parsePlanText(text), text).toBeNull();
    // Something code-shaped after the keyword, but no code and PIN to read: never a report.
    for (const text of [
      'PLAN K7M4Q-P2X9R',
      'PLAN K7M4Q-P2X9R 12',
      'PLAN ZZZZZ-ZZZZZ',
      'activar K7M4Q-P2X9R pin',
    ])
      expect(parsePlanText(text), text).toMatchObject({ malformed: true });
  });

  // Outside GSM-7 a text is UCS-2: 70 characters a segment instead of 160, and fifteen contacts pay for it.
  it.each(LANGUAGES)('keeps every %s text a plan sends in GSM-7, within three segments', (language) => {
    const texts = [
      ...PLAN_TASKS.map((task) =>
        message(language, 'plans.sms.activated', { message: message(language, `plans.templates.${task}`) }),
      ),
      message(language, 'plans.sms.confirmation', { count: '15' }),
      message(language, 'plans.sms.trying'),
      message(language, 'plans.sms.reminder', {
        date: '2027-03-01',
        url: 'https://faro.network.example/plan',
      }),
      message(language, 'plans.sms.test', { n: '15', total: '15', text: 'x' }),
    ];
    for (const text of texts) {
      expect(smsCost(text), text).toMatchObject({ encoding: 'GSM-7', nonGsm: [] });
      expect(smsCost(text).segments, text).toBeLessThanOrEqual(3);
    }
  });
});
