import { z } from 'zod';
import { EVIDENCE_KINDS, EVIDENCE_SOURCES, EVIDENCE_STATES } from '../../../shared/evidence.js';
import { BUNDLE_FORMAT, SIGNATURE_FORMAT } from './bundle.js';
import { CUSTODY_EVENTS } from './custody.js';

/**
 * What `faro evidence verify` accepts as a bundle's manifest, its signature
 * and the statement the signature covers (bundle.ts writes them): anything
 * else is a bundle that does not hold, never an exception.
 */

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const iso = z.string().min(1);
export const manifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  bundleId: z.string(),
  createdAt: iso,
  server: z.object({ url: z.string(), keyUrl: z.string() }),
  coalition: z.object({ name: z.string() }),
  exportedBy: z.object({ name: z.string(), role: z.string() }),
  signingKey: z.object({ algorithm: z.literal('Ed25519'), fingerprint: z.string() }),
  items: z.array(
    z.object({
      id: z.string(),
      incidentId: z.string(),
      kind: z.enum(EVIDENCE_KINDS),
      source: z.enum(EVIDENCE_SOURCES),
      contentType: z.string(),
      state: z.enum(EVIDENCE_STATES),
      deleted: z.boolean(),
      file: z.string().nullable(),
      bytes: z.number().int().min(0),
      sha256: hex64.nullable(),
      chunks: z.number().int().min(0),
      chain: hex64,
      chunkHashes: z.array(
        // receivedAt: when the server stored the chunk (absent from bundles made before it was kept).
        z.object({ bytes: z.number().int().min(0), sha256: hex64, receivedAt: iso.nullable().optional() }),
      ),
      completedSha256: hex64.nullable(),
      storedBytes: z.number().int().min(0),
      storedChunks: z.number().int().min(0),
      storeCheck: z.union([
        z.object({ ok: z.literal(true) }),
        z.object({
          ok: z.literal(false),
          seq: z.number().int(),
          reason: z.enum(['seal', 'hash', 'chain', 'missing']),
        }),
      ]),
      custody: z.object({
        entries: z.array(
          z.object({
            seq: z.number().int(),
            at: iso,
            event: z.enum(CUSTODY_EVENTS),
            actorId: z.string().nullable(),
            actorRole: z.string().nullable(),
            sessionTag: z.string().nullable(),
            details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
            previousHash: z.string().nullable(),
            hash: z.string(),
          }),
        ),
      }),
    }),
  ),
});
export const signatureSchema = z.object({
  format: z.literal(SIGNATURE_FORMAT),
  algorithm: z.literal('Ed25519'),
  key: z.object({ fingerprint: z.string(), publicKeyPem: z.string(), url: z.string() }),
  statement: z.string(),
  signature: z.string(),
});
export const statementSchema = z.object({
  format: z.literal(SIGNATURE_FORMAT),
  bundleId: z.string(),
  files: z.record(z.string(), z.string()),
});

/** `bytes` as JSON of `schema`, or null when it is not. */
export function parseJson<T>(schema: z.ZodType<T>, bytes: Buffer): T | null {
  try {
    return schema.parse(JSON.parse(bytes.toString('utf8')));
  } catch {
    return null;
  }
}
