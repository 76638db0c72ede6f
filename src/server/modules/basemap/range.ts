/*
 * HTTP range requests (RFC 9110 §14) for one file of known size and strong ETag: what to send.
 * A map reads a PMTiles archive a few kilobytes at a time, so one range per request is what
 * matters; a request for several is answered with the whole file, as the RFC allows.
 */

export type RangeAnswer =
  /** 200 with the whole file. */
  | { kind: 'whole' }
  /** 206 with bytes start…end (inclusive). */
  | { kind: 'partial'; start: number; end: number }
  /** 416: the range starts past the end. */
  | { kind: 'unsatisfiable' }
  /** 304: the client holds this file already (If-None-Match). */
  | { kind: 'unchanged' };

const listed = (header: string, etag: string) =>
  header
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || tag.replace(/^W\//, '') === etag);

/** What to answer a GET for a file of `size` bytes whose strong ETag is `etag`. */
export function answerRange(
  headers: {
    range?: string | undefined;
    'if-range'?: string | undefined;
    'if-none-match'?: string | undefined;
  },
  size: number,
  etag: string,
): RangeAnswer {
  if (headers['if-none-match'] && listed(headers['if-none-match'], etag)) return { kind: 'unchanged' };
  const range = headers.range?.trim();
  if (!range) return { kind: 'whole' };
  // If-Range: the range holds only for this very file (a strong match); a date never matches (no Last-Modified).
  const ifRange = headers['if-range']?.trim();
  if (ifRange !== undefined && ifRange !== etag) return { kind: 'whole' };
  const spec = /^bytes=(\d*)-(\d*)$/i.exec(range.replace(/\s+/g, ''));
  if (!spec) return { kind: 'whole' }; // another unit, several ranges, or nonsense: ignored
  const [, first = '', last = ''] = spec;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffix = Number(last);
    return suffix === 0
      ? { kind: 'unsatisfiable' }
      : { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'whole' }; // not a valid range: ignored
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
