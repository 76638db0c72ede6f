import { createHmac } from 'node:crypto';
import sodium from 'libsodium-wrappers';

/**
 * Encryption of sensitive fields at rest: XChaCha20-Poly1305 with the
 * server's 32-byte key. Each sealed value is bound to a context (for example
 * `totp:<user id>`) given as additional data, so a ciphertext copied to
 * another row does not open.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
  /** The same for binary data (photos): version byte, nonce, ciphertext. */
  sealBytes(plaintext: Uint8Array, context: string): Uint8Array;
  openBytes(sealed: Uint8Array, context: string): Uint8Array;
  /** A keyed hash (HMAC-SHA-256, hex) for values that must be compared but never stored. */
  digest(value: string, purpose: string): string;
}

const VERSION = 'v1';
const BYTES_VERSION = 1;

/** Builds the box from the raw key. */
export async function createSecretBox(key: Uint8Array): Promise<SecretBox> {
  if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  await sodium.ready;
  const keyCopy = Uint8Array.from(key);
  const NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  const encrypt = (plaintext: string | Uint8Array, context: string) => {
    const nonce = sodium.randombytes_buf(NONCE_BYTES);
    return {
      nonce,
      ciphertext: sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, context, null, nonce, keyCopy),
    };
  };
  const decrypt = (nonce: Uint8Array, ciphertext: Uint8Array, context: string) =>
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, context, nonce, keyCopy);
  return {
    seal(plaintext, context) {
      const { nonce, ciphertext } = encrypt(plaintext, context);
      return `${VERSION}.${sodium.to_base64(nonce)}.${sodium.to_base64(ciphertext)}`;
    },
    open(sealed, context) {
      const [version, nonce, ciphertext] = sealed.split('.');
      if (version !== VERSION || !nonce || !ciphertext) throw new Error('not a sealed value');
      return sodium.to_string(decrypt(sodium.from_base64(nonce), sodium.from_base64(ciphertext), context));
    },
    sealBytes(plaintext, context) {
      const { nonce, ciphertext } = encrypt(plaintext, context);
      const sealed = new Uint8Array(1 + nonce.length + ciphertext.length);
      sealed[0] = BYTES_VERSION;
      sealed.set(nonce, 1);
      sealed.set(ciphertext, 1 + nonce.length);
      return sealed;
    },
    openBytes(sealed, context) {
      if (sealed[0] !== BYTES_VERSION || sealed.length <= 1 + NONCE_BYTES)
        throw new Error('not sealed bytes');
      return decrypt(sealed.subarray(1, 1 + NONCE_BYTES), sealed.subarray(1 + NONCE_BYTES), context);
    },
    digest(value, purpose) {
      return createHmac('sha256', keyCopy).update(`${purpose}\0${value}`).digest('hex');
    },
  };
}
