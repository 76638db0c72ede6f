import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type yauzl from 'yauzl';

/**
 * Reading a bundle's ZIP for `faro evidence verify` (yauzl): entry by entry,
 * small documents whole (with a ceiling), originals streamed through their
 * hashes so that a 2 GB video is never in memory.
 */

/** The largest manifest, HTML copy or signature read into memory (a manifest lists every chunk's hash). */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** Reads a stream once: its length, SHA-256, and the SHA-256 of each chunk at the manifest's lengths. */
export async function hashStream(stream: Readable, chunks: readonly { bytes: number }[]) {
  const whole = createHash('sha256');
  const chunkHashes: string[] = [];
  let index = 0;
  let current = createHash('sha256');
  let left = chunks[0]?.bytes ?? 0;
  let bytes = 0;
  for await (const data of stream as AsyncIterable<Buffer>) {
    whole.update(data);
    bytes += data.length;
    let rest = data;
    while (rest.length > 0 && index < chunks.length) {
      const take = Math.min(left, rest.length);
      current.update(rest.subarray(0, take));
      rest = rest.subarray(take);
      left -= take;
      if (left === 0) {
        chunkHashes.push(current.digest('hex'));
        index += 1;
        current = createHash('sha256');
        left = chunks[index]?.bytes ?? 0;
      }
    }
  }
  if (index < chunks.length) chunkHashes.push(current.digest('hex')); // a file cut short
  return { bytes, sha256: whole.digest('hex'), chunkHashes };
}

export function listEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    const found = new Map<string, yauzl.Entry>();
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('/')) found.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(found));
    zip.on('error', reject);
    zip.readEntry();
  });
}

export function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream))),
  );
}

export async function readSmall(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  if (entry.uncompressedSize > MAX_DOCUMENT_BYTES) throw new Error(`larger than ${MAX_DOCUMENT_BYTES} bytes`);
  const parts: Buffer[] = [];
  for await (const part of (await openEntry(zip, entry)) as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts);
}
