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

/** The zone whose name the text mentions (the longest name wins: "East Hollywood" over "Hollywood"). */
export function findZoneNamed<Z extends { name: string }>(text: string, zones: readonly Z[]): Z | null {
  const folded = ` ${fold(text)} `;
  let best: { zone: Z; length: number } | null = null;
  for (const zone of zones) {
    // "Westlake / MacArthur Park" answers to either name.
    for (const name of zone.name.split('/').map(fold)) {
      if (name && folded.includes(` ${name} `) && (!best || name.length > best.length))
        best = { zone, length: name.length };
    }
  }
  return best?.zone ?? null;
}
