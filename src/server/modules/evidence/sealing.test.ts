import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type CustodyEntry, custodyHash, verifyCustody } from './custody.js';
import {
  ChunkSealing,
  chainNext,
  chainStart,
  chunkContext,
  newItemKey,
  openChunk,
  SealBroken,
  sealChunk,
  sha256,
} from './sealing.js';

const ITEM = '5a1d8c2e-0000-4000-8000-000000000001';
const OTHER = '5a1d8c2e-0000-4000-8000-000000000002';

describe('sealed chunks', () => {
  it('sealed piece by piece as bytes arrive open as one chunk, with the hash of the whole', () => {
    const key = newItemKey();
    const plain = randomBytes(1 << 20);
    const sealing = new ChunkSealing(key, chunkContext(ITEM, 2, false));
    // A client sending tiny pieces (100 bytes) makes no long list of parts.
    for (let at = 0; at < plain.length; at += 100) sealing.update(plain.subarray(at, at + 100));
    const { sealed, sha256: hash, length } = sealing.finish();
    expect(length).toBe(plain.length);
    expect(hash.equals(sha256(plain))).toBe(true);
    expect(sealed.length).toBeLessThanOrEqual(2 + (1 << 20) / (64 * 1024));
    expect(openChunk(key, chunkContext(ITEM, 2, false), Buffer.concat(sealed)).equals(plain)).toBe(true);
    expect(() => openChunk(key, chunkContext(ITEM, 2, true), Buffer.concat(sealed))).toThrow(SealBroken);
  });

  it('open only for their item, their place and their ending', () => {
    const key = newItemKey();
    const plain = Buffer.from('MARKER-evidence-bytes '.repeat(100));
    const sealed = sealChunk(key, chunkContext(ITEM, 3, false), plain);
    expect(sealed.includes(Buffer.from('MARKER'))).toBe(false);
    expect(openChunk(key, chunkContext(ITEM, 3, false), sealed).equals(plain)).toBe(true);
    // Moved to another place, another item, or passed off as the last chunk: refused.
    expect(() => openChunk(key, chunkContext(ITEM, 4, false), sealed)).toThrow(SealBroken);
    expect(() => openChunk(key, chunkContext(OTHER, 3, false), sealed)).toThrow(SealBroken);
    expect(() => openChunk(key, chunkContext(ITEM, 3, true), sealed)).toThrow(SealBroken);
    expect(() => openChunk(newItemKey(), chunkContext(ITEM, 3, false), sealed)).toThrow(SealBroken);
    // One flipped bit anywhere.
    for (const at of [0, 5, 20, sealed.length - 1]) {
      const flipped = Buffer.from(sealed);
      flipped[at] = (flipped[at] ?? 0) ^ 1;
      expect(() => openChunk(key, chunkContext(ITEM, 3, false), flipped)).toThrow(SealBroken);
    }
  });

  it('seal the same bytes differently each time (a fresh nonce)', () => {
    const key = newItemKey();
    const context = chunkContext(ITEM, 1, true);
    expect(sealChunk(key, context, Buffer.from('a')).equals(sealChunk(key, context, Buffer.from('a')))).toBe(
      false,
    );
  });

  it('chain per item: a changed chunk changes every link after it', () => {
    const chunks = ['one', 'two', 'three'].map((text) => sha256(Buffer.from(text)));
    const links = (hashes: Buffer[], item = ITEM) => {
      const all: Buffer[] = [];
      for (const hash of hashes) all.push(chainNext(all.at(-1) ?? chainStart(item), hash));
      return all;
    };
    const honest = links(chunks);
    const altered = links([chunks[0] as Buffer, sha256(Buffer.from('tw0')), chunks[2] as Buffer]);
    expect(altered[0]?.equals(honest[0] as Buffer)).toBe(true);
    expect(altered[1]?.equals(honest[1] as Buffer)).toBe(false);
    expect(altered[2]?.equals(honest[2] as Buffer)).toBe(false);
    expect(links(chunks, OTHER)[0]?.equals(honest[0] as Buffer)).toBe(false);
  });
});

describe('custody log', () => {
  const events: Omit<CustodyEntry, 'itemId' | 'seq' | 'at'>[] = [
    { event: 'received', actorId: 'u1', actorRole: 'responder', sessionTag: 's1', details: { bytes: 10 } },
    { event: 'completed', actorId: 'u1', actorRole: 'responder', sessionTag: 's1', details: {} },
    { event: 'viewed', actorId: 'u2', actorRole: 'legal', sessionTag: 's2', details: {} },
  ];
  const entries: CustodyEntry[] = events.map((entry, index) => ({
    ...entry,
    itemId: ITEM,
    seq: index + 1,
    at: new Date(Date.UTC(2026, 11, 4, 20, index)).toISOString(),
  }));
  const chained = () => {
    let previous: Buffer | null = null;
    return entries.map((entry) => {
      const hash = custodyHash(previous, entry);
      const row = { ...entry, previousHash: previous, hash };
      previous = hash;
      return row;
    });
  };

  it('holds when untouched', () => {
    expect(verifyCustody(chained())).toEqual({ ok: true, entries: 3 });
  });

  it('names the row that was changed, removed or reordered', () => {
    const edited = chained();
    edited[1] = { ...(edited[1] as (typeof edited)[number]), actorId: 'someone-else' };
    expect(verifyCustody(edited)).toEqual({ ok: false, seq: 2, reason: 'hash' });

    const removed = chained();
    removed.splice(1, 1);
    expect(verifyCustody(removed)).toMatchObject({ ok: false, seq: 3 });

    const detailed = chained();
    detailed[0] = { ...(detailed[0] as (typeof detailed)[number]), details: { bytes: 11 } };
    expect(verifyCustody(detailed)).toEqual({ ok: false, seq: 1, reason: 'hash' });
  });
});
