import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Box,
  type CardContent,
  cardFaces,
  renderCardsPdf,
} from '../../src/server/modules/rights/card-pdf.js';
import { CARDS } from '../support/rights-cards.js';

/**
 * Issue 17: "the PDF of a card in Chinese, Korean and Arabic rendered to PNG shows non-blank
 * glyphs". poppler (pdftoppm, Debian's poppler-utils, installed by .ci/run for this tier) draws
 * the sheet as a printer would; inside every face the text area must hold ink, the Arabic
 * card's ink must lean right (right-aligned lines), and pdffonts must list every font as
 * embedded. The rendered Letter sheet is kept as docs/images/rights-card-sheet.png.
 */
const run = promisify(execFile);
const DPI = 100;
const PX = DPI / 72;
const MM = 72 / 25.4;
const ROOT = path.resolve(import.meta.dirname, '../..');

const missing = ['pdftoppm', 'pdffonts'].filter((tool) => spawnSync(tool, ['-v']).error);

interface Raster {
  data: Buffer;
  width: number;
  channels: number;
}

/** Dark pixels (luminance under 110 of 255) in a box of the page given in points. */
function ink(page: Raster, box: Box): number {
  let dark = 0;
  const [x0, y0] = [Math.round(box.x * PX), Math.round(box.y * PX)];
  const [x1, y1] = [Math.round((box.x + box.width) * PX), Math.round((box.y + box.height) * PX)];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * page.width + x) * page.channels;
      const lum =
        0.299 * (page.data[i] ?? 255) + 0.587 * (page.data[i + 1] ?? 255) + 0.114 * (page.data[i + 2] ?? 255);
      if (lum < 110) dark++;
    }
  }
  return dark;
}

/** The text area of a face: inside its red border. */
const inside = (face: Box): Box => ({
  x: face.x + 4 * MM,
  y: face.y + 4 * MM,
  width: face.width - 8 * MM,
  height: face.height - 8 * MM,
});

describe('rights cards PDF, drawn by poppler', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faro-cards-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function render(pdf: Buffer, name: string): Promise<{ file: string; page: Raster }> {
    const pdfPath = path.join(dir, `${name}.pdf`);
    await writeFile(pdfPath, pdf);
    await run('pdftoppm', [
      '-r',
      String(DPI),
      '-png',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      pdfPath,
      path.join(dir, name),
    ]);
    const file = path.join(dir, `${name}.png`);
    const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { file, page: { data, width: info.width, channels: info.channels } };
  }

  it('draws Chinese, Korean, Arabic and Vietnamese glyphs on every face, Arabic flush right', async () => {
    expect(missing, 'install poppler-utils (pdftoppm, pdffonts) for this tier').toEqual([]);
    const cards: CardContent[] = [CARDS.zh, CARDS.ko, CARDS.ar, CARDS.vi];
    const pdf = await renderCardsPdf({
      paper: 'letter',
      title: 'Know your rights · 了解您的权利 · 권리 · اعرف حقوقك',
      cards,
    });
    const { file, page } = await render(pdf, 'sheet');
    expect(page.width).toBe(Math.round(8.5 * DPI));

    for (const [row, card] of cards.entries()) {
      const faces = cardFaces('letter', row, card.direction);
      for (const side of ['front', 'back'] as const) {
        const area = inside(faces[side]);
        const dark = ink(page, area);
        const share = dark / (area.width * PX * area.height * PX);
        // Text covers a few per cent of a face; an empty face or missing glyphs give ~0.
        expect(share, `${card.language} ${side}: ${dark} dark pixels`).toBeGreaterThan(0.02);
      }
    }
    // Right-aligned Arabic: more ink in the right third of the front than in its left third.
    const arFront = inside(cardFaces('letter', 2, 'rtl').front);
    const third = arFront.width / 3;
    const leftInk = ink(page, { ...arFront, width: third });
    const rightInk = ink(page, { ...arFront, x: arFront.x + 2 * third, width: third });
    expect(rightInk).toBeGreaterThan(2 * leftInk);
    // …and the reverse for the Vietnamese card, which reads left to right.
    const viFront = inside(cardFaces('letter', 3, 'ltr').front);
    expect(ink(page, { ...viFront, width: third })).toBeGreaterThan(
      2 * ink(page, { ...viFront, x: viFront.x + 2 * third, width: third }),
    );

    const { stdout } = await run('pdffonts', [path.join(dir, 'sheet.pdf')]);
    const rows = stdout.trim().split('\n').slice(2);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const row of rows)
      expect(row, row).toMatch(/^[A-Z]{6}\+NotoSans\S*\s+CID TrueType\s+Identity-H\s+yes yes yes/);

    await mkdir(path.join(ROOT, 'docs', 'images'), { recursive: true });
    await writeFile(path.join(ROOT, 'docs', 'images', 'rights-card-sheet.png'), await readFile(file));
  });

  it('prints an A4 sheet of five cards that poppler draws at A4 size', async () => {
    expect(missing, 'install poppler-utils (pdftoppm, pdffonts) for this tier').toEqual([]);
    const cards = [CARDS.en, CARDS.es, CARDS.zh, CARDS.ko, CARDS.ar];
    const { page } = await render(await renderCardsPdf({ paper: 'a4', title: 'Rights cards', cards }), 'a4');
    expect(page.width).toBe(Math.round((210 / 25.4) * DPI));
    for (const [row, card] of cards.entries()) {
      const { front } = cardFaces('a4', row, card.direction);
      expect(ink(page, inside(front)), card.language).toBeGreaterThan(500);
    }
  });
});
