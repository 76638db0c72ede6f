import type { FINDING_KINDS } from '../../../shared/alert.js';
import { findEmails, findLinks, linkAllowed, maskAllowedNumbers, phoneStretches } from './guard/contacts.js';
import { foldText, originalSpan } from './guard/fold.js';
import { joinSpacedDigits, spellDigits } from './guard/numbers.js';
import { compileNames, findBadges, findNames } from './guard/people.js';
import { findAddresses, findPlates } from './guard/places.js';
import { type Hit, tokenize } from './guard/tokens.js';

/**
 * The publishing guard: everything that leaves for the public (push, SMS,
 * e-mail, CAP, JSON, the page) passes through `guardPublicText`, which finds
 * what must never be published — phone numbers, e-mail addresses,
 * licence-plate-like strings, street addresses with house numbers (and
 * cities with ZIP codes), personal names, badge and ID numbers, links to
 * hosts not allowed — and says exactly what and why, however the text is
 * disguised (full-width or look-alike letters, invisible characters, digits
 * spaced out or spelled in words). It errs on the side of blocking: a false
 * alarm costs an edit, a leak costs a person. The coalition's own numbers
 * (hotline, SMS) are allowed.
 */

export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding {
  kind: FindingKind;
  /** The text found, as written. */
  text: string;
  /** Where it is in the text as written (UTF-16 offsets, end exclusive). */
  start: number;
  end: number;
}

export interface GuardOptions {
  /** Hosts links may point to (a host and its subdomains). */
  allowedHosts: readonly string[];
  /** Names the coalition never wants published (staff, families, places), matched whole-word, any case. */
  blockedNames: readonly string[];
  /** The coalition's own numbers (hotline, SMS, short code) alerts may carry, however they are written. */
  allowedNumbers?: readonly string[];
}

type NameMatcher = ReturnType<typeof compileNames>;
const namesByList = new WeakMap<readonly string[], NameMatcher>();
const recentLists: { names: readonly string[]; matcher: NameMatcher }[] = [];

const sameNames = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((name, i) => name === b[i]);

/**
 * The coalition's names compiled once per list: by identity, or — as the
 * settings are read afresh for each request — by content, compared with the
 * last few lists seen (cheaper than compiling again).
 */
function blockedNameMatcher(names: readonly string[]): NameMatcher {
  const known =
    namesByList.get(names) ?? recentLists.find((recent) => sameNames(recent.names, names))?.matcher;
  const matcher = known ?? compileNames(names);
  if (!known) {
    recentLists.unshift({ names: [...names], matcher });
    recentLists.length = Math.min(recentLists.length, 4);
  }
  namesByList.set(names, matcher);
  return matcher;
}

/**
 * Everything in the text that must not be published, in order of position.
 * The text is folded first (see guard/fold.ts) and numbers spelled out in
 * words are read as digits; each finding gives the stretch of the text as
 * written. Linear in the text's length, whatever the number of names.
 */
export function guardPublicText(text: string, options: GuardOptions): Finding[] {
  const folded = foldText(text);
  const words = tokenize(folded.text);
  const spelled = joinSpacedDigits(spellDigits(folded));
  // The coalition's own numbers are hidden before any rule reads the digits.
  const numeric = { ...spelled, text: maskAllowedNumbers(spelled.text, options.allowedNumbers ?? []) };
  const numericWords = tokenize(numeric.text);
  const phones = phoneStretches(numeric.text);
  const phoneDigits = new Uint8Array(numeric.text.length);
  for (const phone of phones) phoneDigits.fill(1, phone.start, phone.end);
  const hits: Hit[] = [
    ...findEmails(folded, words),
    ...findLinks(folded)
      .filter((link) => !linkAllowed(link, folded, text, options.allowedHosts))
      .map((link): Hit => ({ kind: 'link', ...originalSpan(folded, link.start, link.end) })),
    ...phones.map((phone): Hit => ({ kind: 'phone', ...originalSpan(numeric, phone.start, phone.end) })),
    // Where two rules find the same stretch, the first named here explains it:
    // "ID 4471" is a badge number, though it looks like a plate, and "ABC 123"
    // is a plate, though it reads like "Olvera 320".
    ...findBadges(numeric, numericWords),
    ...findPlates(numeric, numericWords),
    // Plates again before number words are read: "TEN-00-00" is a plate, not "10-00-00".
    ...findPlates(folded, words),
    ...findAddresses(numeric, numericWords, (at) => phoneDigits[at] === 1),
    ...findNames(folded, words),
    ...blockedNameMatcher(options.blockedNames)(folded),
  ];
  // One finding per stretch of text: the first kind found there (longest first) explains it.
  hits.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const kept: Finding[] = [];
  for (const hit of hits) {
    const last = kept.at(-1);
    if (hit.end <= hit.start || (last && hit.start < last.end)) continue;
    kept.push({ kind: hit.kind, text: text.slice(hit.start, hit.end), start: hit.start, end: hit.end });
  }
  return kept;
}
