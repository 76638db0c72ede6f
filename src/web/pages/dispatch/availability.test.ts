import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../locales/en.json' with { type: 'json' };
import es from '../../locales/es.json' with { type: 'json' };
import { availabilityMessage } from './availability.js';

const i18n = i18next.createInstance();
await i18n.init({
  resources: { en: { translation: en }, es: { translation: es } },
  lng: 'en',
  interpolation: { escapeValue: false },
  showSupportNotice: false,
});

/** The sentence the board shows, in a language. */
const say = (language: 'en' | 'es', total: number, busy: number) => {
  const { key, values } = availabilityMessage({ total, busy });
  return i18n.getFixedT(language)(key, values);
};

describe('issue 14: who is on shift, in words', () => {
  it('says nobody is on shift only when nobody is', () => {
    expect(say('en', 0, 0)).toBe('Nobody is on shift.');
    expect(say('es', 0, 0)).toBe('Nadie está en turno.');
    expect(say('en', 1, 1)).not.toMatch(/Nobody/);
  });

  it('counts those on shift and says who of them is free, in English', () => {
    expect(say('en', 1, 0)).toBe('1 on shift, free.');
    expect(say('en', 1, 1)).toBe('1 on shift, busy.');
    expect(say('en', 2, 2)).toBe('2 on shift, both busy.');
    expect(say('en', 2, 0)).toBe('2 on shift, both free.');
    expect(say('en', 5, 5)).toBe('5 on shift, all busy.');
    expect(say('en', 4, 0)).toBe('4 on shift, all free.');
    expect(say('en', 3, 2)).toBe('3 on shift, 1 free.');
    expect(say('en', 7, 2)).toBe('7 on shift, 5 free.');
  });

  it('says the same in Spanish, with its plural forms', () => {
    expect(say('es', 1, 0)).toBe('1 persona en turno, libre.');
    expect(say('es', 1, 1)).toBe('1 persona en turno, ocupada.');
    expect(say('es', 2, 2)).toBe('2 personas en turno, ambas ocupadas.');
    expect(say('es', 2, 0)).toBe('2 personas en turno, ambas libres.');
    expect(say('es', 5, 5)).toBe('5 personas en turno, todas ocupadas.');
    expect(say('es', 4, 0)).toBe('4 personas en turno, todas libres.');
    expect(say('es', 3, 2)).toBe('3 personas en turno, 1 libre.');
    expect(say('es', 7, 2)).toBe('7 personas en turno, 5 libres.');
  });

  it('never says more are busy than are on shift', () => {
    expect(say('en', 2, 5)).toBe('2 on shift, both busy.');
    expect(say('en', 3, -1)).toBe('3 on shift, all free.');
  });
});
