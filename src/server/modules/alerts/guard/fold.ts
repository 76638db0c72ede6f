/**
 * What the guard reads: the text as a person sees it, not as it is encoded.
 * Full-width and styled characters become plain ones (Unicode NFKC),
 * accents go, letters from other scripts that look Latin become Latin (a
 * Cyrillic "о" in "Rоsa"), invisible characters (zero-width spaces, joiners,
 * direction marks, soft hyphens) are dropped, every dash is "-", every space
 * is " ", and digits of any script are 0-9. Every character of the folded
 * text remembers the stretch of the original it came from, so findings are
 * reported against what the author wrote.
 *
 * The look-alike table covers the letters that pass for Latin ones in the
 * Cyrillic, Greek and Armenian scripts and a few Latin variants; one
 * character maps to one, which keeps positions simple. (Unicode's full
 * confusables list also maps to sequences and would add a dependency for
 * characters no alert is written in.)
 */

export interface Folded {
  text: string;
  /** For each character of `text`, where the original stretch it came from starts… */
  from: number[];
  /** …and ends (exclusive). */
  to: number[];
}

/** Pairs: a look-alike, then the character it passes for. */
const LOOK_ALIKE_PAIRS =
  // Cyrillic
  'аaвbеeёeкkмmнhоoрpсcтtуyхxѕsіiїiјjһhԁdԛqԝwӏlɡgАAВBЕEЁEКKМMНHОOРPСCТTУYХXЅSІIЇIЈJҺHԀDԚQԜWӀIЗ3Ьb' +
  // Greek
  'αaεeιiκkνvοoρpτtυuχxωwγyΑAΒBΕEΖZΗHΙIΚKΜMΝNΟOΡPΤTΥYΧX' +
  // Armenian, Latin variants
  'օoսuզqցgհhոnՕOՍUıiȷjɑaʏyɩiℓl' +
  // Punctuation people use as dots and slashes
  '。.·.•.∙.⋅.‧.⁄/∕/';
const LOOK_ALIKES = new Map<string, string>();
for (let i = 0; i + 1 < LOOK_ALIKE_PAIRS.length; i += 2)
  LOOK_ALIKES.set(LOOK_ALIKE_PAIRS.charAt(i), LOOK_ALIKE_PAIRS.charAt(i + 1));

const ASCII_LIMIT = 0x80;
const FORMAT_OR_MARK = /^[\p{Cf}\p{M}]$/u;
const INVISIBLE_LETTERS = new Set(['\u115f', '\u1160', '\u3164', '\uffa0', '\u2800']);
const DASH = /^[\p{Pd}\u2212]$/u;
const SPACE = /^\p{Zs}$/u;
const DIGIT = /^\p{Nd}$/u;

/** The value of a decimal digit of any script: its distance from the zero of its block of ten. */
function digitValue(cp: number): string {
  let back = 0;
  while (back < 60 && DIGIT.test(String.fromCodePoint(cp - back - 1))) back++;
  return String(back % 10);
}

function foldCluster(cluster: string): string {
  const plain = cluster.normalize('NFKC').normalize('NFD');
  let out = '';
  for (const char of plain) {
    if (FORMAT_OR_MARK.test(char) || INVISIBLE_LETTERS.has(char)) continue;
    const cp = char.codePointAt(0) ?? 0;
    if (cp < ASCII_LIMIT) out += char;
    else if (LOOK_ALIKES.has(char)) out += LOOK_ALIKES.get(char);
    else if (DASH.test(char)) out += '-';
    else if (SPACE.test(char)) out += ' ';
    else if (DIGIT.test(char)) out += digitValue(cp);
    else out += char;
  }
  return out;
}

const isMark = (cp: number) => cp >= 0x300 && FORMAT_OR_MARK.test(String.fromCodePoint(cp));

/** Folds a text for matching; linear in its length. */
export function foldText(original: string): Folded {
  const from: number[] = [];
  const to: number[] = [];
  let text = '';
  let i = 0;
  while (i < original.length) {
    const start = i;
    const cp = original.codePointAt(i) ?? 0;
    i += cp > 0xffff ? 2 : 1;
    // A base character and the combining marks after it fold together ("e" + "◌́" → "e").
    while (i < original.length && isMark(original.codePointAt(i) ?? 0))
      i += (original.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
    const cluster = original.slice(start, i);
    const folded = cp < ASCII_LIMIT && i - start === 1 ? cluster : foldCluster(cluster);
    for (let k = 0; k < folded.length; k++) {
      from.push(start);
      to.push(i);
    }
    text += folded;
  }
  return { text, from, to };
}

/** The stretch of the original text behind folded characters [start, end). */
export function originalSpan(folded: Folded, start: number, end: number): { start: number; end: number } {
  return { start: folded.from[start] ?? 0, end: folded.to[end - 1] ?? 0 };
}
