import { describe, expect, it } from 'vitest';
import { acceptedLanguage, pickLanguage } from './language.js';

describe('the language of a page', () => {
  it('takes a link first, then the person’s choice, then the phone’s', () => {
    expect(pickLanguage({ query: 'es', chosen: 'en', accepted: 'en-US' })).toBe('es');
    expect(pickLanguage({ query: 'fr', chosen: 'es', accepted: 'en-US' })).toBe('es');
    expect(pickLanguage({ accepted: 'es-MX,es;q=0.9,en;q=0.8' })).toBe('es');
    expect(pickLanguage({})).toBe('en');
  });

  it('reads Accept-Language by its weights, skipping what Faro does not speak', () => {
    expect(acceptedLanguage('fr-FR, en;q=0.5, es;q=0.8')).toBe('es');
    expect(acceptedLanguage('es;q=0, en;q=0.1')).toBe('en');
    expect(acceptedLanguage('de, fr')).toBeNull();
    expect(acceptedLanguage(undefined)).toBeNull();
  });
});
