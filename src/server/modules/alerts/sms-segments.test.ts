import { describe, expect, it } from 'vitest';
import { smsCost } from './sms-segments.js';

describe('SMS segments', () => {
  it('counts GSM-7 texts: 160 in one segment, then 153 each', () => {
    expect(smsCost('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(smsCost('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(smsCost('a'.repeat(306))).toMatchObject({ segments: 2 });
    expect(smsCost('a'.repeat(307))).toMatchObject({ segments: 3 });
  });

  it('counts the extension table twice: € and brackets', () => {
    expect(smsCost('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsCost('€'.repeat(81))).toMatchObject({ segments: 2 });
  });

  it('keeps ñ, é and ü in GSM-7 but switches to UCS-2 for á, í, ó, ú and names them', () => {
    expect(smsCost('Señor, pingüino, café').encoding).toBe('GSM-7');
    const spanish = smsCost(
      'Operativo confirmado en Boyle Heights. Está prohibido abrir la puerta sin orden judicial.',
    );
    expect(spanish).toMatchObject({ encoding: 'UCS-2', segments: 2, nonGsm: ['á'] });
    const unaccented = smsCost(
      'Operativo confirmado en Boyle Heights. Esta prohibido abrir la puerta sin orden judicial.',
    );
    expect(unaccented).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('counts UCS-2 in UTF-16 units: 70, then 67 each; an emoji is two', () => {
    expect(smsCost('á'.repeat(70))).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(smsCost('á'.repeat(71))).toMatchObject({ segments: 2 });
    expect(smsCost('🚨'.repeat(35))).toMatchObject({ units: 70, segments: 1 });
    expect(smsCost('🚨'.repeat(36))).toMatchObject({ segments: 2 });
  });
});

describe('Faro’s own SMS texts', () => {
  it('are all GSM-7 in every language, so a Spanish text costs what an English one does', async () => {
    const catalogs = {
      en: (await import('../../locales/en.json', { with: { type: 'json' } })).default,
      es: (await import('../../locales/es.json', { with: { type: 'json' } })).default,
    };
    const texts = (node: unknown): string[] =>
      typeof node === 'string' ? [node] : Object.values(node as Record<string, unknown>).flatMap(texts);
    for (const [language, catalog] of Object.entries(catalogs)) {
      for (const text of texts(catalog.sms)) {
        expect(smsCost(text), `${language}: ${text}`).toMatchObject({ encoding: 'GSM-7', nonGsm: [] });
      }
    }
  });
});
