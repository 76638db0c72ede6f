import { describe, expect, it } from 'vitest';
import {
  CARD_HEIGHT_MM,
  CARD_WIDTH_MM,
  type CardContent,
  CardTextTooLongError,
  cardsPerPage,
  MIN_SIZE,
  renderCardsPdf,
} from '../src/server/modules/rights/card-pdf.js';
import { layoutParagraph, loadFontsFor } from '../src/server/modules/rights/card-text.js';
import { CARDS, HOTLINE, readPdf, searchable } from './support/rights-cards.js';

/**
 * The printable rights cards' PDF, read back with pdf.js: the text of every script comes out
 * as written (Arabic in logical order), every font is embedded, the paper is the one asked
 * for, many cards make many pages, and text too long for a card is refused, not cut.
 */

const MM = 72 / 25.4;
const TESTED = ['en', 'es', 'zh', 'ko', 'ar', 'vi'] as const;

/** The fonts a page draws with, as pdf.js loaded them. */
async function fontsOf(pdf: Buffer): Promise<Array<{ name: string; missingFile: boolean }>> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  const fonts = new Map<string, { name: string; missingFile: boolean }>();
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const ops = await page.getOperatorList();
    for (const [i, fn] of ops.fnArray.entries()) {
      if (fn !== pdfjs.OPS.setFont) continue;
      const id = (ops.argsArray[i] as [string])[0];
      const font = page.commonObjs.get(id) as { name: string; missingFile: boolean };
      fonts.set(id, { name: font.name, missingFile: Boolean(font.missingFile) });
    }
  }
  await doc.destroy();
  return [...fonts.values()];
}

