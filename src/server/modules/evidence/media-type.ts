/**
 * What a file is, by its first bytes — never by the type the sender declares.
 * Each family answers the declared types its bytes may honestly be sent as.
 */
const ascii = (bytes: Uint8Array, from: number, to: number) =>
  Buffer.from(bytes.subarray(from, to)).toString('latin1');

/** ISO base media (MP4, MOV, M4A, HEIC): the brand of its `ftyp` box. */
function ftypBrand(bytes: Uint8Array): string | null {
  return bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp' ? ascii(bytes, 8, 12) : null;
}

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'heif']);
const AUDIO_MP4_BRANDS = new Set(['M4A ', 'M4B ', 'F4A ']);

/** The declared types these first bytes may be, or an empty list when they are none Faro keeps. */
export function typesOfBytes(head: Uint8Array): readonly string[] {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return ['image/jpeg'];
  if (
    head.length >= 8 &&
    Buffer.from(head.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return ['image/png'];
  if (head.length >= 4 && Buffer.from(head.subarray(0, 4)).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])))
    return ['video/webm', 'audio/webm'];
  if (ascii(head, 0, 4) === 'OggS') return ['audio/ogg'];
  // A PDF's header may follow a few bytes of junk some scanners write; readers look in the first KiB.
  if (ascii(head, 0, Math.min(head.length, 1024)).includes('%PDF-')) return ['application/pdf'];
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return ['image/webp'];
  // AAC in ADTS frames: a 12-bit sync word, layer 0.
  if (head.length >= 2 && head[0] === 0xff && ((head[1] ?? 0) & 0xf6) === 0xf0) return ['audio/aac'];
  const brand = ftypBrand(head);
  if (brand) {
    if (HEIF_BRANDS.has(brand)) return ['image/heic', 'image/heif'];
    if (AUDIO_MP4_BRANDS.has(brand)) return ['audio/mp4'];
    if (brand === 'qt  ') return ['video/quicktime'];
    // Phones record MP4 under many brands (isom, mp42, 3gp4…); a recorder's audio-only MP4 too.
    return ['video/mp4', 'audio/mp4', 'video/quicktime'];
  }
  return [];
}

/** Whether bytes starting with `head` may be kept as `declared`. */
export const bytesAre = (head: Uint8Array, declared: string): boolean =>
  typesOfBytes(head).includes(declared);
