import fc from 'fast-check';
import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { type FindingKind, guardPublicText, isPublicCell, publicTime } from './guard.js';

/**
 * Property tests: personal data generated in many formats and both
 * languages, dropped into ordinary alert text, is always found; ordinary
 * alert text is left alone.
 */
const options = {
  allowedHosts: ['faro.example.org', 'aclu.org'],
  blockedNames: ['Rosa Martínez', 'Tío Beto'],
};

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(''));
const letter = fc.constantFrom(...'ABCDEFGHJKLMNPRSTUVWXYZ'.split(''));
const letters = (n: number) => fc.array(letter, { minLength: n, maxLength: n }).map((l) => l.join(''));
const word = fc.constantFrom(
  'Olympic',
  'Soto',
  'Cesar Chavez',
  'Hidalgo',
  'Juárez',
  'Main',
  'Vermont',
  'Whittier',
  'Reforma',
);

const phone = fc.oneof(
  fc.tuple(digits(3), digits(3), digits(4)).map(([a, b, c]) => `(${a}) ${b}-${c}`),
  fc.tuple(digits(3), digits(3), digits(4)).map(([a, b, c]) => `${a}-${b}-${c}`),
  fc.tuple(digits(3), digits(3), digits(4)).map(([a, b, c]) => `${a}.${b}.${c}`),
  fc.tuple(digits(3), digits(3), digits(4)).map(([a, b, c]) => `+1 ${a} ${b} ${c}`),
  fc.tuple(digits(3), digits(3), digits(4)).map(([a, b, c]) => `${a}${b}${c}`),
  fc.tuple(digits(2), digits(4), digits(4)).map(([a, b, c]) => `+52 ${a} ${b} ${c}`),
  fc.tuple(digits(2), digits(4), digits(4)).map(([a, b, c]) => `${a} ${b} ${c}`),
  fc.tuple(digits(3), digits(4)).map(([a, b]) => `${a}-${b}`),
);
const email = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('maria', 'j.perez', 'tio_beto99', 'ana+faro'),
      fc.constantFrom('gmail.com', 'hotmail.com', 'correo.mx'),
    )
    .map(([u, d]) => `${u}@${d}`),
  fc.constantFrom('maria [at] gmail [dot] com', 'juan arroba hotmail punto com', 'ana (at) yahoo (dot) com'),
);
const plate = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 9 }), letters(3), digits(3)).map(([a, b, c]) => `${a}${b}${c}`),
  fc.tuple(letters(3), digits(4)).map(([a, b]) => `${a}-${b}`),
  fc.tuple(letters(3), digits(3)).map(([a, b]) => `${a} ${b}`),
  fc.tuple(letters(3), digits(2), digits(2)).map(([a, b, c]) => `${a}-${b}-${c}`),
  fc.tuple(digits(2), letters(3), digits(2)).map(([a, b, c]) => `${a}${b}${c}`),
);
const address = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 1, max: 99999 }),
      fc.constantFrom('', 'W ', 'E. ', 'S '),
      word,
      fc.constantFrom('St', 'Street', 'Ave', 'Blvd', 'Dr.', 'Way'),
    )
    .map(([n, dir, w, suffix]) => `${n} ${dir}${w} ${suffix}`),
  fc.tuple(word, fc.integer({ min: 1, max: 9999 })).map(([w, n]) => `Calle ${w} ${n}`),
  fc.tuple(word, fc.integer({ min: 1, max: 9999 })).map(([w, n]) => `Av. ${w} #${n}`),
  fc.tuple(word, fc.integer({ min: 1, max: 9999 })).map(([w, n]) => `Avenida ${w} número ${n}`),
);
const name = fc.oneof(
  fc.constantFrom('Rosa Martínez', 'tío beto', 'ROSA MARTÍNEZ'),
  fc
    .tuple(
      fc.constantFrom('Officer', 'Agent', 'agente', 'Sra.', 'el oficial', 'Deputy'),
      fc.constantFrom('Smith', 'Ramírez', 'López García', 'Nguyen'),
    )
    .map(([title, n]) => `${title} ${n}`),
  fc.constantFrom('Smith', 'Ramírez', 'Ana').map((n) => `a man named ${n}`),
  fc.constantFrom('José', 'Lupita').map((n) => `una señora que se llama ${n}`),
);
const link = fc.constantFrom(
  'https://bit.ly/3xYz',
  'http://example.com/raid',
  'www.ice-tracker.net',
  'see t.me/raidsla',
  'evil.org/x',
);

const sentence = fc.constantFrom(
  'ICE activity confirmed near',
  'Actividad de inmigración confirmada cerca de',
  'Rumor checked:',
  'Volunteers report',
  'Manténgase en casa si puede;',
  'All clear in Boyle Heights after',
);
const tail = fc.constantFrom(
  '.',
  ' — stay safe.',
  '. Conozca sus derechos.',
  ' at 10:30.',
  ', 3 vehicles.',
  '',
);

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
  it('finds phone numbers in US, Mexican and plain formats', () => embeds('phone', phone));
  it('finds e-mail addresses, written plainly or disguised, in English and Spanish', () =>
    embeds('email', email));
  it('finds licence-plate-like strings', () => embeds('plate', plate));
  it('finds street addresses with house numbers, English and Spanish style', () =>
    embeds('address', address));
  it('finds names: the coalition’s list in any case, titles and "named …"', () => embeds('name', name));
  it('finds links to hosts not allowed', () => embeds('link', link));

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
