import type { Folded } from './fold.js';
import { alnumAt } from './tokens.js';

/**
 * Numbers spelled out in English or Spanish become digits, so "three two
 * three five five five zero one four seven", "fourteen twenty Whittier
 * Boulevard" and "placa cuatro cuatro siete uno" are read like the digits
 * they stand for. A run of number words is read the way people say numbers:
 * as one cardinal where the words combine ("one thousand four hundred
 * twenty", "mil cuatrocientos veinte", "treinta y dos") and as digits side by
 * side where they do not ("three two three", "fourteen twenty").
 */

type Kind = 'unit' | 'teen' | 'tens' | 'hundred' | 'hundreds' | 'thousand';
interface NumberWord {
  value: number;
  kind: Kind;
}

const WORDS = new Map<string, NumberWord>();
const add = (kind: Kind, step: number, first: number, words: string) =>
  words
    .trim()
    .split(/\s+/)
    .forEach((word, i) => {
      for (const spelling of word.split('/')) WORDS.set(spelling, { value: first + i * step, kind });
    });
add('unit', 1, 0, 'zero one two three four five six seven eight nine');
add('teen', 1, 10, 'ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen');
add('tens', 10, 20, 'twenty thirty forty fifty sixty seventy eighty ninety');
add('unit', 1, 0, 'cero uno/una/un dos tres cuatro cinco seis siete ocho nueve');
add('teen', 1, 10, 'diez once doce trece catorce quince dieciseis diecisiete dieciocho diecinueve');
add('teen', 1, 20, 'veinte veintiuno/veintiun veintidos veintitres veinticuatro veinticinco veintiseis');
add('teen', 1, 27, 'veintisiete veintiocho veintinueve');
add('tens', 10, 30, 'treinta cuarenta cincuenta sesenta setenta ochenta noventa');
add('hundreds', 100, 100, 'cien/ciento doscientos/doscientas trescientos/trescientas');
add('hundreds', 100, 400, 'cuatrocientos/cuatrocientas quinientos/quinientas seiscientos/seiscientas');
add('hundreds', 100, 700, 'setecientos/setecientas ochocientos/ochocientas novecientos/novecientas');
WORDS.set('hundred', { value: 100, kind: 'hundred' });
WORDS.set('thousand', { value: 1000, kind: 'thousand' });
WORDS.set('mil', { value: 1000, kind: 'thousand' });

/** Words that are numbers only beside other number words ("once" is also English; "un", "una" are articles). */
const ONLY_IN_RUNS = new Set(['one', 'un', 'una', 'uno', 'once']);
const JOINERS = new Set(['and', 'y']);

/** The digits a run of number words stands for. */
export function digitsOf(words: readonly NumberWord[]): string {
  let out = '';
  let total = 0;
  let current = 0;
  let last: Kind | null = null;
  const flush = () => {
    if (last !== null) out += String(total + current);
    total = 0;
    current = 0;
    last = null;
  };
  for (const word of words) {
    const low = current % 100;
    const fits =
      last !== null &&
      (word.kind === 'unit'
        ? (last === 'tens' && low % 10 === 0) || (low === 0 && last !== 'unit' && last !== 'teen')
        : word.kind === 'teen' || word.kind === 'tens'
          ? low === 0 && (last === 'hundred' || last === 'hundreds' || last === 'thousand')
          : word.kind === 'hundred'
            ? current > 0 && current < 100
            : word.kind === 'hundreds'
              ? last === 'thousand'
              : total === 0 && current > 0 && current < 1000);
    if (!fits) {
      flush();
      if (word.kind === 'thousand') total = 1000;
      else current = word.value;
    } else if (word.kind === 'hundred') current *= 100;
    else if (word.kind === 'thousand') {
      total = current * 1000;
      current = 0;
    } else current += word.value;
    last = word.kind;
  }
  flush();
  return out;
}

const isLetter = (code: number) => (code >= 97 && code <= 122) || (code >= 65 && code <= 90);

interface Word {
  start: number;
  end: number;
  lower: string;
}

