import { type Folded, originalSpan } from './fold.js';
import { alnumAt, type Hit, type Token } from './tokens.js';
import { TLDS } from './words.js';

/**
 * Phone numbers, e-mail addresses and links, found by scanning the folded
 * text once (no backtracking patterns).
 */

const isDigit = (code: number) => code >= 48 && code <= 57;
/** What people put between the digits of a phone number: "(323) 555-0147", "323.555.0147", "3 2 3 5…". */
const PHONE_SEPARATORS = new Set([' ', '\t', '(', ')', '.', '-', '/', '_']);
/**
 * Marks that also separate numbers in ordinary text ("12, 15, 20", "10:45"):
 * between the groups of a phone number only when every group reads as one
 * ("323,555,0147", "323|555|0147", a number split over lines).
 */
const WEAK_SEPARATORS = new Set([',', ':', ';', '|', '~', '*', '=', '\n', '\r']);
/** The most separator characters between two digits of one number ("323    555    0147"). */
const MAX_GAP = 6;

interface DigitRun {
  start: number;
  end: number;
  /** The positions of its digits. */
  at: number[];
  /** How many digits each group has, groups being split at weak separators. */
  groups: number[];
}

/** The run's groups (split at weak separators) as runs of their own. */
function groupRuns(run: DigitRun): DigitRun[] {
  const parts: DigitRun[] = [];
  let from = 0;
  for (const size of run.groups) {
    const at = run.at.slice(from, from + size);
    parts.push({ start: at[0] ?? run.start, end: (at.at(-1) ?? run.start) + 1, at, groups: [size] });
    from += size;
  }
  return parts;
}

/** Runs of digits with a few separator characters between neighbours. */
function digitRuns(text: string): DigitRun[] {
  const runs: DigitRun[] = [];
  let i = 0;
  while (i < text.length) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const at = [i];
    const groups = [1];
    let j = i + 1;
    for (;;) {
      let k = j;
      let weak = false;
      while (k < text.length && k - j <= MAX_GAP) {
        const c = text.charAt(k);
        // A full stop right after a number, then a space, ends a sentence: "Nov 29, 2026. 3 vehicles"
        // (digits spelled apart with their dots spaced too, "3 2 3 . 5 5 5", still join).
        if (c === '.' && k === j && /\s/.test(text.charAt(k + 1))) break;
        if (WEAK_SEPARATORS.has(c)) weak = true;
        else if (!PHONE_SEPARATORS.has(c)) break;
        k++;
      }
      if (k - j > MAX_GAP || k >= text.length || !isDigit(text.charCodeAt(k))) break;
      at.push(k);
      if (weak) groups.push(1);
      else groups[groups.length - 1] = (groups.at(-1) ?? 0) + 1;
      j = k + 1;
    }
    runs.push({ start: i, end: j, at, groups });
    i = j;
  }
  return runs;
}

/**
 * Whether a run joined by weak separators reads as one number: groups of two
 * digits or more ending in one of three or more ("323,555,0147"), not a list
 * of times or counts ("10:45, 11:30, 12:15"; "12, 15, 20, 25"; "2, 2026, 10:45").
 */
function groupsReadAsNumber(run: DigitRun, text: string): boolean {
  if (run.groups.length === 1) return true;
  if (run.groups.some((g) => g < 2) || (run.groups.at(-1) ?? 0) < 3) return false;
  const written = text.slice(run.start, run.end);
  return !TIMES.test(written) && !DAY_AND_YEAR.test(written);
}

/** A date's day and year: "29, 2026" in "Nov 29, 2026, 10:45". */
const DAY_AND_YEAR = /^\d{1,2},\s*(?:19|20)\d{2}(?!\d)/;

/** Times of day one after another: "10:45, 11:30", "9:00 - 13:00". */
const TIMES = /^\d{1,2}:\d{2}(?:[\s,;-]{1,4}\d{1,2}:\d{2})*$/;

