import { type Folded, originalSpan } from './fold.js';
import { type Hit, isCapitalized, type Token, wordAfter, wordBefore } from './tokens.js';
import {
  ACRONYMS,
  BADGE_WORDS,
  BEFORE_NUMBERS,
  CALENDAR,
  COUNT_NOUNS,
  DIRECTIONS,
  NOT_IN_STREET_NAMES,
  NOT_SURNAMES,
  NUMBER_WORDS,
  NUMBERED_THINGS,
  PLACE_ARTICLES,
  STREET_SUFFIXES,
  STREET_WORDS_ES,
  TITLES,
} from './words.js';

/**
 * Street addresses and licence plates, by walking the tokens: each rule
 * starts at one token and looks a bounded number of tokens around it.
 */

const JOIN_MARKS = new Set(['.', '-', "'", '’']);

/** The next word, past one space and/or one joining mark ("E. Main", "O'Neil"); -1 when none. */
function nextWordLoose(tokens: readonly Token[], j: number): number {
  let k = j + 1;
  if (tokens[k]?.kind === 'mark' && JOIN_MARKS.has(tokens[k]?.text ?? '')) k++;
  if (tokens[k]?.kind === 'space' && !tokens[k]?.text.includes('\n')) k++;
  return k > j + 1 && tokens[k]?.kind === 'word' ? k : -1;
}

/** "1420", "1420B": a house number. */
const houseNumber = (t: Token | undefined, minDigits = 1) =>
  !!t &&
  t.kind === 'word' &&
  /^\d{1,6}[a-z]?$/i.test(t.text) &&
  t.text.replace(/\D/g, '').length >= minDigits;

const DIGIT_JOINS = new Set([':', '.', ',', '/', '-']);

/** Whether another number sits right beside token i, on the side `step` points to: "10:30", "1,200", "(323) 555". */
function numberBeside(tokens: readonly Token[], i: number, step: 1 | -1): boolean {
  const gap = tokens[i + step];
  const near = tokens[i + 2 * step];
  if (!gap) return false;
  if (gap.kind === 'mark' && DIGIT_JOINS.has(gap.text)) return !!near?.hasDigit;
  if (gap.kind === 'space' && gap.text === ' ') {
    if (near?.number) return true;
    const paren = step === 1 ? '(' : ')';
    return near?.text === paren && !!tokens[i + 3 * step]?.number;
  }
  const paren = step === 1 ? ')' : '(';
  return gap.text === paren && tokens[i + 2 * step]?.kind === 'space' && !!tokens[i + 3 * step]?.number;
}

/** Part of a time, a decimal, an amount or a longer number (a phone number, a date). */
const partOfNumber = (tokens: readonly Token[], i: number) =>
  tokens[i - 1]?.text === '$' || numberBeside(tokens, i, -1) || numberBeside(tokens, i, 1);

/** "Los" in "Los Angeles", "El" in "El Sereno": capitalized articles that begin place names. */
const placeArticle = (t: Token | undefined) => !!t && isCapitalized(t) && PLACE_ARTICLES.has(t.lower);

/** A capitalized word that can be part of a street or city name. */
const placeWord = (t: Token | undefined) =>
  !!t &&
  isCapitalized(t) &&
  t.text.length >= 2 &&
  !NOT_SURNAMES.has(t.lower) &&
  !NUMBERED_THINGS.has(t.lower) &&
  !CALENDAR.has(t.lower) &&
  !COUNT_NOUNS.has(t.lower) &&
  !BADGE_WORDS.has(t.lower) &&
  !TITLES.has(t.lower) &&
  !ACRONYMS.has(t.lower) &&
  !STREET_SUFFIXES.has(t.lower) &&
  !STREET_WORDS_ES.has(t.lower) &&
  !BEFORE_NUMBERS.has(t.lower);

const hit = (folded: Folded, tokens: readonly Token[], first: number, last: number): Hit => ({
  kind: 'address',
  ...originalSpan(folded, tokens[first]?.start ?? 0, tokens[last]?.end ?? 0),
});

