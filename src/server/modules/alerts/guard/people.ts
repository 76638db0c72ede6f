import { type Folded, foldText, originalSpan } from './fold.js';
import { alnumAt, type Hit, isCapitalized, type Token, wordAfter, wordBefore } from './tokens.js';
import {
  BADGE_FILLERS,
  BADGE_WORDS,
  CALENDAR,
  CALLED,
  COUNT_NOUNS,
  GIVEN_NAMES,
  NAME_PARTICLES,
  NOT_SURNAMES,
  PLACE_AFTER,
  PLACE_BEFORE,
  PUBLIC_NAMES,
  TITLES,
} from './words.js';

/**
 * People: names after a title or "named", a given name followed by a
 * surname, the coalition's own list of names, and badge or ID numbers after
 * an officer word.
 */

const NAME_JOINS = new Set(["'", '’', '-']);

/** The last token of a name word, across apostrophes and hyphens ("O'Brien", "García-López"). */
function nameEnd(tokens: readonly Token[], j: number): number {
  let k = j;
  for (let n = 0; n < 3 && NAME_JOINS.has(tokens[k + 1]?.text ?? '') && tokens[k + 2]?.kind === 'word'; n++)
    k += 2;
  return k;
}

/** A word that can be a surname: capitalized, not an article, month, agency or place word. */
const surname = (t: Token | undefined) =>
  !!t &&
  isCapitalized(t) &&
  t.text.length >= 2 &&
  !NOT_SURNAMES.has(t.lower) &&
  !CALENDAR.has(t.lower) &&
  !PLACE_AFTER.has(t.lower) &&
  !COUNT_NOUNS.has(t.lower);

/** A capitalized word (two letters or more) and, if one follows, a second: the name after a title. */
function nameAt(tokens: readonly Token[], j: number): number {
  const first = tokens[j];
  if (!isCapitalized(first) || (first?.text.length ?? 0) + (nameEnd(tokens, j) - j) < 2) return -1;
  // "un agente ICE", "Agent Border Patrol": an agency, not a name.
  if (NOT_SURNAMES.has(first?.lower ?? '')) return -1;
  let last = nameEnd(tokens, j);
  const second = wordAfter(tokens, last);
  if (isCapitalized(tokens[second])) last = nameEnd(tokens, second);
  return last;
}

const span = (
  folded: Folded,
  tokens: readonly Token[],
  first: number,
  last: number,
  kind: Hit['kind'],
): Hit => ({
  kind,
  ...originalSpan(folded, tokens[first]?.start ?? 0, tokens[last]?.end ?? 0),
});

/** "Officer Smith", "el agente Ramírez", "Sra. López", "a man named Ana", "se llama José": the name's first and last token. */
function titledOrCalled(tokens: readonly Token[], i: number): { first: number; last: number } | null {
  const t = tokens[i] as Token;
  let j = -1;
  if (TITLES.has(t.lower)) {
    const dot = tokens[i + 1]?.text === '.' ? i + 1 : i;
    j = wordAfter(tokens, dot);
  } else if (CALLED.has(t.lower) && t.text === t.lower) {
    if (t.lower === 'llama' && tokens[wordBefore(tokens, i)]?.lower !== 'se') return null;
    j = wordAfter(tokens, i);
  } else if (t.text === 'name' && tokens[wordAfter(tokens, i)]?.text === 'is') {
    j = wordAfter(tokens, wordAfter(tokens, i));
  } else if (t.text === 'de' && tokens[wordAfter(tokens, i)]?.text === 'nombre') {
    j = wordAfter(tokens, wordAfter(tokens, i));
  }
  const last = j >= 0 ? nameAt(tokens, j) : -1;
  return last >= 0 ? { first: j, last } : null;
}