/** The digits of a number as written: "+1 (213) 555-0100" → "12135550100". */
export const digitsOnly = (number: string) => number.replace(/\D/g, '');

/**
 * Hides the coalition's own numbers (hotline, SMS) wherever they are written,
 * in any format: the number with or without its country code, or a short
 * code standing alone. Returns the text with their digits replaced by "*",
 * so no rule finds them.
 */
export function maskAllowedNumbers(text: string, allowed: readonly string[]): string {
  /** Each form with the digits that may stand before it: nothing, or its own country code. */
  const forms: { form: string; prefixes: Set<string> }[] = [];
  const shortCodes = new Set<string>();
  for (const number of allowed) {
    const digits = digitsOnly(number);
    if (digits.length < 7) {
      if (digits.length > 0) shortCodes.add(digits);
      continue;
    }
    forms.push({ form: digits, prefixes: new Set(['']) });
    // "+1 213 555 0100" is also written "213-555-0100": the national number, ten digits or more.
    for (let k = 1; k <= 3 && digits.length - k >= 10; k++)
      forms.push({ form: digits.slice(k), prefixes: new Set(['', digits.slice(0, k)]) });
  }
  if (forms.length === 0 && shortCodes.size === 0) return text;
  let chars: string[] | null = null;
  const runs = digitRuns(text);
  for (const run of [...runs, ...runs.filter((r) => r.groups.length > 1).flatMap(groupRuns)]) {
    const digits = run.at.map((p) => text.charAt(p)).join('');
    const hide = (from: number, length: number) => {
      chars ??= text.split('');
      for (let k = from; k < from + length; k++) chars[run.at[k] ?? 0] = '*';
    };
    if (shortCodes.has(digits)) hide(0, digits.length);
    for (const { form, prefixes } of forms) {
      // A number without its area code is allowed only written alone: "555-0100" allowed
      // must not hide the tail of "(818) 555-0100" (seen in review).
      if (form.length < 10) {
        if (digits === form) hide(0, form.length);
        continue;
      }
      // Only at the start of a number, or after its own country code: "+52 1 213 555 0100"
      // is another number, though it ends like the hotline. Digits after it ("24/7") may follow.
      for (let at = digits.indexOf(form); at >= 0; at = digits.indexOf(form, at + form.length))
        if (prefixes.has(digits.slice(0, at))) hide(at, form.length);
    }
  }
  return chars ? (chars as string[]).join('') : text;
}

const DATE = /^(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}[/.-]\d{1,2}[/.-]\d{1,2})$/;

/** Seven digits or more, written any way, except dates ("11/29/2026", "2026-11-29"): their stretches of the folded text. */
export function phoneStretches(text: string): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  for (const whole of digitRuns(text)) {
    for (const run of groupsReadAsNumber(whole, text) ? [whole] : groupRuns(whole)) {
      if (run.at.length < 7) continue;
      const last = run.at.at(-1) ?? run.start;
      if (run.at.length <= 8 && DATE.test(text.slice(run.start, last + 1))) continue;
      let start = run.start;
      if (text.charAt(start - 1) === '(') start--;
      if (text.charAt(start - 1) === '+') start--;
      found.push({ start, end: last + 1 });
    }
  }
  return found;
}

const BRACKETS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };
const AT_WORDS = new Set(['at', 'arroba']);
/** Mail services whose domain after a bare " at " makes an e-mail address ("maria at gmail.com"). */
const MAIL_SERVICES = new Set([
  'gmail',
  'yahoo',
  'hotmail',
  'outlook',
  'live',
  'msn',
  'icloud',
  'me',
  'aol',
  'proton',
  'protonmail',
  'prodigy',
  'correo',
]);
const DOT_WORDS = new Set(['dot', 'punto']);
const LOCAL_MARKS = new Set(['.', '_', '%', '+', '-']);

interface Marker {
  /** First and last token index of the marker ("@", "(at)", " arroba "). */
  first: number;
  last: number;
  /** "(at)", " arroba ": an e-mail address whatever follows. */
  spelled: boolean;
  /** A bare " at ", English for many things: an address only with a spelled dot or a mail service. */
  bare: boolean;
}