/** "1234 W Olympic Blvd", "815 S. Main Street": a number, up to five words, a street suffix. */
function withSuffix(tokens: readonly Token[], i: number): number {
  let j = wordAfter(tokens, i);
  if (j < 0 || COUNT_NOUNS.has(tokens[j]?.lower ?? '')) return -1;
  for (let words = 0; j >= 0 && words < 6; words++) {
    const word = tokens[j] as Token;
    // An abbreviation keeps its dot ("Blvd."); a whole word leaves it to the sentence ("Boulevard.").
    if (STREET_SUFFIXES.has(word.lower))
      return tokens[j + 1]?.text === '.' && word.text.length <= 4 ? j + 1 : j;
    if (word.text === word.lower && NOT_IN_STREET_NAMES.has(word.lower)) return -1;
    // A full stop after a whole word ends the sentence ("5 unmarked SUVs. Avoid Sepulveda Blvd.").
    if (tokens[j + 1]?.text === '.' && tokens[j + 2]?.kind === 'space' && word.text.length > 3) return -1;
    j = nextWordLoose(tokens, j);
  }
  return -1;
}

/** "1420 Whittier", "1420 E Whittier": a house number of two digits or more and a capitalized name. */
function withoutSuffix(tokens: readonly Token[], i: number): number {
  if (!houseNumber(tokens[i], 2)) return -1;
  let j = wordAfter(tokens, i);
  const direction = tokens[j];
  // "1420 E. Whittier", "1420 East Whittier" — but not "60 East. Comparta…", a sentence ending.
  if (direction && DIRECTIONS.has(direction.lower) && isCapitalized(direction))
    j = direction.text.length <= 2 ? nextWordLoose(tokens, j) : wordAfter(tokens, j);
  if (!placeWord(tokens[j])) return -1;
  let last = j;
  for (let more = 0; more < 2; more++) {
    const next = wordAfter(tokens, last);
    if (!placeWord(tokens[next])) break;
    last = next;
  }
  return last;
}

/** The word before a number that says the number is something else: "Interstate 5", "AB 450", "Nov 29". */
function numberOfSomething(tokens: readonly Token[], i: number): boolean {
  const before = tokens[wordBefore(tokens, i)];
  return !!before && (NUMBERED_THINGS.has(before.lower) || CALENDAR.has(before.lower));
}

/** A count follows: "12 agents", "Pacoima 12 agentes", "calle Soto 3 patrullas". */
const countFollows = (tokens: readonly Token[], i: number) =>
  COUNT_NOUNS.has(tokens[wordAfter(tokens, i)]?.lower ?? '');

/** "Calle Olvera 320", "Av. Juárez #45", "calle 5 de Mayo 120", "Avenida Juárez número 45". */
function spanishStreet(tokens: readonly Token[], k: number): number {
  const keyword = tokens[k];
  if (!keyword || !STREET_WORDS_ES.has(keyword.lower)) return -1;
  // "Sepulveda Blvd. Section 287": a suffix ending an English street name, not a Spanish street word.
  if (STREET_SUFFIXES.has(keyword.lower) && isCapitalized(tokens[wordBefore(tokens, k)])) return -1;
  let j = k + 1;
  if (keyword.lower === 'c') {
    if (tokens[j]?.text !== '/') return -1;
    j++;
  } else if (tokens[j]?.text === '.') j++;
  if (tokens[j]?.kind === 'space') j++;
  let letters = 0;
  for (let words = 0; words < 8 && tokens[j]?.kind === 'word'; words++) {
    const t = tokens[j] as Token;
    const numbered = t.number && tokens[wordAfter(tokens, j)]?.lower === 'de';
    if (t.hasDigit && !numbered) {
      if (NUMBER_WORDS.has(t.lower)) break;
      return letters >= 2 && houseNumber(t) && !countFollows(tokens, j) && !partOfNumber(tokens, j) ? j : -1;
    }
    if (NUMBER_WORDS.has(t.lower) && letters >= 2) break;
    // A street name ends at a small word ("Blvd and in the…") or a full stop after a whole word.
    if (t.text === t.lower && NOT_IN_STREET_NAMES.has(t.lower)) return -1;
    if (tokens[j + 1]?.text === '.' && tokens[j + 2]?.kind === 'space' && t.text.length > 4) return -1;
    if (!numbered) letters += t.text.length;
    const next = nextWordLoose(tokens, j);
    if (next < 0) {
      // "Calle Hidalgo #123", "calle Whittier, 1420": a mark right before the number.
      let k = j + 1;
      if (tokens[k]?.kind === 'space') k++;
      const mark = tokens[k]?.text;
      if (mark !== '#' && mark !== ',') return -1;
      k++;
      if (tokens[k]?.kind === 'space') k++;
      if (houseNumber(tokens[k]) && letters >= 2 && !countFollows(tokens, k) && !partOfNumber(tokens, k))
        return k;
      return -1;
    }
    j = next;
  }
  // "número 120", "núm. 45", "No. 12", "# 45", "nº 45"
  if (!tokens[j] || !NUMBER_WORDS.has(tokens[j]?.lower ?? '') || letters < 2) return -1;
  j++;
  if (tokens[j]?.text === '.') j++;
  if (tokens[j]?.kind === 'space') j++;
  if (tokens[j]?.text === '#') j++;
  if (tokens[j]?.kind === 'space') j++;
  return houseNumber(tokens[j]) && !partOfNumber(tokens, j) ? j : -1;
}

