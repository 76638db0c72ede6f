/**
 * Paragraph layout for the rights cards (card-pdf.ts draws what this lays out): Unicode bidi
 * levels (bidi-js; digit groups isolated left to right in right-to-left text), line breaks at
 * UAX #14 opportunities (linebreak; Korean only between words), runs of one font and one
 * level shaped by fontkit and put in visual order (UAX #9 rule L2), mirrored characters swapped.
 */
import { createRequire } from 'node:module';
import {
  type FaceFont,
  type Family,
  type FkGlyph,
  type FkPosition,
  type FontFile,
  familiesFor,
  fontBook,
  type Weight,
} from './fonts.js';

const require = createRequire(import.meta.url);

// ---- third-party modules without types: the parts used here ----
interface BidiLevels {
  levels: Uint8Array;
  paragraphs: Array<{ start: number; end: number; level: number }>;
}
interface Bidi {
  getEmbeddingLevels(text: string, direction?: 'ltr' | 'rtl'): BidiLevels;
  getMirroredCharactersMap(
    text: string,
    levels: BidiLevels,
    start?: number,
    end?: number,
  ): Map<number, string>;
}
const bidi = (require('bidi-js') as () => Bidi)();

interface LineBreakerCtor {
  new (text: string): { nextBreak(): { position: number; required: boolean } | null };
}
const LineBreaker = require('linebreak') as LineBreakerCtor;

/** A piece of a line: one font, one bidi level, shaped; widths in em (multiply by the size). */
export interface Run {
  start: number;
  end: number;
  level: number;
  face: FaceFont;
  glyphs: FkGlyph[];
  positions: FkPosition[];
  width: number;
}
export interface Line {
  /** Runs in visual order, left to right. */
  runs: Run[];
  width: number;
  text: string;
  rtl: boolean;
}
export interface Paragraph {
  /** The text laid out (NFC, spaces collapsed); runs' start and end index into it. */
  text: string;
  lines: Line[];
  size: number;
}

function shape(text: string, face: FaceFont, rtl: boolean): Pick<Run, 'glyphs' | 'positions' | 'width'> {
  // `ccmp` splits letters into pieces: Noto Sans Arabic draws dotted letters as a dotless
  // skeleton shared by several letters plus dot glyphs (ف and ق share one), Noto Sans draws
  // Vietnamese ị as i plus a dot. A PDF maps each glyph to text, so pieces cannot say which
  // letter they are; without ccmp the fonts' precomposed glyphs are used, which look the same.
  const features = { ccmp: false };
  const run = face.font.layout(text, features, undefined, undefined, rtl ? 'rtl' : 'ltr');
  const upem = face.font.unitsPerEm;
  let width = 0;
  for (const p of run.positions) width += p.xAdvance;
  return { glyphs: run.glyphs, positions: run.positions, width: width / upem };
}

