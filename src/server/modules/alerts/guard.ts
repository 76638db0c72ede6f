import { getResolution, isValidCell } from 'h3-js';

/**
 * The publishing guard: everything that leaves for the public (push, SMS,
 * e-mail, CAP, JSON, the page) passes through `guardPublicText`, which finds
 * what must never be published — phone numbers, e-mail addresses,
 * licence-plate-like strings, street addresses with house numbers, personal
 * names, links to hosts not allowed — and says exactly what and why. It errs
 * on the side of blocking: a false alarm costs an edit, a leak costs a person.
 */

export type FindingKind = 'phone' | 'email' | 'plate' | 'address' | 'name' | 'link';

export interface Finding {
  kind: FindingKind;
  /** The text found, as written. */
  text: string;
  start: number;
  end: number;
}

export interface GuardOptions {
  /** Hosts links may point to (a host and its subdomains). */
  allowedHosts: readonly string[];
  /** Names the coalition never wants published (staff, families, places), matched whole-word, any case. */
  blockedNames: readonly string[];
}

const EMAIL =
  /[\p{L}\p{N}._%+-]+\s*(?:@|\(at\)|\[at\]|\sarroba\s)\s*[\p{L}\p{N}-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\spunto\s)\s*[\p{L}\p{N}-]+)+/giu;