/** "Juan Pérez", "María de la Cruz", "Ana M. López", "Jennifer Smith": a given name and a surname. */
function givenAndSurname(tokens: readonly Token[], i: number): number {
  const t = tokens[i] as Token;
  if (!isCapitalized(t) || !GIVEN_NAMES.has(t.lower)) return -1;
  const before = wordBefore(tokens, i);
  if (before >= 0 && PLACE_BEFORE.has(tokens[before]?.lower ?? '')) return -1;
  // "St. Mary": a place word and a dot before.
  if (
    tokens[i - 1]?.kind === 'space' &&
    tokens[i - 2]?.text === '.' &&
    PLACE_BEFORE.has(tokens[i - 3]?.lower ?? '')
  )
    return -1;
  let j = wordAfter(tokens, i);
  for (let steps = 0; steps < 3 && j >= 0; steps++) {
    const word = tokens[j] as Token;
    if (NAME_PARTICLES.has(word.text)) j = wordAfter(tokens, j);
    else if (word.text.length === 1 && isCapitalized(word) && !NAME_JOINS.has(tokens[j + 1]?.text ?? ''))
      j = tokens[j + 1]?.text === '.' ? wordAfter(tokens, j + 1) : wordAfter(tokens, j);
    else break;
  }
  // "O'Brien", "D'Angelo": one capital letter joined to the rest of the surname.
  const joined =
    tokens[j]?.text.length === 1 &&
    isCapitalized(tokens[j]) &&
    NAME_JOINS.has(tokens[j + 1]?.text ?? '') &&
    isCapitalized(tokens[j + 2]);
  if (!surname(tokens[j]) && !joined) return -1;
  let last = nameEnd(tokens, j);
  for (let more = 0; more < 2; more++) {
    const next = wordAfter(tokens, last);
    if (!surname(tokens[next])) break;
    last = nameEnd(tokens, next);
  }
  // "Cesar Chavez Ave", "Ramona Gardens", "Martin Luther King Jr Blvd": a place named after a person.
  if (PLACE_AFTER.has(tokens[wordAfter(tokens, last)]?.lower ?? '')) return -1;
  if (tokens[last + 1]?.text === '.' && PLACE_AFTER.has(tokens[wordAfter(tokens, last + 1)]?.lower ?? ''))
    return -1;
  const words = tokens
    .slice(i, last + 1)
    .filter((w) => w.kind === 'word')
    .map((w) => w.lower)
    .join(' ');
  if (PUBLIC_NAMES.some((name) => words.startsWith(name))) return -1;
  return last;
}

/** Names: after a title or "named", and a given name followed by a surname. */
export function findNames(folded: Folded, tokens: readonly Token[]): Hit[] {
  const hits: Hit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]?.kind !== 'word') continue;
    // Only the name is reported, not the title before it.
    const called = titledOrCalled(tokens, i);
    if (called) {
      hits.push(span(folded, tokens, called.first, called.last, 'name'));
      continue;
    }
    const given = givenAndSurname(tokens, i);
    if (given >= 0) {
      hits.push(span(folded, tokens, i, given, 'name'));
      i = given;
    }
  }
  return hits;
}

const BADGE_MARKS = new Set(['#', ':', '.']);

/** "ID", "I.D.": the last token of an officer or identity word at i, or -1. */
function badgeWordAt(tokens: readonly Token[], i: number): number {
  const t = tokens[i] as Token;
  if (t.lower === 'i' && tokens[i + 1]?.text === '.' && tokens[i + 2]?.lower === 'd')
    return tokens[i + 3]?.text === '.' ? i + 3 : i + 2;
  // Short abbreviations in capitals ("DET 0000", "SGT-123") read as plates; "ID" is how ID is written.
  if (t.text.length <= 3 && t.text === t.text.toUpperCase() && t.lower !== 'id') return -1;
  return BADGE_WORDS.has(t.lower) ? i : -1;
}

/** An identifying number: two digits or more, at most two letters ("4471", "A12345"), in up to three groups. */
function badgeNumber(tokens: readonly Token[], j: number): number {
  const t = tokens[j];
  if (t?.kind !== 'word' || t.text.length > 12) return -1;
  const digits = t.text.replace(/\D/g, '').length;
  if (digits < 1 || t.text.length - digits > 2) return -1;
  let last = j;
  let total = digits;
  // Up to three groups ("44-71"), or a digit at a time ("4-4-7-1", seen in review).
  const most = digits === 1 ? 7 : 2;
  for (let n = 0; n < most; n++) {
    const gap = tokens[last + 1];
    const next = tokens[last + 2];
    if (gap?.text.length !== 1 || (gap.text !== '-' && gap.text !== ' ') || !next?.number) break;
    if (digits === 1 && next.text.length !== 1) break;
    total += next.text.length;
    last += 2;
  }
  if (total < 2) return -1;
  // "Officer … 10:45", "agente … 12 horas": a time or a count, not a badge.
  const after = tokens[last + 1];
  if (after?.kind === 'mark' && (after.text === ':' || after.text === ',') && tokens[last + 2]?.hasDigit)
    return -1;
  if (COUNT_NOUNS.has(tokens[wordAfter(tokens, last)]?.lower ?? '')) return -1;
  return last;
}

