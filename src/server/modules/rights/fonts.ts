/**
 * Fonts for the printable rights cards (see card-pdf.ts).
 *
 * The fonts come from npm: Fontsource's variable Noto Sans packages (Latin + Vietnamese,
 * Arabic, Simplified Chinese, Korean; SIL Open Font License). Fontsource ships WOFF2 files
 * split by Unicode range, the way a browser loads them; a PDF needs one font per file, so a
 * character is drawn with the file whose `unicode-range` (read from the package's own
 * `wght.css`) holds it and whose cmap really has a glyph for it. Each file is turned into a
 * static TrueType font at the weight wanted (the CJK files default to Thin, 100) by harfbuzz
 * (subset-font); fontkit shapes with it and pdfkit embeds a TrueType subset of it holding only
 * the glyphs a document uses.
 *
 * Files are read lazily, once per process, and kept: a card sheet touches a handful of them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The part of fontkit's glyph this module reads. */
export interface FkGlyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
}
export interface FkPosition {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
}
export interface FkRun {
  glyphs: FkGlyph[];
  positions: FkPosition[];
}
/** The part of a fontkit font this module uses. */
export interface FkFont {
  unitsPerEm: number;
  hasGlyphForCodePoint(codePoint: number): boolean;
  layout(
    text: string,
    features?: string[] | Record<string, boolean>,
    script?: string,
    language?: string,
    direction?: 'ltr' | 'rtl',
  ): FkRun;
}

const fontkit = require('fontkit') as { create(data: Uint8Array): FkFont };

export type Family = 'latin' | 'arabic' | 'sc' | 'kr';
export type Weight = 400 | 700;

const PACKAGES: Record<Family, string> = {
  latin: '@fontsource-variable/noto-sans',
  arabic: '@fontsource-variable/noto-sans-arabic',
  sc: '@fontsource-variable/noto-sans-sc',
  kr: '@fontsource-variable/noto-sans-kr',
};

export interface FontFile {
  family: Family;
  path: string;
  ranges: Array<[number, number]>;
}

/** A font ready to draw with: one Fontsource file at one weight. `key` names it in a PDF. */
export interface FaceFont {
  key: string;
  family: Family;
  font: FkFont;
}

/** Reads `@font-face` rules (normal style) of a Fontsource `wght.css`: file and unicode-range. */
export function parseFontsourceCss(css: string, baseDir: string, family: Family): FontFile[] {
  const files: FontFile[] = [];
  for (const block of css.split('@font-face').slice(1)) {
    if (!/font-style:\s*normal/.test(block)) continue;
    const url = /url\(\.?\/?([^)]+\.woff2)\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
    if (!url || !range) continue;
    const ranges: Array<[number, number]> = [];
    for (const part of range.split(',')) {
      const m = /U\+([0-9a-f?]+)(?:-([0-9a-f]+))?/i.exec(part.trim());
      if (!m?.[1]) continue;
      if (m[1].includes('?')) {
        ranges.push([
          Number.parseInt(m[1].replaceAll('?', '0'), 16),
          Number.parseInt(m[1].replaceAll('?', 'f'), 16),
        ]);
      } else {
        const lo = Number.parseInt(m[1], 16);
        ranges.push([lo, m[2] ? Number.parseInt(m[2], 16) : lo]);
      }
    }
    files.push({ family, path: join(baseDir, url), ranges });
  }
  return files;
}

type SubsetFont = (
  font: Buffer,
  text: string | null,
  options: { targetFormat: 'sfnt'; keepAllGlyphs: boolean; variationAxes: Record<string, number> },
) => Promise<Buffer>;
const subsetFont = require('subset-font') as SubsetFont;

class FontBook {
  private files = new Map<Family, FontFile[]>();
  /** The WOFF2 files as fontkit reads them: enough for the cmap (which characters a file has). */
  private coverage = new Map<string, FkFont>();
  private instances = new Map<string, FaceFont>();
  private loading = new Map<string, Promise<FaceFont>>();

  private filesOf(family: Family): FontFile[] {
    let files = this.files.get(family);
    if (!files) {
      const cssPath = require.resolve(`${PACKAGES[family]}/wght.css`);
      files = parseFontsourceCss(readFileSync(cssPath, 'utf8'), dirname(cssPath), family);
      if (files.length === 0) throw new Error(`no font files found in ${PACKAGES[family]}`);
      this.files.set(family, files);
    }
    return files;
  }

  private has(file: FontFile, codePoint: number): boolean {
    let font = this.coverage.get(file.path);
    if (!font) {
      font = fontkit.create(readFileSync(file.path));
      this.coverage.set(file.path, font);
    }
    return font.hasGlyphForCodePoint(codePoint);
  }

  /**
   * The file to draw `codePoint` from: `prefer` (the neighbour's file) when it has the glyph
   * (with `sameFamilyOnly`, only when it is of the family chosen), else the first file, by
   * family order, whose unicode-range covers it and that has the glyph.
   */
  pick(codePoint: number, families: Family[], prefer?: FontFile, sameFamilyOnly = false): FontFile | null {
    if (prefer && !sameFamilyOnly && this.has(prefer, codePoint)) return prefer;
    for (const family of families) {
      for (const file of this.filesOf(family)) {
        if (!file.ranges.some(([lo, hi]) => codePoint >= lo && codePoint <= hi)) continue;
        if (!this.has(file, codePoint)) continue;
        // A letter stays in its neighbour's file when that file is of the same family and has it.
        if (prefer && prefer.family === file.family && this.has(prefer, codePoint)) return prefer;
        return file;
      }
    }
    return null;
  }

  /**
   * Makes `file` at `weight` ready for face(): fontkit cannot instance a variable WOFF2 (its
   * getVariation expects plain sfnt tables), so harfbuzz (subset-font) decompresses it and pins
   * the weight axis, keeping every glyph and character; fontkit then reads the static TrueType.
   */
  load(file: FontFile, weight: Weight): Promise<FaceFont> {
    const key = `${file.path}@${weight}`;
    let loading = this.loading.get(key);
    if (!loading) {
      loading = (async () => {
        const ttf = await subsetFont(readFileSync(file.path), null, {
          targetFormat: 'sfnt',
          keepAllGlyphs: true,
          variationAxes: { wght: weight },
        });
        const name = file.path.slice(file.path.lastIndexOf('/') + 1).replace(/\.woff2$/, '');
        const face = { key: `${name}@${weight}`, family: file.family, font: fontkit.create(ttf) };
        this.instances.set(key, face);
        return face;
      })();
      loading.catch(() => this.loading.delete(key));
      this.loading.set(key, loading);
    }
    return loading;
  }

  /** A face made ready by load(). */
  face(file: FontFile, weight: Weight): FaceFont {
    const face = this.instances.get(`${file.path}@${weight}`);
    if (!face) throw new Error(`font ${file.path} at ${weight} was not loaded`);
    return face;
  }
}

/** One per process: parsed CSS and decoded fonts are reused by every PDF. */
export const fontBook = new FontBook();

/** Which font families a card in `language` tries first (its own script's font leads). */
export function familiesFor(language: string): Family[] {
  switch (language) {
    case 'ar':
      return ['arabic', 'latin', 'sc', 'kr'];
    case 'zh':
      return ['sc', 'latin', 'kr', 'arabic'];
    case 'ko':
      return ['kr', 'latin', 'sc', 'arabic'];
    default:
      return ['latin', 'arabic', 'sc', 'kr'];
  }
}
