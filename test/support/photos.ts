import sharp from 'sharp';

/**
 * Photos as phones make them, built in the test: a HEIC (what an iPhone's
 * camera roll holds) and a JPEG whose header claims more pixels than it has.
 */

const u32 = (n: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(n);
  return bytes;
};
const u16 = (n: number) => {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(n);
  return bytes;
};
const box = (type: string, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
};
const fullBox = (type: string, version: number, ...parts: Buffer[]) =>
  box(type, Buffer.from([version, 0, 0, 0]), ...parts);

/**
 * A HEIC as ISO/IEC 23008-12 lays it out — `ftyp heic`, a `meta` box naming one `hvc1` (HEVC)
 * image item of the given size, its coded bytes in `mdat` — so that a reader parses it as a
 * HEVC-coded HEIF of that size, and only a HEVC decoder could go further. (The coded bytes are
 * not a real picture: no encoder is at hand, and none is needed to see what a build without a
 * HEVC decoder does.)
 */
export function heicPhoto(width = 4032, height = 3024): Buffer {
  const coded = Buffer.concat([u32(20), Buffer.alloc(20, 0x26)]);
  const ftyp = box('ftyp', Buffer.from('heic'), u32(0), Buffer.from('mif1heic'));
  const hdlr = fullBox('hdlr', 0, u32(0), Buffer.from('pict'), Buffer.alloc(12), Buffer.from([0]));
  const pitm = fullBox('pitm', 0, u16(1));
  const iinf = fullBox(
    'iinf',
    0,
    u16(1),
    fullBox('infe', 2, u16(1), u16(0), Buffer.from('hvc1'), Buffer.from([0])),
  );
  // HEVC decoder configuration: version 1, Main profile, no parameter sets.
  const hvcC = box(
    'hvcC',
    Buffer.from([
      1, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 0x5d, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0,
    ]),
  );
  const ispe = fullBox('ispe', 0, u32(width), u32(height));
  const iprp = box(
    'iprp',
    box('ipco', hvcC, ispe),
    fullBox('ipma', 0, u32(1), u16(1), Buffer.from([2, 0x81, 0x02])),
  );
  const iloc = (offset: number) =>
    fullBox(
      'iloc',
      0,
      Buffer.from([0x44, 0x00]),
      u16(1),
      u16(1),
      u16(0),
      u16(1),
      u32(offset),
      u32(coded.length),
    );
  const meta = (offset: number) => fullBox('meta', 0, hdlr, pitm, iloc(offset), iinf, iprp);
  // The item's bytes start after ftyp, meta and mdat's own header (meta's length does not depend on the offset).
  const offset = ftyp.length + meta(0).length + 8;
  return Buffer.concat([ftyp, meta(offset), box('mdat', coded)]);
}

/**
 * A small JPEG whose frame header (SOF) says it is `width` × `height`: a decompression bomb's
 * shape, without the memory to make a real one.
 */
export async function jpegClaiming(width: number, height: number): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888' } })
    .jpeg()
    .toBuffer();
  // SOF0 (baseline) or SOF2 (progressive): marker, length (2), precision (1), height (2), width (2).
  const at = [...jpeg.entries()].findIndex(
    ([i, byte]) => byte === 0xff && (jpeg[i + 1] === 0xc0 || jpeg[i + 1] === 0xc2),
  );
  if (at < 0) throw new Error('no frame header in the JPEG');
  jpeg.writeUInt16BE(height, at + 5);
  jpeg.writeUInt16BE(width, at + 7);
  return jpeg;
}
