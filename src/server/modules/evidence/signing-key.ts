import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { SecretBox } from '../../crypto/secret-box.js';
import { findServerKey, insertServerKeyIfMissing } from '../../crypto/server-keys.repo.js';
import type { Drizzle } from '../../db/database.js';
import { keyFingerprint } from './bundle.js';

const NAME = 'evidence-signing';
const CONTEXT = `server-key:${NAME}`;

export interface EvidenceSigningKey {
  /** Signs bytes with Ed25519. */
  sign(bytes: Uint8Array): Buffer;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** SHA-256 of the public key's SubjectPublicKeyInfo, hex (bundle.ts keyFingerprint). */
  fingerprint: string;
}

/**
 * The server's Ed25519 key for evidence bundles: made on first use, kept
 * sealed under the server key in `server_keys` (beside the VAPID keys), so
 * every process and every restart signs with the same key and the one
 * published at /.well-known/faro-evidence-key stays true. Several processes
 * making it at once: the first insert wins (the name is the primary key) and
 * everyone reads that one back.
 */
export function createEvidenceSigner(deps: { db: Drizzle; box: SecretBox }) {
  let loading: Promise<EvidenceSigningKey> | null = null;

  async function load(): Promise<EvidenceSigningKey> {
    const fresh = generateKeyPairSync('ed25519');
    const sealed = deps.box.seal(
      JSON.stringify({
        privateKey: fresh.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
      }),
      CONTEXT,
    );
    await insertServerKeyIfMissing(deps.db, NAME, sealed);
    const stored = await findServerKey(deps.db, NAME);
    if (!stored) throw new Error('the evidence signing key could not be stored');
    const { privateKey: der } = JSON.parse(deps.box.open(stored, CONTEXT)) as { privateKey: string };
    const privateKey = createPrivateKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey(privateKey);
    return {
      sign: (bytes) => sign(null, bytes, privateKey),
      publicKey,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      fingerprint: keyFingerprint(publicKey),
    };
  }

  return {
    /** The key, loaded (or made) once per process. */
    key(): Promise<EvidenceSigningKey> {
      loading ??= load().catch((error: unknown) => {
        loading = null; // a database that was down is asked again next time
        throw error;
      });
      return loading;
    },
  };
}

export type EvidenceSigner = ReturnType<typeof createEvidenceSigner>;
