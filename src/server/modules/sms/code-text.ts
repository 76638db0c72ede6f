import { RECEIPT_ALPHABET } from '../../../shared/receipt.js';
import type { Language } from '../../../shared/report-fields.js';

/**
 * A code and a PIN texted from any phone after a keyword (`PLAN <code> <PIN>`, `STATUS <code> <PIN>`):
 * read one way for every such keyword, forgiving what people add around them.
 */

/** Words people put around the code and the PIN ("PLAN: code ABCDE-FGHJK PIN 1234 por favor"). */
const FILLERS = new Set([
  'pin',
  'code',
  'codigo',
  'clave',
  'plan',
  'case',
  'caso',
  'my',
  'mi',
  'el',
  'please',
  'por',
  'favor',
  'porfavor',
  'es',
  'is',
]);
const fold = (word: string) => word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
/** Symbols of the receipt alphabet only (look-alikes read as what they look like), `length` of them. */
const symbolsOf = (word: string, length: number) => {
  const symbols = word.replace(/-/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  return symbols.length === length && [...symbols].every((ch) => RECEIPT_ALPHABET.includes(ch));
};
/** Whether the words hold something shaped like a code: one word of ten symbols, or two of five. */
const holdsCode = (words: string[]) =>
  words.some((word, i) => symbolsOf(word, 10) || (symbolsOf(word, 5) && symbolsOf(words[i + 1] ?? '', 5)));

export type CodeText =
  | { code: string; pin: string; language: Language | null }
  | { malformed: true; language: Language | null };

/**
 * `<keyword> <code> <PIN>`: the code typed as one group or two (a dash or a space inside it), the
 * words people add around it forgiven. `keywords` maps each keyword (folded: no accents, lower
 * case) to the language it says the sender speaks, or null. `malformed` when the text starts with
 * a keyword and holds something code-shaped but no code and PIN can be read: it may hold a PIN, so
 * it is answered with the format and never kept as a report. Null otherwise — a report that starts
 * with the word stays a report.
 */
export function parseCodeText(body: string, keywords: Record<string, Language | null>): CodeText | null {
  const words = body
    .trim()
    .replace(/[.!?]+$/, '')
    .split(/[\s,;:]+/)
    .filter(Boolean);
  const keyword = fold(words[0] ?? '');
  if (!Object.hasOwn(keywords, keyword)) return null;
  const language = keywords[keyword] ?? null;
  const rest = words.slice(1).filter((word) => !FILLERS.has(fold(word)));
  if (!holdsCode(rest)) return null;
  const pin = rest.at(-1) ?? '';
  const code = rest.slice(0, -1).join(' ');
  const symbols = code.replace(/[\s-]/g, '');
  if (!/^\d{4,12}$/.test(pin) || !/^[A-Za-z0-9]{8,12}$/.test(symbols)) return { malformed: true, language };
  return { code, pin, language };
}