/** "(at)", "[dot]": a spelled word in brackets starting at token i. */
function bracketed(tokens: readonly Token[], i: number, words: Set<string>): number {
  const open = tokens[i];
  const word = tokens[i + 1];
  const close = tokens[i + 2];
  if (open?.kind !== 'mark' || !BRACKETS[open.text] || !word || !words.has(word.lower)) return -1;
  return close?.text === BRACKETS[open.text] ? i + 2 : -1;
}

const skipSpace = (tokens: readonly Token[], i: number, step: 1 | -1) =>
  tokens[i]?.kind === 'space' ? i + step : i;

/** A dot between domain labels at token i ("." or " dot " or "(punto)"), spaces around allowed; its last token. */
function dotAt(
  tokens: readonly Token[],
  i: number,
): { last: number; spelled: boolean; spaced: boolean } | null {
  const j = skipSpace(tokens, i, 1);
  const token = tokens[j];
  if (!token) return null;
  let last: number;
  if (token.text === '.') last = j;
  else if (token.kind === 'word' && DOT_WORDS.has(token.lower) && j !== i && tokens[j + 1]?.kind === 'space')
    last = j;
  else last = bracketed(tokens, j, DOT_WORDS);
  if (last < 0) return null;
  const after = skipSpace(tokens, last + 1, 1);
  return { last: after - 1, spelled: token.text !== '.', spaced: j !== i || after !== last + 1 };
}

/** "ana@gmail.com", "maria [at] gmail [dot] com", "juan arroba hotmail punto com", "ana at yahoo dot com". */
export function findEmails(folded: Folded, tokens: readonly Token[]): Hit[] {
  const hits: Hit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token) continue;
    let marker: Marker | null = null;
    if (token.text === '@') marker = { first: i, last: i, spelled: false, bare: false };
    else if (token.kind === 'mark' && bracketed(tokens, i, AT_WORDS) > 0)
      marker = { first: i, last: i + 2, spelled: true, bare: false };
    else if (token.kind === 'word' && AT_WORDS.has(token.lower) && tokens[i - 1]?.kind === 'space')
      marker = { first: i, last: i, spelled: true, bare: token.lower === 'at' };
    if (!marker) continue;

    // The local part, backwards: words joined by . _ % + - or by a spelled dot, at most 10 pieces.
    let first = -1;
    let j = skipSpace(tokens, marker.first - 1, -1);
    for (let pieces = 0; pieces < 10 && tokens[j]?.kind === 'word'; pieces++) {
      first = j;
      const before = tokens[j - 1];
      if (before?.kind === 'mark' && LOCAL_MARKS.has(before.text) && tokens[j - 2]?.kind === 'word') j -= 2;
      else if (
        before?.kind === 'space' &&
        tokens[j - 2]?.kind === 'word' &&
        DOT_WORDS.has(tokens[j - 2]?.lower ?? '') &&
        tokens[j - 3]?.kind === 'space' &&
        tokens[j - 4]?.kind === 'word'
      )
        j -= 4;
      else break;
    }
    if (first < 0) continue;

    // The domain, forwards: a label, then one or more dots and labels.
    const k = skipSpace(tokens, marker.last + 1, 1);
    if (tokens[k]?.kind !== 'word') continue;
    // The longest run of labels that ends in a plausible top-level domain ("gmail.com" in "gmail.com. Next").
    let end = k;
    let loose = marker.spelled;
    let spelledDot = false;
    let found = -1;
    for (let step = 0; step < 8; step++) {
      // Labels may carry hyphens: "mi-correo.com".
      while (tokens[end + 1]?.text === '-' && tokens[end + 2]?.kind === 'word') end += 2;
      const dot = dotAt(tokens, end + 1);
      if (!dot || tokens[dot.last + 1]?.kind !== 'word') break;
      end = dot.last + 1;
      loose ||= dot.spelled || dot.spaced;
      spelledDot ||= dot.spelled;
      const tld = tokens[end]?.lower ?? '';
      if (loose ? TLDS.has(tld) : /^[a-z]{2,}$/.test(tld) || TLDS.has(tld)) found = end;
    }
    if (found < 0) continue;
    if (marker.bare && !spelledDot && !MAIL_SERVICES.has(tokens[k]?.lower ?? '')) continue;
    hits.push({ kind: 'email', ...originalSpan(folded, tokens[first]?.start ?? 0, tokens[found]?.end ?? 0) });
    end = found;
    i = end;
  }
  return hits;
}

