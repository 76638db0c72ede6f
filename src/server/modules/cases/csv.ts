/**
 * CSV for the legal team's spreadsheets (RFC 4180), safe to open: a cell a spreadsheet would read
 * as a formula (starting with = + - @, a tab or a carriage return) is prefixed with an apostrophe,
 * so a name typed as `=HYPERLINK(…)` stays text (OWASP, "CSV injection").
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows of cells as one CSV document, CRLF line ends. */
export function csvDocument(
  rows: readonly (readonly (string | number | boolean | null | undefined)[])[],
): string {
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