/** The font file of every UTF-16 index of `text` (a surrogate pair's second half repeats the first). */
function filesOf(text: string, families: Family[]): FontFile[] {
  const files: FontFile[] = [];
  let previous: FontFile | undefined;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    // Letters take their script's font; spaces, digits, punctuation and marks keep their neighbour's.
    const sticky = !/\p{L}/u.test(ch);
    const file = fontBook.pick(cp, families, previous, !sticky);
    if (!file) throw new Error(`no font has a glyph for U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
    for (let i = 0; i < ch.length; i++) files.push(file);
    previous = file;
  }
  return files;
}

function clean(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/[ \t\r\n]+/g, ' ')
    .trim();
}

/** Loads (once per process) every font file and weight the texts need, before any layout. */
export async function loadFontsFor(
  texts: Array<{ text: string; language: string; weight: Weight }>,
): Promise<void> {
  const wanted = new Map<string, { file: FontFile; weight: Weight }>();
  for (const { text, language, weight } of texts) {
    for (const file of filesOf(clean(text), familiesFor(language)))
      wanted.set(`${file.path}@${weight}`, { file, weight });
  }
  await Promise.all([...wanted.values()].map(({ file, weight }) => fontBook.load(file, weight)));
}

interface Prepared {
  text: string;
  levels: BidiLevels;
  faces: FaceFont[];
  breaks: number[];
}

/**
 * Phone numbers and other digit groups with separators: in right-to-left text the bidi
 * algorithm reads "555-0100" after Arabic letters as Arabic numbers split by a neutral "-",
 * and shows "0100-555". Such a group is an isolate read left to right (as a writer would mark
 * it with LRI…PDI); the marks are only used to compute the levels and are not drawn.
 */
const NUMBER_GROUP = /[+(]?\d[\d ().\-\u2010\u2011\u2013]*\d\)?/g;

function bidiLevels(text: string, direction: 'ltr' | 'rtl'): BidiLevels {
  if (direction === 'ltr') return bidi.getEmbeddingLevels(text, direction);
  let isolated = '';
  const at: number[] = []; // index in `isolated` of each index of `text`
  let last = 0;
  const copy = (to: number) => {
    for (let i = last; i < to; i++) {
      at.push(isolated.length);
      isolated += text[i];
    }
    last = to;
  };
  for (const m of text.matchAll(NUMBER_GROUP)) {
    copy(m.index);
    isolated += '\u2066';
    copy(m.index + m[0].length);
    isolated += '\u2069';
  }
  copy(text.length);
  const result = bidi.getEmbeddingLevels(isolated, direction);
  const levels = new Uint8Array(text.length);
  for (const [i, j] of at.entries()) levels[i] = result.levels[j] ?? 1;
  return { levels, paragraphs: [{ start: 0, end: text.length - 1, level: 1 }] };
}

function prepare(raw: string, direction: 'ltr' | 'rtl', language: string, weight: Weight): Prepared {
  const text = clean(raw);
  const levels = bidiLevels(text, direction);
  const faces = filesOf(text, familiesFor(language)).map((file) => fontBook.face(file, weight));
  const breaker = new LineBreaker(text);
  const breaks: number[] = [];
  for (let bk = breaker.nextBreak(); bk; bk = breaker.nextBreak()) {
    // Korean is set between words (keep-all), as Korean readers expect.
    if (language === 'ko' && bk.position < text.length && text[bk.position - 1] !== ' ') continue;
    breaks.push(bk.position);
  }
  return { text, levels, faces, breaks };
}

/** Cuts [start, end) into runs of one font and one level, shaped, in logical order. */
function runsOf(p: Prepared, start: number, end: number, mirror: Map<number, string>): Run[] {
  const runs: Run[] = [];
  let i = start;
  while (i < end) {
    const face = p.faces[i] as FaceFont;
    const level = p.levels.levels[i] ?? 0;
    let j = i + 1;
    while (j < end && p.faces[j] === face && p.levels.levels[j] === level) j++;
    let piece = '';
    for (let k = i; k < j; k++) piece += mirror.get(k) ?? p.text[k];
    runs.push({ start: i, end: j, level, face, ...shape(piece, face, level % 2 === 1) });
    i = j;
  }
  return runs;
}

/** UAX #9 rule L2 on whole runs: from the highest level down to the lowest odd one, reverse. */
function visualOrder(runs: Run[]): Run[] {
  const out = [...runs];
  if (out.length === 0) return out;
  const max = Math.max(...out.map((r) => r.level));
  const minOdd = Math.min(...out.map((r) => (r.level % 2 === 1 ? r.level : r.level + 1)));
  for (let level = max; level >= minOdd; level--) {
    for (let i = 0; i < out.length; ) {
      if ((out[i] as Run).level < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < out.length && (out[j] as Run).level >= level) j++;
      const reversed = out.slice(i, j).reverse();
      out.splice(i, j - i, ...reversed);
      i = j;
    }
  }
  return out;
}

function measure(p: Prepared, start: number, end: number): number {
  let width = 0;
  for (const run of runsOf(p, start, end, new Map())) width += run.width;
  return width;
}

/** Trailing spaces do not count at the end of a line. */
function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && text[e - 1] === ' ') e--;
  return e;
}

/**
 * Breaks a paragraph into lines no wider than `maxWidth` at `size`; null when one unbreakable
 * piece is wider than that.
 */
export function layoutParagraph(
  raw: string,
  options: { direction: 'ltr' | 'rtl'; language: string; weight: Weight; size: number; maxWidth: number },
): Paragraph | null {
  const p = prepare(raw, options.direction, options.language, options.weight);
  const limit = options.maxWidth / options.size;
  const lines: Line[] = [];
  let lineStart = 0;
  let lineEnd = 0; // the last break that fits
  let lineWidth = 0;
  let segStart = 0;
  const flush = (end: number) => {
    const e = trimEnd(p.text, lineStart, end);
    if (e > lineStart) {
      const mirror = bidi.getMirroredCharactersMap(p.text, p.levels, lineStart, e - 1);
      const runs = visualOrder(runsOf(p, lineStart, e, mirror));
      lines.push({
        runs,
        width: runs.reduce((w, r) => w + r.width, 0),
        text: p.text.slice(lineStart, e),
        rtl: runs.some((r) => r.level % 2 === 1),
      });
    }
    lineStart = end;
    lineWidth = 0;
  };
  for (const brk of p.breaks) {
    const segWidth = measure(p, segStart, brk);
    const visible = measure(p, segStart, trimEnd(p.text, segStart, brk));
    if (lineWidth + visible > limit && lineEnd > lineStart) {
      flush(lineEnd);
    }
    if (lineStart === segStart && visible > limit) return null;
    lineWidth += segWidth;
    lineEnd = brk;
    segStart = brk;
  }
  if (lineEnd > lineStart) flush(lineEnd);
  return { text: p.text, lines, size: options.size };
}

/** The paragraph direction of a text standing alone (a title), by its first strong character. */
export function directionOf(text: string): 'ltr' | 'rtl' {
  return (bidi.getEmbeddingLevels(text).paragraphs[0]?.level ?? 0) % 2 === 1 ? 'rtl' : 'ltr';
}
