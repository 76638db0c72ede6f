import fc from 'fast-check';
import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
/**
 * Property tests: personal data generated in many formats and both
 * languages, dropped into ordinary alert text, is always found; ordinary
 * alert text is left alone.
 */
import { LEAKS, options, sentence, tail } from '../../../../test/support/leaks.js';
import { type FindingKind, guardPublicText, isPublicCell, publicTime } from './guard.js';

function embeds(kind: FindingKind, secret: fc.Arbitrary<string>) {
  fc.assert(
    fc.property(sentence, secret, tail, (before, value, after) => {
      const text = `${before} ${value}${after}`;
      const findings = guardPublicText(text, options);
      const start = text.indexOf(value);
      const end = start + value.length;
      // Something is found inside the planted value, and it is named for what it is.
      return findings.some((f) => f.start < end && f.end > start && f.kind === kind);
    }),
    { numRuns: 300 },
  );
}

describe('publishing guard', () => {
  it('finds phone numbers in US, Mexican and plain formats', () => embeds('phone', LEAKS.phone));
  it('finds e-mail addresses, written plainly or disguised, in English and Spanish', () =>
    embeds('email', LEAKS.email));
  it('finds licence-plate-like strings', () => embeds('plate', LEAKS.plate));
  it('finds street addresses with house numbers, English and Spanish style', () =>
    embeds('address', LEAKS.address));
  it('finds names: the coalition’s list in any case, titles and "named …"', () => embeds('name', LEAKS.name));
  it('finds links to hosts not allowed', () => embeds('link', LEAKS.link));

  it('says what it found and where, so the author can fix exactly that', () => {
    const text = 'Call 323-555-0147 or write ana@gmail.com about 1234 W Olympic Blvd (plate 7ABC123).';
    expect(guardPublicText(text, options).map((f) => [f.kind, f.text])).toEqual([
      ['phone', '323-555-0147'],
      ['email', 'ana@gmail.com'],
      ['address', '1234 W Olympic Blvd'],
      ['plate', '7ABC123'],
    ]);
  });

  it('leaves ordinary alerts alone: zones, cross streets, times, counts, laws, allowed links', () => {
    const texts = [
      'ICE activity confirmed in Boyle Heights near 1st and Soto at 10:30. 3 vehicles, about 12 agents.',
      'Actividad confirmada en Pico-Union cerca de Vermont y Olympic, 11:45. No abra la puerta.',
      'Rumor checked: no enforcement activity found at the school on Cesar Chavez Ave and Soto St.',
      'All clear in Van Nuys as of Nov 29. Know your rights: https://faro.example.org/rights and https://www.aclu.org/know-your-rights',
      'You have the right to remain silent. Under AB 450 and SB 54, ask for a warrant signed by a judge.',
      'Alerta: operativo en el 4th Street Bridge, 2 camionetas. Conozca sus derechos.',
    ];
    for (const text of texts) expect(guardPublicText(text, options), text).toEqual([]);
  });

  it('keeps public places coarse and public times rounded', () => {
    expect(isPublicCell(latLngToCell(34.05, -118.25, 7))).toBe(true);
    expect(isPublicCell(latLngToCell(34.05, -118.25, 5))).toBe(true);
    expect(isPublicCell(latLngToCell(34.05, -118.25, 8))).toBe(false);
    expect(isPublicCell('not a cell')).toBe(false);
    expect(publicTime(new Date('2026-11-29T10:34:59Z')).toISOString()).toBe('2026-11-29T10:30:00.000Z');
  });
});
