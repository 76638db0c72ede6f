/**
 * How many SMS segments a text costs. GSM-7 (the 3GPP TS 23.038 default
 * alphabet) carries 160 characters in one segment and 153 per segment when
 * split; any character outside it switches the whole message to UCS-2: 70,
 * then 67 per segment. Spanish matters here: ñ, é and ü are GSM-7, but á, í,
 * ó and ú are not — one accent can double what an alert costs to send.
 */

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Characters of the extension table: each costs an escape and itself. */
const GSM7_EXTENDED = '^{}\\[~]|€\f';

const BASIC = new Set(GSM7_BASIC);
const EXTENDED = new Set(GSM7_EXTENDED);

export interface SmsCost {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
  /** The characters that forced UCS-2, so the author can replace them. */
  nonGsm: string[];
}

export function smsCost(text: string): SmsCost {
  let septets = 0;
  const nonGsm = new Set<string>();
  for (const char of text) {
    if (BASIC.has(char)) septets += 1;
    else if (EXTENDED.has(char)) septets += 2;
    else nonGsm.add(char);
  }
  if (nonGsm.size === 0) {
    return {
      encoding: 'GSM-7',
      units: septets,
      segments: septets <= 160 ? 1 : Math.ceil(septets / 153),
      nonGsm: [],
    };
  }
  const units = text.length; // UTF-16 code units: an emoji counts two
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67), nonGsm: [...nonGsm] };
}