const URL_LIKE =
  /\b(?:https?:\/\/[^\s<>"']+|(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|info|gov|edu|us|mx|co|app|link|ly|me|tv|xyz|site|online)(?:\/[^\s<>"']*)?)/giu;
/** Runs of digits with the separators people use in phone numbers. */
const PHONE = /(?<![\p{L}\p{N}])(?:\+|00)?\d(?:[\s().\-/]{0,3}\d){6,16}(?![\p{L}\p{N}])/gu;
const STREET_SUFFIX =
  'st|street|ave|av|avenue|blvd|boulevard|rd|road|dr|drive|way|ln|lane|pl|place|ct|court|pkwy|parkway|hwy|highway|terrace|ter|cir|circle|sq|square';
/** "1234 W Olympic Blvd", "815 S. Main Street". */
const ADDRESS_EN = new RegExp(
  String.raw`(?<![\p{L}\p{N}])\d{1,6}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[\p{L}\p{N}'.-]+\s+){0,4}(?:${STREET_SUFFIX})\b\.?`,
  'giu',
);
/** "Calle Hidalgo 123", "Av. Juárez #45", "Calzada de Tlalpan núm. 1020". */
const ADDRESS_ES =
  /\b(?:calle|c\/|avenida|av\.?|avda\.?|calzada|calz\.?|bulevar|blvd\.?|callej[oó]n|privada|carretera|camino)\s+[\p{L}.' -]{2,40}?\s*(?:#|n[uú]m\.?|n[uú]mero|no\.?)?\s*\d{1,6}\b/giu;
/** Plates written as one token, any case: letters and digits mixed, 5 to 8 ("7ABC123", "abc1234"). */
const PLATE_SOLID = /(?<![\p{L}\p{N}])[A-Za-z0-9]{5,8}(?![\p{L}\p{N}])/gu;
/** Plates in groups, capitals as on the plate ("ABC-1234", "ABC 123", "ABC-12-34"). */
const PLATE_GROUPED = /(?<![\p{L}\p{N}])[A-Z0-9]{1,4}(?:[ -][A-Z0-9]{1,4}){1,2}(?![\p{L}\p{N}])/gu;
const TITLES = [
  'mr',
  'mrs',
  'ms',
  'miss',
  'dr',
  'officer',
  'agent',
  'deputy',
  'sgt',
  'sergeant',
  'lt',
  'captain',
  'capt',
  'det',
  'detective',
  'sr',
  'sra',
  'srta',
  'don',
  'doña',
  'dona',
  'agente',
  'oficial',
  'policía',
  'policia',
  'sargento',
  'teniente',
  'comandante',
  'licenciado',
  'lic',
];
/** A title in any case, then a capitalized name: "Officer Smith", "el agente Ramírez", "Sra. López". */
const TITLED_NAME = new RegExp(
  String.raw`(?<![\p{L}])(?:${TITLES.map((t) => `[${t[0]}${t[0]?.toUpperCase()}]${t.slice(1)}`).join('|')})\.?\s+(\p{Lu}[\p{L}'-]+(?:\s+\p{Lu}[\p{L}'-]+)?)`,
  'gu',
);
/** "named Maria", "se llama José", "llamado Juan". */
const CALLED_NAME =
  /\b(?:named|called|name is|se llama|llamad[oa]|de nombre)\s+(\p{Lu}[\p{L}'-]+(?:\s+\p{Lu}[\p{L}'-]+)?)/gu;

function findAll(text: string, pattern: RegExp, kind: FindingKind, group = 0): Finding[] {
  const found: Finding[] = [];
  for (const match of text.matchAll(pattern)) {
    const whole = match[0];
    const part = match[group] ?? whole;
    const start = (match.index ?? 0) + (group === 0 ? 0 : whole.indexOf(part));
    found.push({ kind, text: part, start, end: start + part.length });
  }
  return found;
}

const digitCount = (s: string) => s.replace(/\D/g, '').length;

function hostAllowed(candidate: string, allowed: readonly string[]): boolean {
  let host: string;
  try {
    host = new URL(
      /^https?:\/\//i.test(candidate) ? candidate : `https://${candidate}`,
    ).hostname.toLowerCase();
  } catch {
    return false;
  }
  return allowed.some((a) => host === a.toLowerCase() || host.endsWith(`.${a.toLowerCase()}`));
}

/** Plate-like strings that are not plates: times, ordinals and a few words of the trade. */
function looksLikePlate(candidate: string): boolean {
  const compact = candidate.replace(/[ -]/g, '');
  if (compact.length < 5 || compact.length > 8) return false;
  if (/^\d+(?:st|nd|rd|th|am|pm|h|min|km|mi)$/i.test(compact)) return false;
  if (/^(?:19|20)\d\d$/.test(compact)) return false;
  // Bill numbers in know-your-rights lines: "AB 450", "SB 54".
  if (/^(?:AB|SB|HB|HR)\d{1,4}$/i.test(compact)) return false;
  return digitCount(compact) >= 2 && /[A-Za-z]/.test(compact);
}

/** Everything in the text that must not be published, in order of position. */
export function guardPublicText(text: string, options: GuardOptions): Finding[] {
  const findings: Finding[] = [
    ...findAll(text, EMAIL, 'email'),
    ...findAll(text, URL_LIKE, 'link').filter(
      (f) => !f.text.includes('@') && !hostAllowed(f.text, options.allowedHosts),
    ),
    ...findAll(text, ADDRESS_EN, 'address'),
    ...findAll(text, ADDRESS_ES, 'address'),
    ...findAll(text, PHONE, 'phone').filter(
      (f) => digitCount(f.text) >= 7 && !/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(f.text.trim()),
    ),
    ...findAll(text, PLATE_SOLID, 'plate').filter((f) => looksLikePlate(f.text)),
    ...findAll(text, PLATE_GROUPED, 'plate').filter((f) => looksLikePlate(f.text)),
    ...findAll(text, TITLED_NAME, 'name', 1),
    ...findAll(text, CALLED_NAME, 'name', 1),
  ];
  for (const name of options.blockedNames) {
    const trimmed = name.trim();
    if (!trimmed) continue;
    const escaped = trimmed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    findings.push(
      ...findAll(text, new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu'), 'name'),
    );
  }
  // One finding per stretch of text: the first kind found there (longest first) explains it.
  findings.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const kept: Finding[] = [];
  for (const finding of findings) {
    const last = kept.at(-1);
    if (last && finding.start < last.end) continue;
    kept.push(finding);
  }
  return kept;
}

/** Public places are zones or H3 cells of resolution 7 or coarser. */
export const PUBLIC_MAX_CELL_RESOLUTION = 7;

export function isPublicCell(cell: string): boolean {
  return isValidCell(cell) && getResolution(cell) <= PUBLIC_MAX_CELL_RESOLUTION;
}

/** Public times are rounded down to five minutes. */
export function publicTime(date: Date): Date {
  const step = 5 * 60_000;
  return new Date(Math.floor(date.getTime() / step) * step);
}
