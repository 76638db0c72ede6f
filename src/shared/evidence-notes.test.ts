import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cleanNoteText,
  isNoteCharacter,
  localIsoTime,
  NOTE_ENTRY_MAX_BYTES,
  NOTE_ENTRY_MAX_CHARS,
  noteEntry,
  readNoteEntry,
} from './evidence-notes.js';

describe('an observer’s note entry', () => {
  it('carries the phone’s time to the millisecond, with its offset, on its first line', () => {
    const at = new Date(2026, 2, 2, 14, 3, 12, 345);
    const entry = noteEntry(at, '14:03:12 Two agents at the door');
    expect(entry).toMatch(/^2026-03-02T14:03:12\.345[+-]\d\d:\d\d\n14:03:12 Two agents at the door\n\n$/);
    expect(Date.parse(localIsoTime(at))).toBe(at.getTime());
  });

  it('reads back as the time and the text it was written with, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        (at, text) => {
          const read = readNoteEntry(noteEntry(at, text));
          expect(read.writtenAt && Date.parse(read.writtenAt)).toBe(at.getTime());
          expect(read.text).toBe(cleanNoteText(text));
        },
      ),
    );
  });

  it('keeps line ends as \\n and drops every other control character', () => {
    expect(cleanNoteText('one\r\ntwo\rthree\u0000\u0007\tfour\u007f  \n')).toBe('one\ntwo\nthree\tfour');
    for (const character of cleanNoteText(String.fromCharCode(...Array.from({ length: 160 }, (_, i) => i))))
      expect(isNoteCharacter(character.codePointAt(0) ?? 0)).toBe(true);
  });

  it('is text from another client when its first line is not a time', () => {
    expect(readNoteEntry('no time here\nsecond line\n\n')).toEqual({
      writtenAt: null,
      text: 'no time here\nsecond line',
    });
  });

  it('stays under the entry limit at the most that may be typed', () => {
    const widest = '😀'.repeat(NOTE_ENTRY_MAX_CHARS / 2);
    expect(Buffer.byteLength(noteEntry(new Date(), widest))).toBeLessThanOrEqual(NOTE_ENTRY_MAX_BYTES);
    const threeBytes = 'ङ'.repeat(NOTE_ENTRY_MAX_CHARS);
    expect(Buffer.byteLength(noteEntry(new Date(), threeBytes))).toBeLessThanOrEqual(NOTE_ENTRY_MAX_BYTES);
  });
});
