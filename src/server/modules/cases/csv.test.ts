import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument } from './csv.js';

describe('csvCell', () => {
  it('keeps what a spreadsheet would run as a formula as text', () => {
    for (const hostile of ['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x","y")'])
      expect(csvCell(hostile).replace(/^"/, '').startsWith("'"), JSON.stringify(hostile)).toBe(true);
    expect(csvCell('Rosa')).toBe('Rosa');
  });

  it('sees a formula behind leading spaces, a line feed or full-width signs (a name typed into an anonymous plan lands here)', () => {
    // Some spreadsheets drop leading blanks before reading a cell; full-width ＝ and ＋ are read as
    // = and + by spreadsheets set up for East Asian input.
    for (const hostile of [' =1+1', '\u00a0=1+1', '  @SUM(A1)', '\n=1+1', '＝1+1', '＋1', '－1', '＠SUM(A1)'])
      expect(csvCell(hostile).replace(/^"/, '').startsWith("'"), JSON.stringify(hostile)).toBe(true);
    expect(csvCell('Rosa - Ana')).toBe('Rosa - Ana');
    expect(csvCell('ana@example.org')).toBe('ana@example.org');
  });

  it('quotes commas, quotes and line ends', () => {
    expect(csvCell('García, María')).toBe('"García, María"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell(null)).toBe('');
    expect(
      csvDocument([
        ['a', 1],
        ['=b', null],
      ]),
    ).toBe('a,1\r\n"\'=b",\r\n');
  });
});
