import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { EvidenceKind, EvidenceSource, EvidenceState } from '../../../shared/evidence.js';
import type { CustodyCheck, CustodyEntry } from './custody.js';

/**
 * What an evidence bundle for counsel is, written once for the server that
 * makes it (export.ts) and the command that checks it offline
 * (bundle-verify.ts, `faro evidence verify`): no database, no server key.
 *
 * A bundle is a ZIP, every entry stored as is (no compression: a byte
 * changed in the ZIP is a byte changed in one file, and says which):
 *
 *   originals/001-video-<item id>.webm …   the originals, byte for byte
 *   manifest.json                          the facts: hashes, times, types, custody logs
 *   manifest.html                          the same, to read (a reading copy)
 *   signature.json                         an Ed25519 signature, by the server's evidence
 *                                          key, over a statement naming the bundle and the
 *                                          SHA-256 of manifest.json and manifest.html
 *
 * The manifest comes last in the ZIP: it is written once every original has
 * been read (and hashed) from the store, so it holds what was sent, not what
 * was meant to be.
 */
export const BUNDLE_FORMAT = 'faro-evidence-bundle/v1';
export const SIGNATURE_FORMAT = 'faro-evidence-signature/v1';
export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_HTML_FILE = 'manifest.html';
export const SIGNATURE_FILE = 'signature.json';
/** The files the signature's statement covers. */
export const SIGNED_FILES = [MANIFEST_FILE, MANIFEST_HTML_FILE] as const;
/** Where a server publishes the public half of its evidence key (shared: the legal page names it). */
export { EVIDENCE_KEY_PATH } from '../../../shared/evidence.js';

/** A row of an item's chain of custody as the bundle carries it: everything its hash covers. */
export type BundleCustodyRow = Omit<CustodyEntry, 'itemId'> & {
  /** Hex; null for the first row. */
  previousHash: string | null;
  hash: string;
};

/** How a chunk failed when the server read it back for the export (sealing.ts, evidence.service.ts). */
export type StoreCheck =
  | { ok: true }
  | { ok: false; seq: number; reason: 'seal' | 'hash' | 'chain' | 'missing' };

export interface BundleItem {
  id: string;
  incidentId: string;
  kind: EvidenceKind;
  source: EvidenceSource;
  contentType: string;
  /** complete; partial (it stopped before its end); receiving (still arriving when exported). */
  state: EvidenceState;
  /** The role its recorder acted in (the person is named in Faro, to the legal team). */
  recordedRole: string;
  durationMs: number | null;
  /** The phone's own clock when recording started; the server's when the first and last bytes came. */
  deviceStartedAt: string | null;
  receivedAt: string;
  lastReceivedAt: string;
  completedAt: string | null;
  held: boolean;
  /** The original was deleted (retention): the bundle has its facts and custody log, no file. */
  deleted: boolean;
  /** The file in this ZIP, or null when there is none (deleted, or nothing received). */
  file: string | null;
  /** Of the file in this ZIP: its length, SHA-256 (hex), chunks, and the hash chain after its last chunk. */
  bytes: number;
  sha256: string | null;
  chunks: number;
  chain: string;
  /**
   * Each chunk's length and SHA-256, in order: a partial recording's chain can be recomputed. And
   * when the server received it (a note's entry, a recording's slice; null if stored before Faro
   * kept this time).
   */
  chunkHashes: { bytes: number; sha256: string; receivedAt: string | null }[];
  /** The SHA-256 Faro recorded when the item was completed (null until then). */
  completedSha256: string | null;
  /** What the server held: a file shorter than this means a chunk did not verify (storeCheck). */
  storedBytes: number;
  storedChunks: number;
  storeCheck: StoreCheck;
  custody: { entries: BundleCustodyRow[]; check: CustodyCheck };
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  bundleId: string;
  createdAt: string;
  /** The server that made it, and where its evidence key is published. */
  server: { url: string; keyUrl: string };
  coalition: { name: string };
  exportedBy: { name: string; role: string };
  selection: { incidentId: string } | { itemIds: string[] };
  language: string;
  timeZone: string;
  signingKey: { algorithm: 'Ed25519'; fingerprint: string };
  items: BundleItem[];
}

export interface BundleSignature {
  format: typeof SIGNATURE_FORMAT;
  algorithm: 'Ed25519';
  key: { fingerprint: string; publicKeyPem: string; url: string };
  /** The exact text signed (signedStatement): the bundle's id and each signed file's SHA-256. */
  statement: string;
  /** Base64. */
  signature: string;
}

/** The statement the server signs: the bundle, and the SHA-256 of each signed file. */
export function signedStatement(bundleId: string, files: Record<string, string>): string {
  return JSON.stringify({
    format: SIGNATURE_FORMAT,
    bundleId,
    files: Object.fromEntries(
      Object.keys(files)
        .sort()
        .map((name) => [name, files[name]]),
    ),
  });
}

export const sha256Hex = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/**
 * A public key's fingerprint: the SHA-256 of its SubjectPublicKeyInfo (DER), hex — the same as
 * `openssl pkey -pubin -in key.pem -outform DER | sha256sum`.
 */
export const keyFingerprint = (publicKey: KeyObject): string =>
  sha256Hex(publicKey.export({ type: 'spki', format: 'der' }));

/** A fingerprint as a person may write it (upper case, colons, spaces, a "SHA256:" prefix), or null. */
export function normalizeFingerprint(text: string): string | null {
  const bare = text
    .trim()
    .replace(/^sha-?256:/i, '')
    .replace(/[\s:]/g, '')
    .toLowerCase();
  return /^[0-9a-f]{64}$/.test(bare) ? bare : null;
}

/**
 * A public key from what the server publishes or a person saves of it: a PEM, a JWK, or the
 * well-known document (which carries both); null when it is none of these, or not Ed25519.
 */
export function parsePublicKey(text: string): KeyObject | null {
  try {
    const trimmed = text.trim();
    let key: KeyObject;
    if (trimmed.startsWith('{')) {
      const document = JSON.parse(trimmed) as { jwk?: object; publicKeyPem?: string; kty?: string };
      if (document.publicKeyPem) key = createPublicKey(document.publicKeyPem);
      else if (document.jwk) key = createPublicKey({ key: document.jwk as never, format: 'jwk' });
      else key = createPublicKey({ key: document as never, format: 'jwk' });
    } else key = createPublicKey(trimmed);
    return key.asymmetricKeyType === 'ed25519' ? key : null;
  } catch {
    return null;
  }
}

const EXTENSIONS: Record<string, string> = {
  'video/webm': 'webm',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'audio/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'text/plain': 'txt',
};

/** An original's name in the ZIP: its place in the bundle, kind and id, and the extension of its type. */
export const originalName = (index: number, item: { id: string; kind: string; contentType: string }) =>
  `originals/${String(index + 1).padStart(3, '0')}-${item.kind}-${item.id}.${EXTENSIONS[item.contentType] ?? 'bin'}`;
