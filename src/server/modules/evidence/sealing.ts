import { type CipherGCM, createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * How an original is kept: never in clear on disk or in the database.
 *
 * Each item has its own random 32-byte key, kept wrapped by the server key
 * (SecretBox). The item's bytes are stored as a sequence of chunks, each
 * sealed with ChaCha20-Poly1305 under the item key with a random nonce, and
 * bound by its additional data to the item, its place in the sequence and
 * whether it is the last one: a chunk moved to another item or another
 * place, a chunk left out, or an item cut short and passed off as complete,
 * does not open. (The construction is the "STREAM" one libsodium's
 * secretstream also follows; it is stateless here, so an upload resumed on
 * another Faro process continues the same item.)
 *
 * Each chunk also carries the SHA-256 of its plaintext and a hash chain over
 * the chunks so far: a recording cut off by a seized phone verifies up to its
 * last chunk, and nothing before it can be changed without breaking the chain.
 */

/** The size of a chunk of an uploaded file; a recording's slices are chunks of their own size. */
export const CHUNK_BYTES = 1 << 20;

/** The largest chunk accepted (a recording's slice): a few seconds of video at phone bit rates. */
export const MAX_CHUNK_BYTES = 8 << 20;

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** Pieces of ciphertext smaller than this are joined (a client sending tiny pieces makes no long lists). */
const PART_BYTES = 64 * 1024;

export const newItemKey = (): Buffer => randomBytes(KEY_BYTES);

/** What a chunk's seal is bound to. */
export const chunkContext = (itemId: string, seq: number, final: boolean): Buffer =>
  Buffer.from(`faro-evidence/v1/${itemId}/${seq}/${final ? 'final' : 'more'}`);

/** version (1) | nonce (12) | tag (16) | ciphertext */
export function sealChunk(itemKey: Uint8Array, context: Buffer, plaintext: Uint8Array): Buffer {
  const sealing = new ChunkSealing(itemKey, context);
  sealing.update(plaintext);
  return Buffer.concat(sealing.finish().sealed);
}

/**
 * One chunk sealed as its bytes arrive, in the same form as `sealChunk`: each piece is encrypted
 * and hashed when it is given, so a chunk is never gathered in clear. The sealed chunk comes out
 * as parts (its header, then the ciphertext of each piece), to be written one after the other.
 */
export class ChunkSealing {
  private readonly nonce = randomBytes(NONCE_BYTES);
  private readonly cipher;
  private readonly hash = createHash('sha256');
  private readonly parts: Buffer[] = [];
  /** Ciphertext of small pieces, joined before it is kept: a chunk is a few dozen parts at most. */
  private small: Buffer[] = [];
  private smallBytes = 0;
  length = 0;

  constructor(itemKey: Uint8Array, context: Buffer) {
    this.cipher = createCipheriv('chacha20-poly1305', itemKey, this.nonce, { authTagLength: TAG_BYTES });
    // The length of what follows is not needed by ChaCha20-Poly1305 (only by CCM, whose type this is).
    (this.cipher as unknown as CipherGCM).setAAD(context);
  }

  update(plain: Uint8Array): void {
    const out = this.cipher.update(plain);
    this.hash.update(plain);
    this.length += plain.length;
    if (out.length >= PART_BYTES && this.smallBytes === 0) this.parts.push(out);
    else {
      this.small.push(out);
      this.smallBytes += out.length;
      if (this.smallBytes >= PART_BYTES) this.joinSmall();
    }
  }

  private joinSmall() {
    if (this.smallBytes === 0) return;
    this.parts.push(Buffer.concat(this.small));
    this.small = [];
    this.smallBytes = 0;
  }

  /** The sealed parts and the SHA-256 of the plaintext. */
  finish(): { sealed: Buffer[]; sha256: Buffer; length: number } {
    const rest = this.cipher.final();
    if (rest.length) this.small.push(rest);
    this.smallBytes += rest.length;
    this.joinSmall();
    const header = Buffer.concat([Buffer.of(VERSION), this.nonce, this.cipher.getAuthTag()]);
    return { sealed: [header, ...this.parts], sha256: this.hash.digest(), length: this.length };
  }
}

export class SealBroken extends Error {}

export function openChunk(itemKey: Uint8Array, context: Buffer, sealed: Uint8Array): Buffer {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < 1 + NONCE_BYTES + TAG_BYTES || bytes[0] !== VERSION)
    throw new SealBroken('not a sealed chunk');
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  const tag = bytes.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES);
  const ciphertext = bytes.subarray(1 + NONCE_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('chacha20-poly1305', itemKey, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(context, { plaintextLength: ciphertext.length });
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new SealBroken('the chunk does not open: altered, moved, or not this item');
  }
}

export const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/** Where an item's chain starts: bound to the item, so two items' chains never meet. */
export const chainStart = (itemId: string): Buffer => sha256(Buffer.from(`faro-evidence-chain/v1/${itemId}`));

/** The chain after one more chunk: SHA-256(previous link ‖ SHA-256(chunk)). */
export const chainNext = (previous: Uint8Array, chunkHash: Uint8Array): Buffer =>
  createHash('sha256').update(previous).update(chunkHash).digest();
