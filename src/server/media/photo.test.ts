import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { heicPhoto, jpegClaiming } from '../../../test/support/photos.js';
import { decodesHevc, MAX_INPUT_PIXELS, reencodePhoto, UnreadablePhoto } from './photo.js';

/**
 * The one rule for a photo others will see (report photos, evidence working
 * copies): pixels only, upright, at most 1600 px a side — and, when it cannot
 * be followed, why not.
 */
const SERIAL = 'R58R123ABC';

async function phonePhoto() {
  return (
    sharp({ create: { width: 2400, height: 1200, channels: 3, background: '#3a6ea5' } })
      .jpeg()
      .withExif({
        IFD0: { Make: 'Samsung', Model: 'SM-A125U', Artist: 'Maria Lopez' },
        IFD2: { BodySerialNumber: SERIAL, DateTimeOriginal: '2025:03:14 07:41:09' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '34/1 2/1 4992/100' },
      })
      // Held sideways: the tag says to turn it a quarter right.
      .withMetadata({ orientation: 6 })
      .withXmp(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>Taken from my kitchen window</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>',
      )
      .toBuffer()
  );
}

const reasonOf = async (input: Uint8Array) => {
  const error = await reencodePhoto(input).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UnreadablePhoto);
  return (error as UnreadablePhoto).reason;
};

describe('reencodePhoto', () => {
  it('keeps the pixels and nothing else, upright and at most 1600 px a side', async () => {
    const original = await phonePhoto();
    const before = await sharp(original).metadata();
    // The control: what must go is there to begin with.
    expect(before.exif?.includes(SERIAL)).toBe(true);
    expect(before.xmp).toBeDefined();
    expect(before.orientation).toBe(6);

    const copy = await reencodePhoto(original);
    expect(copy).toMatchObject({ width: 800, height: 1600, contentType: 'image/jpeg' });
    const after = await sharp(copy.data).metadata();
    expect(after).toMatchObject({ format: 'jpeg', width: 800, height: 1600 });
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    for (const marker of ['Exif\0\0', SERIAL, 'Samsung', 'Maria', 'kitchen', 'adobe:ns:meta'])
      expect(copy.data.includes(Buffer.from(marker, 'latin1')), marker).toBe(false);
  });

  it('says why it cannot: a damaged file, a format it does not read, too many pixels', async () => {
    expect(
      await reasonOf(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4000, 7)])),
    ).toBe('damaged');
    const whole = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#444' } })
      .jpeg()
      .toBuffer();
    expect(await reasonOf(whole.subarray(0, whole.length / 2))).toBe('damaged');
    // A drawing, not a camera's picture (and drawn by another library): refused by its format.
    expect(
      await reasonOf(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>')),
    ).toBe('format');
    // A decompression bomb is refused by its header, before any pixel is decoded.
    const bomb = await jpegClaiming(10_000, 10_000);
    expect(10_000 * 10_000).toBeGreaterThan(MAX_INPUT_PIXELS);
    expect((await sharp(bomb).metadata()).width).toBe(10_000);
    expect(await reasonOf(bomb)).toBe('too_large');
  });

  it('tells a HEIC this build cannot decode from a damaged file', async () => {
    const heic = heicPhoto();
    // The container reads: a HEVC-coded HEIF of the announced size.
    expect(await sharp(heic).metadata()).toMatchObject({ format: 'heif', compression: 'hevc', width: 4032 });
    expect(await reasonOf(heic)).toBe((await decodesHevc()) ? 'damaged' : 'format');
  });
});
