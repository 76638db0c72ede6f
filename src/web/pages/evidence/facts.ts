import type { EvidenceItem } from '../../../shared/evidence.js';
import type { Language } from '../../../shared/report-fields.js';

/**
 * An evidence item's facts as people read them, on the board and on the
 * legal page: a recording's length, a file's size, a hash short enough for a
 * row, and what a bundle of some items holds.
 */

/** "0:42", "12:05", "1:02:09"; null for what has no length (a photo, notes, a recording not finished). */
export function mediaLength(ms: number | null): string | null {
  if (ms === null) return null;
  const total = Math.round(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

const UNITS = [
  ['gigabyte', 1024 ** 3],
  ['megabyte', 1024 ** 2],
  ['kilobyte', 1024],
] as const;

/** "1.4 GB", "12 MB", "3.5 kB", "900 bytes" in the reader's language (a decimal below 10). */
export function fileSize(bytes: number, language: Language): string {
  const [unit, size] = UNITS.find(([, size]) => bytes >= size) ?? ['byte', 1];
  const value = bytes / size;
  return new Intl.NumberFormat(language, {
    style: 'unit',
    unit,
    unitDisplay: unit === 'byte' ? 'long' : 'short',
    maximumFractionDigits: value < 10 && unit !== 'byte' ? 1 : 0,
  }).format(value);
}

/** The exact count, for a title: "1,234,567 bytes" is what a lawyer compares with a file. */
export const exactBytes = (bytes: number, language: Language) =>
  new Intl.NumberFormat(language).format(bytes);

/** The first 12 hex digits of a SHA-256: enough to tell files apart in a list, with the whole one a click away. */
export const shortHash = (sha256: string) => sha256.slice(0, 12);

/** What a bundle of these items will hold: how many, the originals' size, and what the reader should know first. */
export interface BundleSummary {
  items: number;
  /** The originals' bytes as the server holds them now (the manifests and signature add a little). */
  bytes: number;
  /** Items whose original was deleted at the end of its retention: in the bundle with facts and custody, no file. */
  withoutOriginal: number;
  /** Items still arriving or stopped before their end: in the bundle as far as they go. */
  unfinished: number;
}

export function bundleSummary(items: readonly EvidenceItem[]): BundleSummary {
  return items.reduce<BundleSummary>(
    (sum, item) => ({
      items: sum.items + 1,
      bytes: sum.bytes + (item.deleted ? 0 : item.bytes),
      withoutOriginal: sum.withoutOriginal + (item.deleted || item.chunks === 0 ? 1 : 0),
      unfinished: sum.unfinished + (!item.deleted && item.state !== 'complete' ? 1 : 0),
    }),
    { items: 0, bytes: 0, withoutOriginal: 0, unfinished: 0 },
  );
}
