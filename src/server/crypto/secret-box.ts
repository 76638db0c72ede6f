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
  return {
    seal(plaintext, context) {
      const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
      const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext,
        context,
        null,
        nonce,
        keyCopy,
      );
      return `${VERSION}.${sodium.to_base64(nonce)}.${sodium.to_base64(ciphertext)}`;
    },
    open(sealed, context) {
      const [version, nonce, ciphertext] = sealed.split('.');
      if (version !== VERSION || !nonce || !ciphertext) throw new Error('not a sealed value');
      const plaintext = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        sodium.from_base64(ciphertext),
        context,
        sodium.from_base64(nonce),
        keyCopy,
      );
      return sodium.to_string(plaintext);
    },
    sealBytes(plaintext, context) {
      const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
      const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext,
        context,
        null,
        nonce,
        keyCopy,
      );
      const sealed = new Uint8Array(1 + nonce.length + ciphertext.length);
      sealed[0] = BYTES_VERSION;
      sealed.set(nonce, 1);
      sealed.set(ciphertext, 1 + nonce.length);
      return sealed;
    },
    openBytes(sealed, context) {
      const nonceBytes = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
      if (sealed[0] !== BYTES_VERSION || sealed.length <= 1 + nonceBytes) throw new Error('not sealed bytes');
      return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        sealed.subarray(1 + nonceBytes),
        context,
        sealed.subarray(1, 1 + nonceBytes),
        keyCopy,
      );
    },
    digest(value, purpose) {
      return createHmac('sha256', keyCopy).update(`${purpose}\0${value}`).digest('hex');
    },
  };
}
