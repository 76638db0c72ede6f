import fc from 'fast-check';
import type { FindingKind } from '../../src/server/modules/alerts/guard.js';

/**
 * Personal data in many formats and both languages, and ordinary alert
 * sentences to plant it in: the guard's property tests and the tests that
 * every public output is guarded share them.
 */
export const options = {
  allowedHosts: ['faro.example.org', 'aclu.org'],
  blockedNames: ['Rosa Martínez', 'Tío Beto'],
  /** The coalition's hotline and SMS short code: publishable however they are written. */
  allowedNumbers: ['+1 (213) 555-0100', '51555'],
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
  fc.constantFrom(
    'maria [at] gmail [dot] com',
    'juan arroba hotmail punto com',
    'ana (at) yahoo (dot) com',
    'maria at gmail dot com',
    'ana punto lopez arroba correo punto mx',
    'jperez at outlook.com',
  ),
);
const plate = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 9 }), letters(3), digits(3)).map(([a, b, c]) => `${a}${b}${c}`),
  fc.tuple(letters(3), digits(4)).map(([a, b]) => `${a}-${b}`),
  // (Not "HWY 101": a road, which the guard rightly lets through.)
  fc
    .tuple(letters(3), digits(3))
    .filter(([a]) => a !== 'HWY')
    .map(([a, b]) => `${a} ${b}`),
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
  // No street suffix: "1420 Whittier", "Olvera 320", "calle 5 de Mayo 120".
  fc.tuple(fc.integer({ min: 10, max: 99999 }), word).map(([n, w]) => `${n} ${w}`),
  fc.tuple(word, fc.integer({ min: 10, max: 9999 })).map(([w, n]) => `${w} ${n}`),
  fc.integer({ min: 1, max: 9999 }).map((n) => `calle 5 de Mayo ${n}`),
  // A city with a ZIP code.
  fc
    .tuple(fc.constantFrom('Los Angeles, CA', 'Boyle Heights', 'Huntington Park, California'), digits(4))
    .map(([city, zip]) => `${city} 9${zip}`),
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
  // No title: a given name and a surname, English and Spanish.
  fc.constantFrom(
    'Jennifer Smith',
    'Michael Johnson',
    'Mary Ann Nguyen',
    'Juan Pérez',
    'María de la Cruz',
    'José Luis Hernández',
    'Guadalupe Ramírez',
    'Ana M. López',
  ),
);
/** Badge and ID numbers after an officer word, English and Spanish. */
const badge = fc
  .tuple(
    fc.constantFrom(
      'badge',
      'Badge #',
      'badge number',
      'ID #',
      'ID',
      'officer #',
      'placa',
      'número de placa:',
      'placa número',
      'agente',
      'oficial',
      'credencial',
    ),
    // Never the coalition's short code, which is allowed.
    fc.integer({ min: 10, max: 999999 }).filter((n) => n !== 51555),
  )
  .map(([word, n]) => `${word}${word.endsWith('#') ? '' : ' '}${n}`);
const link = fc.constantFrom(
  'https://bit.ly/3xYz',
  'http://example.com/raid',
  'www.ice-tracker.net',
  'see t.me/raidsla',
  'evil.org/x',
);

export const sentence = fc.constantFrom(
  'ICE activity confirmed near',
  'Actividad de inmigración confirmada cerca de',
  'Rumor checked:',
  'Volunteers report',
  'Manténgase en casa si puede;',
  'All clear in Boyle Heights after',
);
export const tail = fc.constantFrom(
  '.',
  ' — stay safe.',
  '. Conozca sus derechos.',
  ' at 10:30.',
  ', 3 vehicles.',
  '',
);

/** Generated personal data of each kind the guard must find. */
export const LEAKS: Record<FindingKind, fc.Arbitrary<string>> = {
  phone,
  email,
  plate,
  address,
  name,
  link,
  badge,
};
