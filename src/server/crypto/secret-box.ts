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
  /** A keyed hash (HMAC-SHA-256, hex) for values that must be compared but never stored. */
  digest(value: string, purpose: string): string;
}

const VERSION = 'v1';

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
    digest(value, purpose) {
      return createHmac('sha256', keyCopy).update(`${purpose}\0${value}`).digest('hex');
    },
  };
}
