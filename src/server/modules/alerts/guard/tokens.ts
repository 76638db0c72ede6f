import type { FINDING_KINDS } from '../../../../shared/alert.js';

/**
 * The folded text cut into words (runs of letters and digits), spaces (runs
 * of white space) and marks (any other single character), in one pass. The
 * guard's rules walk these tokens forwards and backwards a bounded number of
 * steps, so their work grows with the text's length and nothing else.
 */

export interface Token {
  kind: 'word' | 'space' | 'mark';
  start: number;
  end: number;
  text: string;
  /** Lower case, for comparing with the vocabularies. */
  lower: string;
  /** Only ASCII digits. */
  number: boolean;
  hasDigit: boolean;
  hasLetter: boolean;
}

const ALNUM = /[\p{L}\p{N}]/u;
const SPACE = /\s/u;
/**
 * Scripts written without spaces between words: a plate, a number or a Latin street glued to them
 * ("车牌7ABC123的车") is a word of its own, as it would be between spaces.
 */
const SPACELESS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const isSpacelessCode = (code: number, char: string): boolean => code >= 0x80 && SPACELESS.test(char);

export const isAlnumCode = (code: number, char: string): boolean =>
  code < 0x80
    ? (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
    : ALNUM.test(char);
const isSpaceCode = (code: number, char: string): boolean =>
  code < 0x80 ? code === 32 || (code >= 9 && code <= 13) : SPACE.test(char);

/** Whether the character at `index` is a letter or a digit. */
export const alnumAt = (text: string, index: number): boolean =>
  index >= 0 && index < text.length && isAlnumCode(text.charCodeAt(index), text.charAt(index));

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const start = i;
    const code = text.charCodeAt(i);
    const char = text.charAt(i);
    let kind: Token['kind'];
    let digits = 0;
    if (isAlnumCode(code, char)) {
      kind = 'word';
      const spaceless = isSpacelessCode(code, char);
      while (
        i < text.length &&
        isAlnumCode(text.charCodeAt(i), text.charAt(i)) &&
        isSpacelessCode(text.charCodeAt(i), text.charAt(i)) === spaceless
      ) {
        const c = text.charCodeAt(i);
        if (c >= 48 && c <= 57) digits++;
        i++;
      }
    } else if (isSpaceCode(code, char)) {
      kind = 'space';
      while (i < text.length && isSpaceCode(text.charCodeAt(i), text.charAt(i))) i++;
    } else {
      kind = 'mark';
      i++;
    }
    const slice = text.slice(start, i);
    tokens.push({
      kind,
      start,
      end: i,
      text: slice,
      lower: slice.toLowerCase(),
      number: kind === 'word' && digits === i - start,
      hasDigit: digits > 0,
      hasLetter: kind === 'word' && digits < i - start,
    });
  }
  return tokens;
}

/** A word whose first letter is a capital: "Whittier", "JOSÉ". */
export function isCapitalized(token: Token | undefined): boolean {
  if (token?.kind !== 'word' || token.hasDigit) return false;
  const first = token.text.charAt(0);
  return first !== first.toLowerCase() && first === first.toUpperCase();
}

/** The index of the word after token `i` when only one space (no line break) lies between, else -1. */
export function wordAfter(tokens: readonly Token[], i: number): number {
  const gap = tokens[i + 1];
  const next = tokens[i + 2];
  return gap?.kind === 'space' && !gap.text.includes('\n') && next?.kind === 'word' ? i + 2 : -1;
}

/** The index of the word before token `i` when only one space (no line break) lies between, else -1. */
export function wordBefore(tokens: readonly Token[], i: number): number {
  const gap = tokens[i - 1];
  const previous = tokens[i - 2];
  return gap?.kind === 'space' && !gap.text.includes('\n') && previous?.kind === 'word' ? i - 2 : -1;
}

/** A raw finding, in original-text positions. */
export interface Hit {
  kind: (typeof FINDING_KINDS)[number];
  start: number;
  end: number;
}
