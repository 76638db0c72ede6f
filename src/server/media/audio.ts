/**
 * What an uploaded audio file is, by its bytes (issue 17, the rights library's clips): a label
 * says nothing — an HTML page or an SVG sent as `audio/mpeg` must not be served back as audio
 * from Faro's own address. Only the formats every phone's browser plays are known.
 */
export const AUDIO_TYPES = ['audio/mpeg', 'audio/ogg', 'audio/webm', 'audio/mp4', 'audio/wav'] as const;
export type AudioType = (typeof AUDIO_TYPES)[number];

/** The names browsers and recorders give these types, each to the one it means. */
export const AUDIO_TYPE_ALIASES: Record<string, AudioType> = {
  'audio/mpeg': 'audio/mpeg',
  'audio/mp3': 'audio/mpeg',
  'audio/ogg': 'audio/ogg',
  'audio/webm': 'audio/webm',
  'audio/mp4': 'audio/mp4',
  'audio/x-m4a': 'audio/mp4',
  'audio/wav': 'audio/wav',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
};

const ascii = (bytes: Uint8Array, at: number, text: string) =>
  bytes.length >= at + text.length && [...text].every((char, i) => bytes[at + i] === char.charCodeAt(0));

/** The audio type of these bytes by their magic numbers, or null when they are not one Faro plays. */
export function sniffAudio(bytes: Uint8Array): AudioType | null {
  if (bytes.length < 12) return null;
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WAVE')) return 'audio/wav';
  if (ascii(bytes, 0, 'OggS')) return 'audio/ogg';
  if (ascii(bytes, 4, 'ftyp')) return 'audio/mp4';
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) {
    // EBML: a WebM says so in its header's DocType (a Matroska file is not played everywhere).
    const head = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 64))).toString('latin1');
    return head.includes('webm') ? 'audio/webm' : null;
  }
  if (ascii(bytes, 0, 'ID3')) return 'audio/mpeg';
  // An MPEG audio frame: 11 sync bits, then a version and a layer (layer 00 is reserved: AAC's ADTS).
  const second = bytes[1] ?? 0;
  if (bytes[0] === 0xff && (second & 0xe0) === 0xe0 && (second & 0x06) !== 0 && (second & 0x18) !== 0x08)
    return 'audio/mpeg';
  return null;
}
