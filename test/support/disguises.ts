import fc from 'fast-check';

/**
 * Ways people disguise personal data so a filter misses it, for the
 * publishing guard's property tests: full-width characters, letters from
 * other scripts that look Latin, invisible characters inside words, digits
 * spaced out, and digits spelled out in English or Spanish words.
 */

export type Disguise = 'plain' | 'fullWidth' | 'lookAlike' | 'invisible' | 'spacedDigits' | 'spelled';
export const DISGUISES: readonly Disguise[] = [
  'plain',
  'fullWidth',
  'lookAlike',
  'invisible',
  'spacedDigits',
  'spelled',
];

/** "Ｃａｌｌ ３２３": every printable ASCII character as its full-width form. */
export const fullWidth = (text: string) =>
  text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** Cyrillic and Greek letters that pass for Latin ones, and dashes that pass for hyphens. */
const LOOK_ALIKES: Record<string, string> = {
  a: 'а',
  e: 'е',
  o: 'о',
  p: 'р',
  c: 'с',
  y: 'у',
  x: 'х',
  i: 'і',
  j: 'ј',
  s: 'ѕ',
  A: 'А',
  B: 'В',
  C: 'С',
  E: 'Е',
  H: 'Н',
  I: 'І',
  K: 'К',
  M: 'М',
  N: 'Ν',
  O: 'О',
  P: 'Р',
  T: 'Т',
  X: 'Х',
  Y: 'Υ',
  Z: 'Ζ',
  '-': '‐',
  '.': '。',
};

/** Swaps the characters whose flag is set for look-alikes. */
export const lookAlike = (text: string, flags: readonly boolean[]) =>
  [...text].map((c, i) => (flags[i % flags.length] ? (LOOK_ALIKES[c] ?? c) : c)).join('');

const INVISIBLES = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad'];

/** Puts an invisible character between two letters or digits wherever a flag is set ("Ro\u200bsa"). */
export function invisible(text: string, flags: readonly boolean[]): string {
  const chars = [...text];
  let out = '';
  chars.forEach((c, i) => {
    out += c;
    const next = chars[i + 1];
    if (next && /[\p{L}\p{N}]/u.test(c) && /[\p{L}\p{N}]/u.test(next) && flags[i % flags.length])
      out += INVISIBLES[i % INVISIBLES.length];
  });
  return out;
}

/** Every digit on its own, separated by spaces or dots: "3 2 3 - 5 5 5", "4.4.7.1". */
export const spacedDigits = (text: string, separator: ' ' | '.') =>
  text.replace(/\d{2,}/g, (run) => run.split('').join(separator));

const DIGIT_WORDS = {
  en: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
  es: ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'],
};

/**
 * Digits said one by one in words ("three two three five five five…", "placa
 * cuatro cuatro siete uno"); the letters of a plate spaced out ("seven A B C
 * one two three").
 */
export function spelled(text: string, language: 'en' | 'es', plate = false): string {
  const say = (run: string) => run.split('').map((d) => DIGIT_WORDS[language][Number(d)]);
  if (plate) return [...text.replace(/[\s-]/g, '')].map((c) => (/\d/.test(c) ? say(c)[0] : c)).join(' ');
  return text.replace(/\d+/g, (run) => say(run).join(' '));
}

/** A value of some kind, disguised one of the ways above. */
export function disguised(
  value: fc.Arbitrary<string>,
  language: 'en' | 'es',
  options: { plate?: boolean; spell?: (value: string) => string } = {},
): fc.Arbitrary<{ disguise: Disguise; text: string }> {
  return fc
    .tuple(
      value,
      fc.constantFrom(...DISGUISES),
      fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
      fc.constantFrom(' ' as const, '.' as const),
    )
    .map(([plain, disguise, flags, separator]) => {
      const text =
        disguise === 'fullWidth'
          ? fullWidth(plain)
          : disguise === 'lookAlike'
            ? lookAlike(plain, flags.some(Boolean) ? flags : [true])
            : disguise === 'invisible'
              ? invisible(plain, flags.some(Boolean) ? flags : [true])
              : disguise === 'spacedDigits'
                ? spacedDigits(plain, separator)
                : disguise === 'spelled'
                  ? (options.spell?.(plain) ?? spelled(plain, language, options.plate))
                  : plain;
      return { disguise, text };
    });
}
