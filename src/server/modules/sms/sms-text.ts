import type { Activity, Language } from '../../../shared/report-fields.js';

/**
 * Reading a free-text message the way a hotline operator would at a glance:
 * which language, what kind of activity, which neighborhood, whether the
 * sender saw it. Heuristics only; the text itself is kept (sealed) for the
 * dispatcher, who corrects what these get wrong.
 */

/** Lower case, accents removed, punctuation to spaces: "Retén en Pico-Union" → "reten en pico union". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const SPANISH = new Set(
  'el la los las de del en un una hay que y con por para esta estan aqui alli calle esquina migra redada retén reten llevaron agentes patrulla cerca ahorita frente tienda escuela vi vimos son muchos carros camionetas policia ayuda'.split(
    ' ',
  ),
);
const ENGLISH = new Set(
  'the a an of in on at is are there with by for this here street corner raid agents near now front store school saw we see they car cars vans police help and'.split(
    ' ',
  ),
);

/** English or Spanish, by which language's common words the text uses more. */
export function detectLanguage(text: string): Language {
  const words = fold(text).split(' ');
  let score = /[ñ¿¡áéíóú]/i.test(text) ? 2 : 0;
  for (const word of words) {
    if (SPANISH.has(word)) score += 1;
    if (ENGLISH.has(word)) score -= 1;
  }
  return score > 0 ? 'es' : 'en';
}

/** Phrases per activity, most specific first; the first activity with a match wins. */
const ACTIVITY_PHRASES: [Activity, string[]][] = [
  ['raid', ['raid', 'redada', 'operativo', 'allanamiento']],
  [
    'arrest',
    [
      'arrest',
      'detain',
      'took',
      'grabbed',
      'arrest',
      'detuvieron',
      'detenido',
      'detenida',
      'llevaron',
      'agarraron',
      'arresto',
    ],
  ],
  ['checkpoint', ['checkpoint', 'check point', 'reten', 'punto de control']],
  ['staging', ['staging', 'gathering', 'parked', 'estacionad', 'reunidos', 'juntando']],
  ['surveillance', ['watching', 'surveillance', 'vigilando', 'vigilancia', 'observando']],
  ['patrol', ['patrol', 'driving around', 'patrulla', 'patrullando', 'rondando', 'dando vueltas']],
];

export function guessActivity(text: string): Activity {
  const folded = ` ${fold(text)} `;
  for (const [activity, phrases] of ACTIVITY_PHRASES) {
    if (phrases.some((phrase) => folded.includes(` ${phrase}`))) return activity;
  }
  return 'other';
}

const HEARSAY = [
  'i heard',
  'they said',
  'someone said',
  'people say',
  'me dijeron',
  'dicen que',
  'escuche que',
  'oi que',
];

/** Whether the sender says they saw it (no sign of hearsay). */
export function soundsFirsthand(text: string): boolean {
  const folded = ` ${fold(text)} `;
  return !HEARSAY.some((phrase) => folded.includes(` ${phrase} `));
}

/** The names a zone answers to, folded: "Westlake / MacArthur Park" answers to either. */
function namesOf(zone: { name: string }): string[] {
  return zone.name.split('/').map(fold).filter(Boolean);
}

/** The zone whose name the text mentions (the longest name wins: "East Hollywood" over "Hollywood"). */
export function findZoneNamed<Z extends { name: string }>(text: string, zones: readonly Z[]): Z | null {
  const folded = ` ${fold(text)} `;
  let best: { zone: Z; length: number } | null = null;
  for (const zone of zones) {
    for (const name of namesOf(zone)) {
      if (name && folded.includes(` ${name} `) && (!best || name.length > best.length))
        best = { zone, length: name.length };
    }
  }
  return best?.zone ?? null;
}

/** Edits (insert, delete, change, swap two neighbors) from one text to another: "heigts" is one from "heights". */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Typos forgiven in a name of this length: none in a short word, one per five letters, at most three. */
const typosAllowed = (length: number) => Math.min(3, Math.floor(length / 5));

/**
 * The zones a neighborhood typed on its own may mean, best first — the same
 * names `findZoneNamed` reads, but forgiving: accents and case, a few typos
 * ("BOYLE HEIGTS"), and a part of a name ("PICO" for Pico-Union, "PARK" for
 * every park). A name typed exactly is the only answer.
 */
export function findZonesLike<Z extends { name: string }>(text: string, zones: readonly Z[]): Z[] {
  const typed = fold(text);
  if (!typed) return [];
  const scored: { zone: Z; score: number }[] = [];
  for (const zone of zones) {
    let score = Number.POSITIVE_INFINITY;
    for (const name of namesOf(zone)) {
      if (name === typed) return [zone];
      const squeezed = (value: string) => value.replaceAll(' ', '');
      const typos = editDistance(squeezed(typed), squeezed(name));
      if (typos <= typosAllowed(name.length)) score = Math.min(score, typos);
      // A whole word of the name, or several in order ("heights", "macarthur park").
      else if (typed.length >= 3 && ` ${name} `.includes(` ${typed} `)) score = Math.min(score, 10);
    }
    if (Number.isFinite(score)) scored.push({ zone, score });
  }
  scored.sort((a, b) => a.score - b.score || a.zone.name.localeCompare(b.zone.name));
  // A near-exact name beats names that only share a word with what was typed.
  const best = scored[0]?.score ?? 0;
  return scored.filter((s) => best >= 10 || s.score < 10).map((s) => s.zone);
}
