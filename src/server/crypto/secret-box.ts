import { createHmac, randomFillSync } from 'node:crypto';
import sodium from 'libsodium-wrappers';

/**
 * Encryption of sensitive fields at rest: XChaCha20-Poly1305 with the
 * server's 32-byte key. Each sealed value is bound to a context (for example
 * `totp:<user id>`) given as additional data, so a ciphertext copied to
 * another row does not open.
 *
 * The box is a keyring (docs/OPERATIONS.md, "Rotating the server key"): one
 * current key seals, older (or announced next) keys only open. Every value
 * sealed now names its key by a key id (the first 4 bytes of
 * HMAC-SHA-256(key, 'faro-key-id'), 8 hex): text `v2.<kid>.<nonce>.<ct>`,
 * bytes 2 + kid (4 bytes) + nonce + ct. Values from before key ids (`v1.`,
 * byte 1) are opened by trying each key of the ring.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
  /** The same for binary data (photos): version byte, key id, nonce, ciphertext. */
  sealBytes(plaintext: Uint8Array, context: string): Uint8Array;
  openBytes(sealed: Uint8Array, context: string): Uint8Array;
  /** A keyed hash (HMAC-SHA-256, hex) for values that must be compared but never stored. */
  digest(value: string, purpose: string): string;
  /** The id of the key that seals (8 hex). */
  readonly currentKid: string;
  /** The ids of every key this box can open with, the current first. */
  kids(): string[];
  /**
   * The digest key: not the rotating key, so that stored digests survive a rotation
   * (crypto/keyring.ts keeps it sealed in `server_keys`). Until set, the current key.
   */
  setDigestKey(key: Uint8Array): void;
}

/** What the box is made of: the key that seals, and keys that only open. */
export interface KeyRing {
  current: Uint8Array;
  /** Older keys (values sealed before a rotation) and an announced next key: open only. */
  others?: readonly Uint8Array[];
  /**
   * Asked (at most once every few seconds) when a value names a key id this ring lacks: the keys
   * as they are now (the key file, rewritten by `faro keys rotate`), or null.
   */
  reload?: () => KeyRing | null;
}

/** The marker of values sealed before key ids: `v1.` text, version byte 1. */
export const LEGACY_KID = 'v1';
const V1 = 'v1';
const V2 = 'v2';
const BYTES_V1 = 1;
const BYTES_V2 = 2;
const KID_BYTES = 4;
const RELOAD_EVERY_MS = 5_000;

/** The id of a key: the first 4 bytes of HMAC-SHA-256(key, 'faro-key-id'), as 8 hex digits. */
export function keyId(key: Uint8Array): string {
  return createHmac('sha256', key)
    .update('faro-key-id')
    .digest('hex')
    .slice(0, KID_BYTES * 2);
}

/** A sealed value names a key this process does not have. */
export class UnknownKeyError extends Error {
  constructor(readonly kid: string) {
    super(
      `this value was sealed with the server key ${kid}, which this process does not have (see "Rotating the server key" in docs/OPERATIONS.md)`,
    );
    this.name = 'UnknownKeyError';
  }
}

/**
 * The key id a sealed value names, without opening it: `v1` (LEGACY_KID) for values from before
 * key ids, null for something that is not a sealed value.
 */
export function kidOf(sealed: string | Uint8Array): string | null {
  if (typeof sealed === 'string') {
    if (sealed.startsWith(`${V1}.`)) return LEGACY_KID;
    if (sealed.startsWith(`${V2}.`)) return /^v2\.([0-9a-f]{8})\./.exec(sealed)?.[1] ?? null;
    return null;
  }
  if (sealed[0] === BYTES_V1) return LEGACY_KID;
  if (sealed[0] === BYTES_V2 && sealed.length > 1 + KID_BYTES)
    return Buffer.from(sealed.subarray(1, 1 + KID_BYTES)).toString('hex');
  return null;
}

// Text in and out of the box natively (Buffer, TextDecoder): libsodium's wrappers convert base64 and
// UTF-8 in JavaScript, 8 of the 13 µs an open took (a push fan-out opens one contact per push). The
// base64 is libsodium's default variant, URL-safe without padding, which is Node's `base64url`.
const base64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
/** UTF-8 as libsodium's `to_string` read it: a leading BOM dropped, what is not UTF-8 refused. */
const utf8 = new TextDecoder('utf-8', { fatal: true });
const text = (bytes: Uint8Array) => utf8.decode(bytes);
/**
 * Strict, as libsodium's was: Node's decoder skips what is not base64, a dangling last character
 * and non-zero padding bits rather than refusing them; only the one spelling of the bytes opens.
 */
const fromBase64 = (value: string): Uint8Array => {
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.toString('base64url') !== value) throw new Error('not a sealed value');
  return bytes;
};

