import { describe, expect, it } from 'vitest';
import type { EvidenceItem } from '../../../shared/evidence.js';
import { bundleSummary, exactBytes, fileSize, mediaLength, shortHash } from './facts.js';

const item = (overrides: Partial<EvidenceItem>): EvidenceItem => ({
  id: '00000000-0000-4000-8000-000000000001',
  incidentId: '00000000-0000-4000-8000-000000000002',
  kind: 'video',
  source: 'recording',
  contentType: 'video/webm',
  state: 'complete',
  bytes: 1000,
  chunks: 1,
  durationMs: 1000,
  sha256: 'a'.repeat(64),
  chain: 'b'.repeat(64),
  deviceStartedAt: null,
  receivedAt: '2026-11-29T10:00:00.000Z',
  lastReceivedAt: '2026-11-29T10:00:00.000Z',
  completedAt: '2026-11-29T10:00:01.000Z',
  retainUntil: '2027-02-27T10:00:00.000Z',
  held: false,
  deleted: false,
  mine: false,
  ...overrides,
});

describe('an evidence item’s facts as read', () => {
  it('gives a recording’s length as a clock does, and none when there is none', () => {
    expect(mediaLength(null)).toBeNull();
    expect(mediaLength(0)).toBe('0:00');
    expect(mediaLength(42_400)).toBe('0:42');
    expect(mediaLength(42_600)).toBe('0:43');
    expect(mediaLength(12 * 60_000 + 5_000)).toBe('12:05');
    expect(mediaLength(3_600_000 + 2 * 60_000 + 9_000)).toBe('1:02:09');
  });

  it('gives sizes in the reader’s language, with the exact count beside', () => {
    expect(fileSize(900, 'en')).toBe('900 bytes');
    expect(fileSize(900, 'es')).toBe('900 bytes');
    expect(fileSize(3.5 * 1024, 'en')).toBe('3.5 kB');
    expect(fileSize(12 * 1024 ** 2 + 300_000, 'en')).toBe('12 MB');
    expect(fileSize(1.4 * 1024 ** 3, 'en')).toBe('1.4 GB');
    expect(fileSize(1.4 * 1024 ** 3, 'es')).toBe('1,4 GB');
    expect(exactBytes(1_234_567, 'en')).toBe('1,234,567');
    expect(exactBytes(1_234_567, 'es')).toBe('1.234.567');
  });

  it('shortens a SHA-256 to its first 12 digits', () => {
    expect(shortHash('0123456789abcdef'.repeat(4))).toBe('0123456789ab');
  });

  it('says what a bundle holds: the originals kept, and what is deleted or unfinished', () => {
    expect(bundleSummary([])).toEqual({ items: 0, bytes: 0, withoutOriginal: 0, unfinished: 0 });
    expect(
      bundleSummary([
        item({ bytes: 1_000 }),
        item({ bytes: 2_000, state: 'receiving', sha256: null }),
        item({ bytes: 4_000, state: 'partial', sha256: null }),
        // Deleted at the end of its retention: its facts say how large it was, the bundle has no file.
        item({ bytes: 8_000, deleted: true }),
        item({ bytes: 0, chunks: 0, state: 'partial', sha256: null }),
      ]),
    ).toEqual({ items: 5, bytes: 7_000, withoutOriginal: 2, unfinished: 3 });
  });
});