/** A character of a host name: ASCII letter, digit, dot or hyphen. */
const hostChar = (text: string, i: number) => {
  const c = text.charCodeAt(i);
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 45;
};
const LINK_STOP = /[\s<>"']/;
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', ')', ']', '}']);

/** The end of text[start, end) without the trailing characters in `drop` (a loop: a regex like /[.]+$/ is quadratic on long runs). */
function trimEnd(text: string, start: number, end: number, drop: Set<string>): number {
  let e = end;
  while (e > start && drop.has(text.charAt(e - 1))) e--;
  return e;
}
const HOST_TRAILING = new Set(['.', '-']);

/**
 * Links: "https://…" of any host, and bare hosts ending in a known top-level
 * domain ("t.me/raids", "www.ice-tracker.net"), with their paths.
 */
export function findLinks(folded: Folded): { start: number; end: number; host: string }[] {
  const { text } = folded;
  const links: { start: number; end: number; host: string }[] = [];
  const chunkEnd = (from: number) => {
    let e = from;
    while (e < text.length && !LINK_STOP.test(text.charAt(e))) e++;
    return e;
  };
  let i = 0;
  while (i < text.length) {
    if (!hostChar(text, i) || (i > 0 && hostChar(text, i - 1))) {
      i++;
      continue;
    }
    while (i < text.length && (text.charAt(i) === '.' || text.charAt(i) === '-')) i++;
    let e = i;
    while (e < text.length && hostChar(text, e)) e++;
    if (e === i) continue;
    const scheme = /^https?$/i.test(text.slice(i, e)) && text.startsWith('://', e);
    if (scheme) {
      const end = trimEnd(text, e, chunkEnd(e), TRAILING);
      const hostEnd = text.slice(e + 3, end).search(/[/?#]|$/) + e + 3;
      links.push({ start: i, end, host: text.slice(e + 3, hostEnd).toLowerCase() });
      i = end;
      continue;
    }
    const host = text.slice(i, trimEnd(text, i, e, HOST_TRAILING));
    const labels = host.split('.');
    const tld = labels.at(-1)?.toLowerCase() ?? '';
    // A host right after "@" is an e-mail address's domain, found as an e-mail.
    if (
      labels.length >= 2 &&
      labels.every((l) => l.length > 0) &&
      TLDS.has(tld) &&
      text.charAt(i - 1) !== '@'
    ) {
      let end = i + host.length;
      if (text.charAt(end) === '/') end = chunkEnd(end);
      links.push({ start: i, end: trimEnd(text, i, end, TRAILING), host: host.toLowerCase() });
      i = end;
      continue;
    }
    i = e;
  }
  return links;
}

/** A link is allowed when its host is an allowed host or under one, written plainly (no look-alike letters). */
export function linkAllowed(
  link: { start: number; end: number; host: string },
  folded: Folded,
  original: string,
  allowed: readonly string[],
): boolean {
  const span = originalSpan(folded, link.start, link.end);
  if (!original.slice(span.start, span.end).toLowerCase().includes(link.host)) return false;
  let host: string;
  try {
    host = new URL(`https://${link.host}`).hostname;
  } catch {
    return false;
  }
  return allowed.some((a) => host === a.toLowerCase() || host.endsWith(`.${a.toLowerCase()}`));
}

export { alnumAt };
