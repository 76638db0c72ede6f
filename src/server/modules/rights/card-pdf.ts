/**
 * The PDF of printable know-your-rights "red cards" (issue 17).
 *
 * Layout: each card is a wallet-size pair of faces (85.6 × 54 mm each, a credit card), front
 * ("what to say") and back ("what to do") side by side with a dashed fold line between them,
 * one card per row, rows stacked down the sheet with crop marks in the margins (4 rows on
 * Letter, 5 on A4). Cut along the marks, fold on the dashed line: the card is two layers
 * thick and front and back can never be out of register. We chose folding over duplex
 * (fronts on one page, mirrored backs on the next) because community groups print on
 * whatever printer the library or the office has: many print one side only, and duplex
 * printers shift the back side by a few millimetres, which on a 54 mm card cuts text off.
 * For a right-to-left card the whole card is mirrored: the front is the right-hand face,
 * text is right-aligned and lines read right to left.
 *
 * Text (laid out by card-text.ts): every character is drawn with an embedded, subset Noto Sans
 * font from npm (see fonts.ts). Each paragraph gets Unicode bidi levels (bidi-js, the paragraph direction is the
 * card's), is broken into lines at UAX #14 opportunities (linebreak; Korean only between
 * words), and every line is cut into runs of one font and one level; runs are shaped by fontkit
 * (Arabic joining forms, ligatures, marks) in their own direction and placed in visual order
 * (UAX #9 rule L2), mirrored characters swapped. Text extraction must give the logical
 * order, so for each line:
 *  - runs are written to the content stream in logical order, each at its visual position,
 *    and a right-to-left run's glyphs in visual order: pdf.js (Firefox, the tests) reads each
 *    run as one chunk and runs its own bidi over it, which gives back the logical text;
 *    every glyph maps (ToUnicode) to the one text it stands for: shaping without `ccmp`
 *    keeps letters whole, and a glyph drawn for two different texts gets two codes;
 *  - a line that holds right-to-left text is wrapped in a `/Span` marked-content sequence
 *    with `/ActualText` (the logical line) and `/Lang`, which poppler (pdftotext) and Acrobat
 *    read instead of the glyphs.
 *
 * Fit: text starts at 9 pt and is shrunk in 0.25 pt steps down to 6.5 pt (the footer at 0.85
 * of that); a card whose text does not fit at 6.5 pt is refused with CardTextTooLongError,
 * never cut.
 */
import { createRequire } from 'node:module';
import {
  directionOf,
  type Line,
  layoutParagraph,
  loadFontsFor,
  type Paragraph,
  type Run,
} from './card-text.js';
import type { FaceFont, FkGlyph } from './fonts.js';

const require = createRequire(import.meta.url);

export type CardLanguage = 'en' | 'es' | 'zh' | 'vi' | 'ko' | 'tl' | 'ar' | 'ht' | 'pt' | 'fr';

export interface CardFace {
  heading: string;
  lines: string[];
}
export interface CardContent {
  language: CardLanguage;
  direction: 'ltr' | 'rtl';
  /** What to say. */
  front: CardFace;
  /** What to do. */
  back: CardFace;
  /** The "This is not legal advice." line and the hotline, in the card's language (drawn on the back). */
  footer: string;
}
export interface CardSheetInput {
  paper: 'letter' | 'a4';
  cards: CardContent[];
  /** Printed above the cards on every page and set as the PDF's title. */
  title: string;
}

/** A card whose text does not fit on its face even at the smallest size we print. */
export class CardTextTooLongError extends Error {
  constructor(
    readonly language: CardLanguage,
    readonly face: 'front' | 'back',
  ) {
    super(
      `The ${face} of the "${language}" rights card has more text than fits on a wallet card at ${MIN_SIZE} pt; shorten it.`,
    );
    this.name = 'CardTextTooLongError';
  }
}

