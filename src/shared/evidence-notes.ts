/**
 * Observer notes: what a legal observer writes while their partner films,
 * kept as one evidence item of kind `note` (text/plain, UTF-8). Each entry
 * the observer adds is one slice of that item, sent at once: the time the
 * phone wrote it (its own clock, with its UTC offset) on the first line, then
 * the text, then a blank line. The original is therefore a plain text file a
 * lawyer can read without Faro, each entry sealed and chained as it arrived,
 * so a note cut short by a seized phone verifies up to its last entry.
 * Shared by the responder app (which writes entries) and the legal page and
 * the server (which read them).
 */

/** The most one note holds; the phone starts a new note before an entry would pass it. */
export const NOTE_MAX_BYTES = 1024 ** 2;
/** The most one entry (a line or a short paragraph, with its time) holds. */
export const NOTE_ENTRY_MAX_BYTES = 16 * 1024;
/**
 * What may be typed into one entry, in UTF-16 units: each is at most 3 bytes of UTF-8 (a pair
 * of them, 4), so an entry of this many and its time stay under NOTE_ENTRY_MAX_BYTES.
 */
export const NOTE_ENTRY_MAX_CHARS = 4000;

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Whether a character may be in a note: text, tabs and line ends — no other control character. */
export const isNoteCharacter = (code: number): boolean =>
  code === TAB || code === LINE_FEED || code === CARRIAGE_RETURN || (code >= 0x20 && code !== 0x7f);

const pad = (value: number, width = 2) => String(Math.abs(value)).padStart(width, '0');

/** A time as the phone's clock reads it, to the millisecond, with its offset: 2026-03-02T14:03:12.345-08:00. */
export function localIsoTime(at: Date): string {
  const offset = -at.getTimezoneOffset();
  return (
    `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}` +
    `T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}` +
    `${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
  );
}

/** An entry's text as it is kept: line ends as \n, no other control character, no trailing space. */
export const cleanNoteText = (text: string): string =>
  [...text.replace(/\r\n?/g, '\n')]
    .filter((character) => isNoteCharacter(character.codePointAt(0) ?? 0))
    .join('')
    .trimEnd();

/** One entry as the phone sends it: its time on the first line, its text, a blank line. */
export const noteEntry = (writtenAt: Date, text: string): string =>
  `${localIsoTime(writtenAt)}\n${cleanNoteText(text)}\n\n`;

const TIME_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d))\n/;

/**
 * An entry read back: the time the phone wrote it (null when the first line is not one — a
 * note sent by another client) and its text.
 */
export function readNoteEntry(entry: string): { writtenAt: string | null; text: string } {
  const time = TIME_LINE.exec(entry);
  if (!time?.[1] || Number.isNaN(Date.parse(time[1]))) return { writtenAt: null, text: entry.trimEnd() };
  return { writtenAt: time[1], text: entry.slice(time[0].length).trimEnd() };
}
