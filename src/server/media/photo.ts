import type { Metadata } from 'sharp';

/**
 * The one rule for a photo a person other than its owner will look at — a
 * report's photo, an evidence photo's working copy: decoded and written anew
 * as a JPEG of its pixels only, upright, small enough for a phone. Whoever
 * calls it keeps its own table and its own seal; the rule lives here once.
 */

/** Photos larger than this many pixels are refused before decoding (decompression bombs). */
export const MAX_INPUT_PIXELS = 50_000_000;
/** Copies fit in this square: enough to see vans and uniforms, small on a phone's data plan. */
export const MAX_SIDE = 1600;
/**
 * The formats a photo is decoded from: a phone's camera (JPEG, HEIF/AVIF), a screenshot (PNG), a
 * browser's (WebP, GIF), a scanner's (TIFF). Not vector or document formats (SVG, PDF), which
 * draw through other libraries and have nothing a camera makes.
 */
const CAMERA_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'heif', 'tiff']);

/** Why a photo could not be re-encoded. */
export type UnreadableReason =
  /** A format this build cannot decode (an iPhone's HEIC: sharp's prebuilt libvips has no HEVC decoder). */
  | 'format'
  /** More pixels than MAX_INPUT_PIXELS. */
  | 'too_large'
  /** Not a picture at all, or a damaged one. */
  | 'damaged';

export class UnreadablePhoto extends Error {
  constructor(readonly reason: UnreadableReason) {
    super(`unreadable photo: ${reason}`);
  }
}

export interface ReencodedPhoto {
  data: Buffer;
  width: number;
  height: number;
  contentType: 'image/jpeg';
}

/**
 * Decodes and re-encodes a photo as a new JPEG: pixels only. EXIF (with GPS
 * position, camera serial, time), XMP, IPTC, comments and thumbnails are not
 * carried over — sharp writes no metadata unless asked to — and the picture
 * is turned upright first, since its orientation tag goes too. Throws
 * UnreadablePhoto, saying why, when it cannot.
 */
export async function reencodePhoto(input: Uint8Array): Promise<ReencodedPhoto> {
  const sharp = await loadSharp();
  // The header first (no pixels decoded): what it is and how large, before any decoding work.
  let header: Metadata;
  try {
    header = await sharp(input).metadata();
  } catch {
    throw new UnreadablePhoto('damaged');
  }
  if (!CAMERA_FORMATS.has(header.format ?? '')) throw new UnreadablePhoto('format');
  if ((header.width ?? 0) * (header.height ?? 0) > MAX_INPUT_PIXELS) throw new UnreadablePhoto('too_large');
  try {
    const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, contentType: 'image/jpeg' };
  } catch {
    // A HEIF whose pixels are HEVC: its header reads, its decoder is not in this build.
    throw new UnreadablePhoto(
      header.format === 'heif' && header.compression === 'hevc' && !(await decodesHevc())
        ? 'format'
        : 'damaged',
    );
  }
}

/** Whether this sharp build decodes HEVC-coded HEIF (a libvips built with libde265 names `.heic`). */
export const decodesHevc = async () =>
  ((await loadSharp()).format.heif?.input.fileSuffix ?? []).some(
    (suffix) => suffix === '.heic' || suffix === '.heif',
  );

/** sharp (libvips) loads with the first photo, not when the server starts: most processes never see one. */
const loadSharp = async () => (await import('sharp')).default;