/** "Olvera 320", "Insurgentes Sur 1602": a capitalized name, then a number of two digits or more. */
function nameThenNumber(tokens: readonly Token[], i: number): number {
  if (!houseNumber(tokens[i], 2) || countFollows(tokens, i)) return -1;
  // "Whittier Blvd #1420", "Olvera # 320": a number sign before the number.
  let at = i;
  if (tokens[at - 1]?.text === '#') at--;
  else if (tokens[at - 1]?.kind === 'space' && tokens[at - 2]?.text === '#') at -= 2;
  let first = wordBefore(tokens, at);
  // "Whittier Blvd 1420"; but a numbered street alone ("Avenue 26", "Calle 12") has no house number.
  const word = tokens[first];
  if (word && (STREET_SUFFIXES.has(word.lower) || STREET_WORDS_ES.has(word.lower)))
    first = wordBefore(tokens, first);
  return placeWord(tokens[first]) ? placeStart(tokens, first) : -1;
}

/** Back from a place word over up to two more and a leading article: "Insurgentes Sur", "Los Angeles". */
function placeStart(tokens: readonly Token[], word: number): number {
  let first = word;
  for (let more = 0; more < 3; more++) {
    const before = wordBefore(tokens, first);
    if (!placeWord(tokens[before]) && !placeArticle(tokens[before])) break;
    first = before;
    if (placeArticle(tokens[before])) break;
  }
  return first;
}

const STATES = new Set(['california', 'calif', 'cal']);
const ZIP_WORDS = new Set(['zip', 'cp', 'postal']);

/** "Los Angeles, CA 90033", "Boyle Heights 90033", "C.P. 06700", "zip code 90033". */
function cityAndZip(tokens: readonly Token[], i: number): number {
  const zip = tokens[i];
  if (!zip?.number || zip.text.length !== 5) return -1;
  let j = i - 1;
  const skip = (test: (t: Token) => boolean) => {
    if (tokens[j] && test(tokens[j] as Token)) j--;
  };
  skip((t) => t.kind === 'space');
  skip((t) => t.text === '.' || t.text === ',');
  skip((t) => t.kind === 'space');
  const word = tokens[j];
  if (word && ZIP_WORDS.has(word.lower.replace(/\./g, ''))) return j;
  if (word?.lower === 'p' && tokens[j - 1]?.text === '.' && tokens[j - 2]?.lower === 'c') return j - 2;
  if (word?.lower === 'code' && tokens[j - 2]?.lower === 'zip') return j - 2;
  // A state: "CA", "Calif."
  if (word && ((/^[A-Z]{2}$/.test(word.text) && !ACRONYMS.has(word.lower)) || STATES.has(word.lower))) {
    j--;
    skip((t) => t.kind === 'space');
    skip((t) => t.text === ',');
    skip((t) => t.kind === 'space');
  }
  return placeWord(tokens[j]) ? placeStart(tokens, j) : -1;
}

