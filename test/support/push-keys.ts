import { createECDH, randomBytes } from 'node:crypto';

/** Browser-like Web Push subscription keys (a P-256 public key, a 16-byte auth secret). */
export function browserKeys(n: number) {
  return Array.from({ length: n }, () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
  });
}
