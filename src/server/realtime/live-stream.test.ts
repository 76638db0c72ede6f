import { afterEach, describe, expect, it, vi } from 'vitest';
import { serializeOnce } from './live-stream.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('serializeOnce', () => {
  it('writes JSON as JSON.stringify does, once per object however many streams it goes to', () => {
    const data = {
      type: 'incident.updated',
      incident: { id: 'a', title: 'Línea 1\nsegunda', reports: [1, 2] },
    };
    const expected = JSON.stringify(data);
    const stringify = vi.spyOn(JSON, 'stringify');
    const texts = Array.from({ length: 1000 }, () => serializeOnce(data));
    expect(new Set(texts)).toEqual(new Set([expected]));
    expect(stringify).toHaveBeenCalledTimes(1);
    // Another object, even with equal content, is its own event: written again.
    expect(serializeOnce({ ...data })).toBe(expected);
    expect(stringify).toHaveBeenCalledTimes(2);
    // Values that are not objects are written each time (nothing to remember them by).
    expect(serializeOnce('text')).toBe('"text"');
    expect(serializeOnce(null)).toBe('null');
  });
});
