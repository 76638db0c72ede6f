import { createECDH, type ECDH, randomBytes } from 'node:crypto';

/** Browser-like Web Push subscription keys (a P-256 public key, a 16-byte auth secret). */
export function browserKeys(n: number) {
  return Array.from({ length: n }, () => browserKeyPair().keys);
}

/** One browser's subscription keys with its private key, to decrypt what it receives. */
export function browserKeyPair(): { keys: { p256dh: string; auth: string }; ecdh: ECDH } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
    ecdh,
  };
}