/**
 * Street addresses with a house number, English and Spanish, and a city or
 * "zip" with a ZIP code. Digits that belong to a phone number (`inPhone`,
 * by position) are never a house number.
 */
export function findAddresses(
  folded: Folded,
  tokens: readonly Token[],
  inPhone: (at: number) => boolean,
): Hit[] {
  const hits: Hit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.kind !== 'word' || (token.hasDigit && inPhone(token.start))) continue;
    const street = spanishStreet(tokens, i);
    if (street >= 0) {
      hits.push(hit(folded, tokens, i, street));
      continue;
    }
    if (!token.hasDigit || partOfNumber(tokens, i)) continue;
    const zipFirst = cityAndZip(tokens, i);
    if (zipFirst >= 0) hits.push(hit(folded, tokens, zipFirst, i));
    if (!houseNumber(token) || numberOfSomething(tokens, i)) continue;
    const suffix = withSuffix(tokens, i);
    if (suffix >= 0) hits.push(hit(folded, tokens, i, suffix));
    const name = withoutSuffix(tokens, i);
    if (name >= 0) hits.push(hit(folded, tokens, i, name));
    const before = nameThenNumber(tokens, i);
    if (before >= 0) hits.push(hit(folded, tokens, before, i));
  }
  return hits;
}

/** Plate-like strings that are not plates: times, ordinals, roads, laws. */
function looksLikePlate(compact: string): boolean {
  if (compact.length < 5 || compact.length > 8 || !/^[A-Za-z0-9]+$/.test(compact)) return false;
  if (/^\d+(?:st|nd|rd|th|am|pm|h|hrs|min|km|mi)$/i.test(compact)) return false;
  if (/^\d{1,2}h\d{2}$/i.test(compact)) return false;
  // Bill numbers in know-your-rights lines ("AB 450", "SB 54") and roads ("I-710 N", "US 101").
  if (/^(?:AB|SB|HB|HR)\d{1,4}$/i.test(compact)) return false;
  if (/^(?:I|US|SR|CA|HWY)\d{1,3}[NSEW]?$/i.test(compact)) return false;
  if (/^covid\d+$/i.test(compact)) return false;
  const digits = compact.replace(/\D/g, '').length;
  return digits >= 2 && digits < compact.length;
}

const PLATE_SEPARATORS = new Set([' ', '-', '.']);
const plateGroup = (t: Token | undefined) =>
  !!t && t.kind === 'word' && t.text.length <= 4 && /^[A-Z0-9]+$/.test(t.text);

/** Groups that read as a count or a time, not a plate: "12 ICE", "2 SUV", "10 AM". */
const countOrTime = (groups: readonly string[]) =>
  groups.some((g) => g === 'AM' || g === 'PM') ||
  (groups.length === 2 && /^\d{1,3}$/.test(groups[0] ?? '') && ACRONYMS.has(groups[1]?.toLowerCase() ?? ''));

/** "7ABC123", "abc1234" as one word; "ABC-1234", "ABC 123", "7 A B C 1 2 3" in capitals and groups. */
export function findPlates(folded: Folded, tokens: readonly Token[]): Hit[] {
  const hits: Hit[] = [];
  const push = (first: number, last: number) =>
    hits.push({
      kind: 'plate',
      ...originalSpan(folded, tokens[first]?.start ?? 0, tokens[last]?.end ?? 0),
    });
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.kind !== 'word') continue;
    if (looksLikePlate(token.text)) {
      push(i, i);
      continue;
    }
    if (!plateGroup(token)) continue;
    // Groups joined by one separator: the longest run of them from here that reads as a plate.
    const groups = [token.text];
    let compact = token.text;
    let best = -1;
    for (let j = i; ; ) {
      const gap = tokens[j + 1];
      const next = tokens[j + 2];
      if (gap?.text.length !== 1 || !PLATE_SEPARATORS.has(gap.text) || !plateGroup(next)) break;
      groups.push(next?.text ?? '');
      compact += next?.text ?? '';
      if (compact.length > 8) break;
      j += 2;
      if (looksLikePlate(compact) && !countOrTime(groups)) best = j;
    }
    if (best >= 0) {
      push(i, best);
      i = best;
    }
  }
  return hits;
}