/** "badge 4471", "ID #4471", "placa 4471", "número de placa: 4471", "agente 4471", "badge number was 4471". */
export function findBadges(folded: Folded, tokens: readonly Token[]): Hit[] {
  const hits: Hit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]?.kind !== 'word') continue;
    const keywordEnd = badgeWordAt(tokens, i);
    if (keywordEnd < 0) continue;
    let j = keywordEnd + 1;
    for (let steps = 0; steps < 8 && j < tokens.length; steps++) {
      const t = tokens[j] as Token;
      if (t.kind === 'space' && !t.text.includes('\n')) j++;
      else if (t.kind === 'mark' && BADGE_MARKS.has(t.text)) j++;
      else if (t.kind === 'word' && !t.hasDigit && BADGE_FILLERS.has(t.lower)) j++;
      else break;
    }
    const last = badgeNumber(tokens, j);
    if (last >= 0) {
      hits.push(span(folded, tokens, i, last, 'badge'));
      i = last;
    }
  }
  return hits;
}

interface TrieNode {
  next: Map<string, TrieNode>;
  end: boolean;
}

/** Digits written for the letters they look like ("Delgad0", "R0sa"), and i / l / 1 as one. */
const LOOK_ALIKE: Record<string, string> = {
  '0': 'o',
  '1': 'l',
  i: 'l',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
};

/** The letter a name is compared by: lower case, look-alike digits read as letters. */
const lowerAt = (text: string, j: number) => {
  const code = text.charCodeAt(j);
  const lower = code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : text.charAt(j).toLowerCase();
  return LOOK_ALIKE[lower] ?? lower;
};

/** A name and, for one of two words or more, the same with the surname first ("Delgado, Rosa"). */
function nameOrders(name: string): string[] {
  const words = name.trim().split(/\s+/);
  const surname = words.at(-1);
  return words.length < 2 || !surname ? [name] : [name, [surname, ...words.slice(0, -1)].join(' ')];
}

/**
 * The coalition's list of names as one trie of their letters (folded, lower
 * case, spaces and marks left out), so a text is read once whatever the
 * list's length: "Tío Beto", "TÍO BETO", "Tio\u200bBeto", "T-í-o B-e-t-o", "T1o B3to",
 * and the surname first: "Beto, Tío".
 */
/** Scripts whose words are not cut by spaces (Han, kana) or take joined particles (Hangul). */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const unspacedAt = (text: string, index: number) => UNSPACED.test(text.charAt(index));

export function compileNames(names: readonly string[]): (folded: Folded) => Hit[] {
  const root: TrieNode = { next: new Map(), end: false };
  let depth = 0;
  for (const name of names.flatMap(nameOrders)) {
    const key = foldText(name.trim()).text;
    let node = root;
    let length = 0;
    for (let j = 0; j < key.length; j++) {
      if (!alnumAt(key, j)) continue;
      const c = lowerAt(key, j);
      let child = node.next.get(c);
      if (!child) {
        child = { next: new Map(), end: false };
        node.next.set(c, child);
      }
      node = child;
      length++;
    }
    if (length > 0) node.end = true;
    depth = Math.max(depth, length);
  }
  if (depth === 0) return () => [];

  return (folded) => {
    const { text } = folded;
    const hits: Hit[] = [];
    for (let i = 0; i < text.length; i++) {
      // A name starts a word — except in or beside a script written without spaces between words
      // (Chinese, Japanese) or with particles joined to them (Korean: 김민수가): there, anywhere.
      if (!alnumAt(text, i) || (alnumAt(text, i - 1) && !unspacedAt(text, i) && !unspacedAt(text, i - 1)))
        continue;
      let node: TrieNode | undefined = root;
      let end = -1;
      let gap = 0;
      for (let j = i; j < text.length && node; j++) {
        if (alnumAt(text, j)) {
          node = node.next.get(lowerAt(text, j));
          gap = 0;
          // …and ends one (or ends in or beside such a script).
          if (node?.end && (!alnumAt(text, j + 1) || unspacedAt(text, j) || unspacedAt(text, j + 1)))
            end = j + 1;
        } else if (++gap > 3) break;
      }
      if (end > 0) {
        hits.push({ kind: 'name', ...originalSpan(folded, i, end) });
        i = end - 1;
      }
    }
    return hits;
  };
}