// ---- geometry (PDF points) ----
const MM = 72 / 25.4;
export const CARD_WIDTH_MM = 85.6;
export const CARD_HEIGHT_MM = 54;
const CARD_W = CARD_WIDTH_MM * MM;
const CARD_H = CARD_HEIGHT_MM * MM;
export const PAPER_SIZES: Record<CardSheetInput['paper'], [number, number]> = {
  letter: [612, 792],
  a4: [595.28, 841.89],
};
/** Smallest page margin above and below the grid (room for crop marks and the title). */
const MIN_MARGIN = 12 * MM;
const BORDER_INSET = 2 * MM;
const PADDING = 4.5 * MM;
const MAX_SIZE = 9;
export const MIN_SIZE = 6.5;
const SIZE_STEP = 0.25;
const LINE_HEIGHT = 1.32;
const HEADING_SCALE = 1.2;
const FOOTER_SCALE = 0.85;
const RED = '#b3001b';

/** Rows of cards on one page of this paper. */
export function cardsPerPage(paper: CardSheetInput['paper']): number {
  const [, h] = PAPER_SIZES[paper];
  return Math.floor((h - 2 * MIN_MARGIN) / CARD_H);
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where the grid of cards starts on a page: left and top edges, in points from the top left. */
function gridOrigin(paper: CardSheetInput['paper']): { left: number; top: number } {
  const [w, h] = PAPER_SIZES[paper];
  return { left: (w - 2 * CARD_W) / 2, top: (h - cardsPerPage(paper) * CARD_H) / 2 };
}

/**
 * The two faces of the card in `row` of a page (points from the page's top-left corner): the
 * front on the left, or on the right for a right-to-left card.
 */
export function cardFaces(
  paper: CardSheetInput['paper'],
  row: number,
  direction: 'ltr' | 'rtl',
): { front: Box; back: Box } {
  const { left, top } = gridOrigin(paper);
  const y = top + row * CARD_H;
  const [frontX, backX] = direction === 'rtl' ? [left + CARD_W, left] : [left, left + CARD_W];
  return {
    front: { x: frontX, y, width: CARD_W, height: CARD_H },
    back: { x: backX, y, width: CARD_W, height: CARD_H },
  };
}

// ---- pdfkit (no types): the parts used here ----
interface PdfEmbeddedFont {
  id: string;
  font: unknown;
  scale: number;
  subset: { includeGlyph(id: number): number };
  widths: Array<number | undefined>;
  unicode: Array<number[] | undefined>;
  ref(): unknown;
}
interface PdfDoc {
  page: { width: number; height: number; fonts: Record<string, unknown> };
  _font: PdfEmbeddedFont;
  addPage(options: { size: [number, number]; margin: number }): PdfDoc;
  font(src: unknown, family: string): PdfDoc;
  addContent(data: string): PdfDoc;
  save(): PdfDoc;
  restore(): PdfDoc;
  transform(a: number, b: number, c: number, d: number, e: number, f: number): PdfDoc;
  fillColor(color: string): PdfDoc;
  strokeColor(color: string): PdfDoc;
  lineWidth(width: number): PdfDoc;
  dash(length: number, options?: { space: number }): PdfDoc;
  undash(): PdfDoc;
  moveTo(x: number, y: number): PdfDoc;
  lineTo(x: number, y: number): PdfDoc;
  roundedRect(x: number, y: number, w: number, h: number, r: number): PdfDoc;
  stroke(): PdfDoc;
  on(event: 'data', listener: (chunk: Buffer) => void): void;
  on(event: 'end', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  end(): void;
}
const PDFDocument = require('pdfkit') as new (options: Record<string, unknown>) => PdfDoc;

// ---- faces ----

interface Block {
  paragraph: Paragraph;
  color: string;
  /** Space before the block, in points. */
  gapBefore: number;
}
interface FaceLayout {
  blocks: Block[];
  footer: Block | null;
}

const CONTENT_W = CARD_W - 2 * PADDING;
const CONTENT_H = CARD_H - 2 * PADDING;

function blockHeight(b: Block): number {
  return b.gapBefore + b.paragraph.lines.length * b.paragraph.size * LINE_HEIGHT;
}

function layoutFace(
  face: CardFace,
  footer: string | null,
  card: CardContent,
  size: number,
): FaceLayout | null {
  const common = { direction: card.direction, language: card.language, maxWidth: CONTENT_W };
  const blocks: Block[] = [];
  const heading = layoutParagraph(face.heading, { ...common, weight: 700, size: size * HEADING_SCALE });
  if (!heading) return null;
  blocks.push({ paragraph: heading, color: RED, gapBefore: 0 });
  for (const [i, line] of face.lines.entries()) {
    const paragraph = layoutParagraph(line, { ...common, weight: 400, size });
    if (!paragraph) return null;
    blocks.push({ paragraph, color: '#000000', gapBefore: (i === 0 ? 0.45 : 0.3) * size });
  }
  let footerBlock: Block | null = null;
  if (footer) {
    const paragraph = layoutParagraph(footer, { ...common, weight: 400, size: size * FOOTER_SCALE });
    if (!paragraph) return null;
    footerBlock = { paragraph, color: '#333333', gapBefore: 0.5 * size };
  }
  const height = [...blocks, ...(footerBlock ? [footerBlock] : [])].reduce((h, b) => h + blockHeight(b), 0);
  return height <= CONTENT_H ? { blocks, footer: footerBlock } : null;
}

/** The largest size (9 pt down to 6.5 pt) at which both faces fit; throws when none does. */
export function fitCard(card: CardContent): { size: number; front: FaceLayout; back: FaceLayout } {
  let frontFits = false;
  for (let size = MAX_SIZE; size >= MIN_SIZE - 1e-9; size -= SIZE_STEP) {
    const front = layoutFace(card.front, null, card, size);
    if (front) frontFits = true;
    const back = layoutFace(card.back, card.footer, card, size);
    if (front && back) return { size, front, back };
  }
  throw new CardTextTooLongError(card.language, frontFits ? 'back' : 'front');
}

// ---- drawing ----

const num = (n: number) => (Math.round(n * 1000) / 1000).toString();

function selectFont(doc: PdfDoc, face: FaceFont): PdfEmbeddedFont {
  doc.font(face.font, face.key);
  const ef = doc._font;
  // pdfkit reuses a font it thinks equal; two Fontsource files of one family must stay two fonts.
  if (ef.font !== face.font) throw new Error(`pdfkit merged font ${face.key} with another`);
  if (doc.page.fonts[ef.id] == null) doc.page.fonts[ef.id] = ef.ref();
  return ef;
}

interface PdfSubset {
  glyphs: number[];
  includeGlyph(id: number): number;
}
/** Per embedded font: the code (CID) of each glyph id + text it stands for. */
const codesOf = new WeakMap<PdfEmbeddedFont, Map<string, number>>();

/**
 * The code to draw `glyph` with. A code maps to one text (ToUnicode); when one glyph stands for
 * different texts (a shared shape), each text gets its own code for a copy of the glyph.
 */
function codeFor(ef: PdfEmbeddedFont, glyph: FkGlyph, text: number[], unitScale: number): number {
  let codes = codesOf.get(ef);
  if (!codes) {
    codes = new Map();
    codesOf.set(ef, codes);
  }
  const key = `${glyph.id}:${text.join(',')}`;
  let code = codes.get(key);
  if (code === undefined) {
    const subset = ef.subset as PdfSubset;
    code = subset.includeGlyph(glyph.id);
    const mapped = ef.unicode[code];
    if (mapped && mapped.join(',') !== text.join(',')) {
      subset.glyphs.push(glyph.id);
      code = subset.glyphs.length - 1;
    }
    ef.unicode[code] = text;
    ef.widths[code] = glyph.advanceWidth * unitScale;
    codes.set(key, code);
  }
  return code;
}

/**
 * Writes one shaped run with its baseline at (x, y) in top-down page coordinates: one text
 * position, then glyphs with TJ spacing (mark offsets as spacing and text rise), so that a
 * text extractor sees the run as one piece.
 */
function drawRun(doc: PdfDoc, run: Run, x: number, y: number, size: number): void {
  const ef = selectFont(doc, run.face);
  const unitScale = 1000 / run.face.font.unitsPerEm; // font units → PDF glyph space (1/1000 em)
  const baseY = doc.page.height - y;
  doc.save();
  doc.transform(1, 0, 0, -1, 0, doc.page.height);
  doc.addContent('BT');
  doc.addContent(`/${ef.id} ${num(size)} Tf`);
  doc.addContent(`1 0 0 1 ${num(x)} ${num(baseY)} Tm`);
  let pending: string[] = [];
  const flush = () => {
    if (pending.length) doc.addContent(`[${pending.join(' ')}] TJ`);
    pending = [];
  };
  for (const [i, pos] of run.positions.entries()) {
    const glyph = run.glyphs[i] as FkGlyph;
    const code = `<${codeFor(ef, glyph, glyph.codePoints, unitScale).toString(16).padStart(4, '0')}>`;
    const dx = pos.xOffset * unitScale;
    const rise = pos.yOffset * (size / run.face.font.unitsPerEm);
    if (rise) {
      flush();
      doc.addContent(`${num(rise)} Ts`);
    }
    if (dx) pending.push(num(-dx));
    pending.push(code);
    const adjust = (pos.xAdvance - glyph.advanceWidth) * unitScale - dx;
    if (adjust) pending.push(num(-adjust));
    if (rise) {
      flush();
      doc.addContent('0 Ts');
    }
  }
  flush();
  doc.addContent('ET');
  doc.restore();
}

/** A PDF text string (UTF-16BE with a byte order mark) as a hex string. */
function pdfText(text: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

/** Draws a line starting at `left` (width already laid out) with its baseline at `y`. */
function drawLine(doc: PdfDoc, line: Line, left: number, y: number, size: number, language: string): void {
  // Visual x of every run, then written in logical order (see the header).
  const placed: Array<{ run: Run; x: number }> = [];
  let x = left;
  for (const run of line.runs) {
    placed.push({ run, x });
    x += run.width * size;
  }
  placed.sort((a, b) => a.run.start - b.run.start);
  // pdfkit's markContent() writes a non-ASCII /ActualText as UTF-8 bytes of its UTF-16 form
  // (garbage to a reader); written here as hex strings, which are ASCII.
  if (line.rtl) doc.addContent(`/Span <</Lang ${pdfText(language)} /ActualText ${pdfText(line.text)}>> BDC`);
  for (const { run, x: rx } of placed) drawRun(doc, run, rx, y, size);
  if (line.rtl) doc.addContent('EMC');
}

function drawParagraph(
  doc: PdfDoc,
  paragraph: Paragraph,
  box: { left: number; width: number },
  top: number,
  direction: 'ltr' | 'rtl',
  language: string,
  color: string,
): number {
  const size = paragraph.size;
  let y = top;
  doc.fillColor(color);
  for (const line of paragraph.lines) {
    const baseline = y + size * 1.02;
    const left = direction === 'rtl' ? box.left + box.width - line.width * size : box.left;
    drawLine(doc, line, left, baseline, size, language);
    y += size * LINE_HEIGHT;
  }
  return y;
}

function drawFace(doc: PdfDoc, layout: FaceLayout, card: CardContent, x: number, y: number): void {
  doc.save();
  doc.lineWidth(0.8).strokeColor(RED);
  doc.roundedRect(
    x + BORDER_INSET,
    y + BORDER_INSET,
    CARD_W - 2 * BORDER_INSET,
    CARD_H - 2 * BORDER_INSET,
    2 * MM,
  );
  doc.stroke();
  doc.restore();
  const box = { left: x + PADDING, width: CONTENT_W };
  let top = y + PADDING;
  for (const block of layout.blocks) {
    top = drawParagraph(
      doc,
      block.paragraph,
      box,
      top + block.gapBefore,
      card.direction,
      card.language,
      block.color,
    );
  }
  if (layout.footer) {
    const f = layout.footer;
    const height = f.paragraph.lines.length * f.paragraph.size * LINE_HEIGHT;
    drawParagraph(
      doc,
      f.paragraph,
      box,
      y + CARD_H - PADDING - height,
      card.direction,
      card.language,
      f.color,
    );
  }
}

function cropMarks(doc: PdfDoc, left: number, top: number, rows: number): void {
  const gap = 1.5 * MM;
  const len = 5 * MM;
  const bottom = top + rows * CARD_H;
  const right = left + 2 * CARD_W;
  doc.save();
  doc.lineWidth(0.4).strokeColor('#000000');
  for (const x of [left, right]) {
    doc.moveTo(x, top - gap).lineTo(x, top - gap - len);
    doc.moveTo(x, bottom + gap).lineTo(x, bottom + gap + len);
  }
  for (let r = 0; r <= rows; r++) {
    const y = top + r * CARD_H;
    doc.moveTo(left - gap, y).lineTo(left - gap - len, y);
    doc.moveTo(right + gap, y).lineTo(right + gap + len, y);
  }
  doc.stroke();
  // The fold line: dashed, between the two faces of every card.
  const mid = left + CARD_W;
  doc.dash(2, { space: 2 }).strokeColor('#777777');
  doc.moveTo(mid, top - gap).lineTo(mid, top - gap - len);
  doc.moveTo(mid, bottom + gap).lineTo(mid, bottom + gap + len);
  for (let r = 0; r < rows; r++) {
    const y = top + r * CARD_H;
    doc.moveTo(mid, y + BORDER_INSET).lineTo(mid, y + CARD_H - BORDER_INSET);
  }
  doc.stroke();
  doc.undash();
  doc.restore();
}

const LANGUAGE_TAGS: Record<CardLanguage, string> = {
  en: 'en',
  es: 'es',
  zh: 'zh-Hans',
  vi: 'vi',
  ko: 'ko',
  tl: 'tl',
  ar: 'ar',
  ht: 'ht',
  pt: 'pt',
  fr: 'fr',
};

/**
 * The PDF: `cards` in order, one per row, as many pages as needed. Rejects with
 * CardTextTooLongError when a card's text cannot fit, naming the card and the face.
 */
export async function renderCardsPdf(input: CardSheetInput): Promise<Buffer> {
  if (input.cards.length === 0) throw new Error('no cards to print');
  const firstLanguage = input.cards[0]?.language ?? 'en';
  await loadFontsFor([
    { text: input.title, language: firstLanguage, weight: 700 },
    ...input.cards.flatMap((c) => [
      { text: c.front.heading, language: c.language, weight: 700 as const },
      { text: c.back.heading, language: c.language, weight: 700 as const },
      ...[...c.front.lines, ...c.back.lines, c.footer].map((text) => ({
        text,
        language: c.language,
        weight: 400 as const,
      })),
    ]),
  ]);
  // Lay every card out first: a refusal comes before any byte is written.
  const fitted = input.cards.map((card) => ({ card, ...fitCard(card) }));
  const [pageW, pageH] = PAPER_SIZES[input.paper];
  const rowsPerPage = cardsPerPage(input.paper);
  const titleDir = directionOf(input.title);
  const title = input.title.trim()
    ? layoutParagraph(input.title, {
        direction: titleDir,
        language: firstLanguage,
        weight: 700,
        size: 9,
        maxWidth: 2 * CARD_W,
      })
    : null;

  const doc = new PDFDocument({
    autoFirstPage: false,
    font: null,
    compress: true,
    lang: LANGUAGE_TAGS[input.cards[0]?.language ?? 'en'],
    displayTitle: true,
    info: { Title: input.title, Creator: 'Faro', Producer: 'Faro' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  for (let first = 0; first < fitted.length; first += rowsPerPage) {
    const page = fitted.slice(first, first + rowsPerPage);
    doc.addPage({ size: [pageW, pageH], margin: 0 });
    const { left, top } = gridOrigin(input.paper);
    if (title) {
      const height = title.lines.length * title.size * LINE_HEIGHT;
      drawParagraph(
        doc,
        title,
        { left, width: 2 * CARD_W },
        top - 8 * MM - height,
        titleDir,
        'und',
        '#000000',
      );
    }
    cropMarks(doc, left, top, page.length);
    for (const [row, { card, front, back }] of page.entries()) {
      const faces = cardFaces(input.paper, row, card.direction);
      drawFace(doc, front, card, faces.front.x, faces.front.y);
      drawFace(doc, back, card, faces.back.x, faces.back.y);
    }
  }
  doc.end();
  return done;
}
