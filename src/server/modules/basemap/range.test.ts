import { describe, expect, it } from 'vitest';
import { answerRange } from './range.js';

const ETAG = '"abc"';
const answer = (headers: Parameters<typeof answerRange>[0], size = 1000) => answerRange(headers, size, ETAG);

describe('range requests', () => {
  it('sends the asked-for bytes, clamped to the file', () => {
    expect(answer({ range: 'bytes=0-16383' })).toEqual({ kind: 'partial', start: 0, end: 999 });
    expect(answer({ range: 'bytes=100-199' })).toEqual({ kind: 'partial', start: 100, end: 199 });
    expect(answer({ range: 'bytes=990-' })).toEqual({ kind: 'partial', start: 990, end: 999 });
    expect(answer({ range: 'bytes=-10' })).toEqual({ kind: 'partial', start: 990, end: 999 });
    expect(answer({ range: 'bytes=-5000' })).toEqual({ kind: 'partial', start: 0, end: 999 });
    expect(answer({ range: 'bytes=999-999' })).toEqual({ kind: 'partial', start: 999, end: 999 });
  });

  it('refuses a range that starts past the end', () => {
    expect(answer({ range: 'bytes=1000-1100' })).toEqual({ kind: 'unsatisfiable' });
    expect(answer({ range: 'bytes=5000-' })).toEqual({ kind: 'unsatisfiable' });
    expect(answer({ range: 'bytes=-0' })).toEqual({ kind: 'unsatisfiable' });
  });

  it('sends the whole file for no range, several ranges, another unit or nonsense', () => {
    for (const range of [undefined, '', 'bytes=0-1,5-6', 'items=0-1', 'bytes=5-2', 'bytes=-', 'bytes=a-b'])
      expect(answer({ range }), String(range)).toEqual({ kind: 'whole' });
  });

  it('keeps the range only if If-Range names this very file', () => {
    expect(answer({ range: 'bytes=0-9', 'if-range': ETAG })).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(answer({ range: 'bytes=0-9', 'if-range': '"old"' })).toEqual({ kind: 'whole' });
    expect(answer({ range: 'bytes=0-9', 'if-range': 'Tue, 01 Jan 2030 00:00:00 GMT' })).toEqual({
      kind: 'whole',
    });
  });

  it('says "not modified" to a client that holds this file', () => {
    expect(answer({ 'if-none-match': ETAG, range: 'bytes=0-9' })).toEqual({ kind: 'unchanged' });
    expect(answer({ 'if-none-match': `"x", W/${ETAG}` })).toEqual({ kind: 'unchanged' });
    expect(answer({ 'if-none-match': '"old"', range: 'bytes=0-9' })).toEqual({
      kind: 'partial',
      start: 0,
      end: 9,
    });
  });
});