/** Builds the box from the raw key, or from a ring of keys. */
export async function createSecretBox(keys: Uint8Array | KeyRing): Promise<SecretBox> {
  await sodium.ready;
  const NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  let ring = new Map<string, Uint8Array>();
  let current: { kid: string; key: Uint8Array };
  const install = (given: KeyRing) => {
    const all = [given.current, ...(given.others ?? [])];
    for (const key of all) if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
    const next = new Map<string, Uint8Array>();
    for (const key of all) next.set(keyId(key), Uint8Array.from(key));
    ring = next;
    current = { kid: keyId(given.current), key: Uint8Array.from(given.current) };
  };
  const given: KeyRing = keys instanceof Uint8Array ? { current: keys } : keys;
  install(given);
  let digestKey = Uint8Array.from(given.current);
  let lastReload = 0;

  /** The key of `kid`; an unknown id makes the ring re-read its keys once (rate-limited). */
  const keyOf = (kid: string): Uint8Array => {
    const found = ring.get(kid);
    if (found) return found;
    if (given.reload && Date.now() - lastReload >= RELOAD_EVERY_MS) {
      lastReload = Date.now();
      const fresh = given.reload();
      if (fresh) install(fresh);
      const now = ring.get(kid);
      if (now) return now;
    }
    throw new UnknownKeyError(kid);
  };
  const encrypt = (plaintext: string | Uint8Array, context: string) => {
    // Node's CSPRNG in one call: libsodium's JS build draws its random bytes 4 at a time through
    // WebCrypto (6 calls a nonce), a tenth of a report's CPU on intake.
    const nonce = randomFillSync(new Uint8Array(NONCE_BYTES));
    return {
      nonce,
      ciphertext: sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext,
        Buffer.from(context, 'utf8'),
        null,
        nonce,
        current.key,
      ),
    };
  };
  const decrypt = (key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, context: string) =>
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      ciphertext,
      Buffer.from(context, 'utf8'),
      nonce,
      key,
    );
  /** A value sealed before key ids: the current key first, then the others. */
  const decryptLegacy = (nonce: Uint8Array, ciphertext: Uint8Array, context: string) => {
    let failure: unknown;
    const others = [...ring].filter(([kid]) => kid !== current.kid).map(([, key]) => key);
    for (const key of [current.key, ...others]) {
      try {
        return decrypt(key, nonce, ciphertext, context);
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  };
  return {
    get currentKid() {
      return current.kid;
    },
    kids: () => [current.kid, ...[...ring.keys()].filter((kid) => kid !== current.kid)],
    setDigestKey(key) {
      if (key.length !== 32) throw new Error('the digest key must be 32 bytes');
      digestKey = Uint8Array.from(key);
    },
    seal(plaintext, context) {
      const { nonce, ciphertext } = encrypt(plaintext, context);
      return `${V2}.${current.kid}.${base64(nonce)}.${base64(ciphertext)}`;
    },
    open(sealed, context) {
      const parts = sealed.split('.');
      if (parts[0] === V1 && parts.length === 3 && parts[1] && parts[2])
        return text(decryptLegacy(fromBase64(parts[1]), fromBase64(parts[2]), context));
      const [version, kid, nonce, ciphertext] = parts;
      if (version !== V2 || parts.length !== 4 || !kid || !nonce || !ciphertext)
        throw new Error('not a sealed value');
      return text(decrypt(keyOf(kid), fromBase64(nonce), fromBase64(ciphertext), context));
    },
    sealBytes(plaintext, context) {
      const { nonce, ciphertext } = encrypt(plaintext, context);
      const sealed = new Uint8Array(1 + KID_BYTES + nonce.length + ciphertext.length);
      sealed[0] = BYTES_V2;
      sealed.set(Buffer.from(current.kid, 'hex'), 1);
      sealed.set(nonce, 1 + KID_BYTES);
      sealed.set(ciphertext, 1 + KID_BYTES + nonce.length);
      return sealed;
    },
    openBytes(sealed, context) {
      if (sealed[0] === BYTES_V1 && sealed.length > 1 + NONCE_BYTES)
        return decryptLegacy(sealed.subarray(1, 1 + NONCE_BYTES), sealed.subarray(1 + NONCE_BYTES), context);
      const start = 1 + KID_BYTES;
      if (sealed[0] !== BYTES_V2 || sealed.length <= start + NONCE_BYTES) throw new Error('not sealed bytes');
      const key = keyOf(Buffer.from(sealed.subarray(1, start)).toString('hex'));
      return decrypt(
        key,
        sealed.subarray(start, start + NONCE_BYTES),
        sealed.subarray(start + NONCE_BYTES),
        context,
      );
    },
    digest(value, purpose) {
      return createHmac('sha256', digestKey).update(`${purpose}\0${value}`).digest('hex');
    },
  };
}
