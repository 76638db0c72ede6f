import { describe, expect, it } from 'vitest';
import { acceptedLanguage, pickLanguage } from './language.js';
import { PUBLIC_LANGUAGES } from './languages.js';

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

  it('offers the rights library’s ten languages where a page speaks them', () => {
    expect(pickLanguage({ accepted: 'zh-CN,zh;q=0.9,en;q=0.5' }, PUBLIC_LANGUAGES)).toBe('zh');
    expect(pickLanguage({ accepted: 'zh-CN,zh;q=0.9,en;q=0.5' })).toBe('en');
    expect(pickLanguage({ query: 'ar', chosen: 'es' }, PUBLIC_LANGUAGES)).toBe('ar');
    expect(pickLanguage({ query: 'ar', chosen: 'es' })).toBe('es');
    // Filipino is read as Tagalog; Finnish is not mistaken for it.
    expect(acceptedLanguage('fil-PH', PUBLIC_LANGUAGES)).toBe('tl');
    expect(acceptedLanguage('fi-FI', PUBLIC_LANGUAGES)).toBeNull();
    expect(acceptedLanguage('ht, fr;q=0.8', PUBLIC_LANGUAGES)).toBe('ht');
  });
});
