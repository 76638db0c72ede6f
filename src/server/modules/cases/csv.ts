/**
 * What a spreadsheet may read as a formula: = + - @ (or their full-width forms, which spreadsheets
 * set up for East Asian input read as them), also behind leading blanks, which some drop first; or a
 * tab, carriage return or line feed first.
 */
const FORMULA = /^(?:[\s\u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]|[\t\r\n])/;

/**
 * CSV for the legal team's spreadsheets (RFC 4180), safe to open: a cell a spreadsheet would read
 * as a formula is prefixed with an apostrophe, so a name typed as `=HYPERLINK(…)` stays text
 * (OWASP, "CSV injection") — a name can come from an anonymous emergency plan.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows of cells as one CSV document, CRLF line ends. */
export function csvDocument(
  rows: readonly (readonly (string | number | boolean | null | undefined)[])[],
): string {
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