describe('rights cards PDF', () => {
  it('gives back each language’s sentences as written, Arabic in logical order, with every font embedded', async () => {
    const pdf = await renderCardsPdf({
      paper: 'letter',
      title: 'Know your rights',
      cards: TESTED.slice(0, 4).map((l) => CARDS[l]),
    });
    const pdf2 = await renderCardsPdf({ paper: 'letter', title: 'اعرف حقوقك', cards: [CARDS.ar, CARDS.vi] });
    const pages = [...(await readPdf(pdf)), ...(await readPdf(pdf2))];
    const all = pages.map((p) => p.text).join('\n');
    for (const language of TESTED) {
      const text = searchable(all, language);
      for (const sentence of [...CARDS[language].front.lines, CARDS[language].front.heading]) {
        expect(text, `${language}: ${sentence}`).toContain(searchable(sentence, language));
      }
    }
    // The sentences pdf.js gives back for Arabic are in reading order, not mirrored.
    const arabic = searchable(all, 'ar');
    expect(arabic).toContain('لدي الحق في التزام الصمت.');
    expect(arabic).not.toContain([...'لدي الحق في التزام الصمت.'].reverse().join(''));
    // A phone number in Arabic text stays a number read left to right, after the words before it.
    expect(arabic).toMatch(new RegExp(`اتصل بالخط الساخن: ?${HOTLINE}`));
    expect(arabic).not.toContain('0100-555');

    for (const font of [...(await fontsOf(pdf)), ...(await fontsOf(pdf2))]) {
      expect(font.missingFile, `${font.name} is embedded`).toBe(false);
      expect(font.name).toMatch(/^[A-Z]{6}\+Noto/); // a subset (tagged name) of a Noto font
    }
  });

  it('orders an Arabic line for the eye: words right to left, a phone number left to right', async () => {
    const line = CARDS.ar.back.lines[0] as string; // "Call the hotline: 555-0100."
    await loadFontsFor([{ text: line, language: 'ar', weight: 400 }]);
    const laid = layoutParagraph(line, {
      direction: 'rtl',
      language: 'ar',
      weight: 400,
      size: 9,
      maxWidth: 500,
    });
    if (!laid) throw new Error('did not fit');
    expect(laid.lines).toHaveLength(1);
    const reverse = (s: string) => [...s].reverse().join('');
    // What the eye meets from left to right: the full stop, the number as written, the words reversed.
    const visual = (laid.lines[0]?.runs ?? [])
      .map((run) => {
        const piece = laid.text.slice(run.start, run.end);
        return run.level % 2 === 1 ? reverse(piece) : piece;
      })
      .join('');
    expect(visual).toBe(`.${HOTLINE}${reverse('اتصل بالخط الساخن: ')}`);
    // and the words were shaped right to left: the run's first glyph is the last letter (ن of
    // الساخن), its last glyph the first letter (ا of اتصل).
    const words = laid.lines[0]?.runs.find((run) => run.level === 1 && run.end - run.start > 5);
    expect(words?.glyphs[0]?.codePoints).toEqual(['ن'.codePointAt(0)]);
    expect(words?.glyphs.at(-1)?.codePoints).toEqual(['ا'.codePointAt(0)]);
  });

  it('lays an Arabic card out right to left: the front on the right, lines flush right', async () => {
    const pdf = await renderCardsPdf({ paper: 'a4', title: '', cards: [CARDS.ar, CARDS.en] });
    const [page] = await readPdf(pdf);
    if (!page) throw new Error('no page');
    const middle = page.width / 2;
    const frontLines = CARDS.ar.front.lines.map((l) => l.slice(0, 6));
    const arabicFront = page.items.filter((i) => frontLines.some((l) => searchable(i.str, 'ar').includes(l)));
    expect(arabicFront.length).toBeGreaterThanOrEqual(3);
    const rightEdges = arabicFront.map((i) => i.x + i.width);
    for (const item of arabicFront) expect(item.x).toBeGreaterThan(middle); // front = right-hand face
    expect(Math.max(...rightEdges) - Math.min(...rightEdges)).toBeLessThan(1); // flush right
    const lefts = arabicFront.map((i) => i.x);
    expect(Math.max(...lefts) - Math.min(...lefts)).toBeGreaterThan(5); // ragged left
    // The English card below it reads left to right: its front is the left-hand face.
    const english = page.items.find((i) => i.str.includes('I have the right'));
    expect(english?.x).toBeLessThan(middle);
  });

  it('makes Letter and A4 pages of their own size, and as many as the cards need', async () => {
    const ten = Object.values(CARDS);
    expect(ten).toHaveLength(10);
    for (const [paper, size, perPage] of [
      ['letter', [612, 792], 4],
      ['a4', [595.28, 841.89], 5],
    ] as const) {
      expect(cardsPerPage(paper)).toBe(perPage);
      const pages = await readPdf(await renderCardsPdf({ paper, title: 'Rights cards', cards: ten }));
      expect(pages).toHaveLength(Math.ceil(10 / perPage));
      for (const [n, page] of pages.entries()) {
        expect(page.width).toBeCloseTo(size[0], 1);
        expect(page.height).toBeCloseTo(size[1], 1);
        // Each page holds its own cards, in order, and only those.
        for (const [i, card] of ten.entries()) {
          const onThisPage = Math.floor(i / perPage) === n;
          const text = searchable(page.text, card.language);
          expect(
            text.includes(searchable(card.front.heading, card.language)),
            `${paper} p${n + 1} ${card.language}`,
          ).toBe(onThisPage);
        }
      }
    }
  });

  it('draws wallet-size cards: a card of 85.6 × 54 mm fits its text on a face that size', async () => {
    const [page] = await readPdf(await renderCardsPdf({ paper: 'letter', title: '', cards: [CARDS.en] }));
    if (!page) throw new Error('no page');
    const heading = page.items.find((i) => i.str.includes('Know your rights'));
    const footer = page.items.find((i) => i.str.includes('This is not legal advice'));
    if (!heading || !footer) throw new Error('text missing');
    expect(CARD_WIDTH_MM).toBe(85.6);
    expect(CARD_HEIGHT_MM).toBe(54);
    // The back's footer sits on the back face: one card width to the right of the front's heading.
    expect(footer.x - heading.x).toBeCloseTo(CARD_WIDTH_MM * MM, 0);
    expect(heading.y - footer.y).toBeLessThan(CARD_HEIGHT_MM * MM);
  });

  it('shrinks text that is a little long, and refuses text too long for a card instead of cutting it', async () => {
    const longer: CardContent = {
      ...CARDS.en,
      front: {
        ...CARDS.en.front,
        lines: [
          ...CARDS.en.front.lines,
          'I do not answer questions about where I was born or how I came to this country.',
          'I want to speak with a lawyer before I sign anything.',
          'Slide the warrant under the door or hold it up to the window.',
        ],
      },
    };
    const pages = await readPdf(
      await renderCardsPdf({ paper: 'letter', title: '', cards: [CARDS.en, longer] }),
    );
    const bodies = (pages[0]?.items ?? []).filter((i) => i.str.startsWith('I have the right'));
    expect(bodies).toHaveLength(2);
    const [normal, shrunk] = bodies.sort((a, b) => b.y - a.y) as [(typeof bodies)[0], (typeof bodies)[0]];
    expect(normal.size).toBeCloseTo(9, 1);
    expect(shrunk.size).toBeLessThan(9);
    expect(shrunk.size).toBeGreaterThanOrEqual(MIN_SIZE);
    expect(searchable(pages[0]?.text ?? '', 'en')).toContain(
      'I want to speak with a lawyer before I sign anything.',
    );

    const tooLong: CardContent = {
      ...CARDS.es,
      back: { ...CARDS.es.back, lines: Array.from({ length: 8 }, () => CARDS.es.back.lines.join(' ')) },
    };
    const refused = renderCardsPdf({ paper: 'a4', title: '', cards: [CARDS.en, tooLong] });
    await expect(refused).rejects.toBeInstanceOf(CardTextTooLongError);
    await expect(refused).rejects.toMatchObject({ language: 'es', face: 'back' });
    await expect(refused).rejects.toThrow(/back of the "es" rights card .* shorten it/);
    // One word longer than a card is wide cannot be broken: refused too.
    const oneWord: CardContent = { ...CARDS.en, front: { heading: 'X'.repeat(80), lines: [] } };
    await expect(renderCardsPdf({ paper: 'a4', title: '', cards: [oneWord] })).rejects.toMatchObject({
      face: 'front',
    });
  });
});