/** Letters-only words of the folded text, in order (number words are plain ASCII once folded). */
function* words(text: string): Generator<Word> {
  let i = 0;
  while (i < text.length) {
    if (!isLetter(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && isLetter(text.charCodeAt(i))) i++;
    // A word glued to other letters or digits ("one2", "oneé") is not a number word.
    const glued = i < text.length && /[\p{L}\p{N}]/u.test(text.charAt(i));
    const before = start > 0 && /[\p{L}\p{N}]/u.test(text.charAt(start - 1));
    if (!glued && !before) yield { start, end: i, lower: text.slice(start, i).toLowerCase() };
  }
}

/** Between two number words of one run: a space or two, or a hyphen ("twenty-one"). */
const joins = (gap: string) => gap.length <= 2 && /^[ -]+$/.test(gap);

/** The folded text with every run of number words replaced by its digits, still mapped to the original. */
export function spellDigits(folded: Folded): Folded {
  const runs: { start: number; end: number; digits: string }[] = [];
  interface Run {
    start: number;
    end: number;
    words: NumberWord[];
    joiner: Word | null;
  }
  const state: { run: Run | null } = { run: null };
  const close = () => {
    const run = state.run;
    state.run = null;
    if (!run) return;
    const lone =
      run.words.length === 1 && ONLY_IN_RUNS.has(folded.text.slice(run.start, run.end).toLowerCase());
    if (!lone) runs.push({ start: run.start, end: run.end, digits: digitsOf(run.words) });
  };
  const open = (word: Word, number: NumberWord) => {
    state.run = { start: word.start, end: word.end, words: [number], joiner: null };
  };
  for (const word of words(folded.text)) {
    const number = WORDS.get(word.lower);
    const run = state.run;
    const adjacent = run !== null && joins(folded.text.slice(run.joiner?.end ?? run.end, word.start));
    if (run && adjacent && number) {
      const previous = run.words.at(-1)?.kind;
      // "treinta y dos", "hundred and twenty": a joiner only after tens or hundreds.
      if (run.joiner && previous !== 'tens' && previous !== 'hundred') {
        close();
        open(word, number);
        continue;
      }
      run.words.push(number);
      run.end = word.end;
      run.joiner = null;
    } else if (run && adjacent && !run.joiner && JOINERS.has(word.lower)) {
      run.joiner = word;
    } else {
      close();
      if (number) open(word, number);
    }
  }
  close();
  if (runs.length === 0) return folded;

  let text = '';
  const from: number[] = [];
  const to: number[] = [];
  let at = 0;
  const copy = (end: number) => {
    text += folded.text.slice(at, end);
    for (let k = at; k < end; k++) {
      from.push(folded.from[k] ?? 0);
      to.push(folded.to[k] ?? 0);
    }
  };
  for (const { start, end, digits } of runs) {
    copy(start);
    // Every digit stands for the whole run of words, so a finding shows all of them.
    const origin = { start: folded.from[start] ?? 0, end: folded.to[end - 1] ?? 0 };
    for (let k = 0; k < digits.length; k++) {
      from.push(origin.start);
      to.push(origin.end);
    }
    text += digits;
    at = end;
  }
  copy(folded.text.length);
  return { text, from, to };
}

const isDigitAt = (text: string, i: number) => {
  const code = text.charCodeAt(i);
  return code >= 48 && code <= 57;
};
const lone = (text: string, i: number) =>
  isDigitAt(text, i) && !alnumAt(text, i - 1) && !alnumAt(text, i + 1);

/**
 * Digits spaced out one by one — three or more, with the same space or dot
 * between them ("1 4 2 0 Whittier", "placa 4.4.7.1") — are joined into one
 * number, as a reader would.
 */
export function joinSpacedDigits(folded: Folded): Folded {
  const { text } = folded;
  const dropped: number[] = [];
  let i = 0;
  while (i < text.length) {
    if (!lone(text, i)) {
      i++;
      continue;
    }
    const separator = text.charAt(i + 1);
    let j = i;
    let count = 1;
    while (
      (separator === ' ' || separator === '.') &&
      text.charAt(j + 1) === separator &&
      lone(text, j + 2)
    ) {
      j += 2;
      count++;
    }
    if (count >= 3) for (let k = i + 1; k < j; k += 2) dropped.push(k);
    i = j + 1;
  }
  if (dropped.length === 0) return folded;
  let out = '';
  const from: number[] = [];
  const to: number[] = [];
  let next = 0;
  for (let k = 0; k < text.length; k++) {
    if (dropped[next] === k) {
      next++;
      continue;
    }
    out += text.charAt(k);
    from.push(folded.from[k] ?? 0);
    to.push(folded.to[k] ?? 0);
  }
  return { text: out, from, to };
}
