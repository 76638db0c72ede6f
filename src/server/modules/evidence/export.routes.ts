import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../../shared/permissions.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { sessionOf } from '../../http/auth.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import { EVIDENCE_KEY_PATH } from './bundle.js';
import type { createEvidenceExport } from './export.js';
import type { EvidenceSigner } from './signing-key.js';

const exportBody = z
  .object({
    incidentId: z.uuid().optional(),
    itemIds: z.array(z.uuid()).min(1).max(500).optional(),
    /** The language of manifest.html (manifest.json is the same in every language). */
    language: z.enum(LANGUAGES).default('en'),
  })
  .refine((body) => (body.incidentId === undefined) !== (body.itemIds === undefined), {
    message: 'Give either an incidentId or itemIds, not both.',
    path: ['itemIds'],
  });

/** Export for counsel, and the public key that checks what it signs. */
export function registerEvidenceExportRoutes(
  app: FastifyInstance,
  deps: {
    exports: ReturnType<typeof createEvidenceExport>;
    signer: EvidenceSigner;
    lookupsPerMinute: number;
  },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.post(
    '/api/evidence/export',
    {
      config: { access: 'evidence:legal' },
      schema: {
        tags: ['evidence'],
        summary:
          'A ZIP bundle for counsel (an incident’s items, or items by id): the originals, manifest.json and manifest.html, and the server’s Ed25519 signature; in each item’s custody log and the audit log',
        body: exportBody,
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const coalition = await coalitionOf(request);
      const { incidentId, itemIds, language } = request.body;
      const bundle = await deps.exports.bundle(coalition.id, {
        coalitionName: coalition.name,
        actor: {
          userId: session.userId,
          roles: session.roles,
          permissions: session.permissions,
          tokenHash: session.tokenHash,
        },
        exporter: {
          name: session.displayName,
          role: session.roles.find((role) => can([role], 'evidence:legal')) ?? 'legal',
        },
        selection: incidentId ? { incidentId } : { itemIds: itemIds ?? [] },
        language,
      });
      return reply
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `attachment; filename="faro-evidence-${bundle.bundleId}.zip"`)
        .header('x-content-type-options', 'nosniff')
        .header('x-faro-bundle-id', bundle.bundleId)
        .type('application/zip')
        .send(bundle.stream);
    },
  );

  // Outside /api: where a verifier expects to find it (RFC 8615). Anyone may read it, so it is limited.
  routes.get(
    EVIDENCE_KEY_PATH,
    {
      config: { access: 'public', rateLimit: { max: deps.lookupsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['evidence'],
        summary:
          'The public key that signs evidence bundles (Ed25519, as a JWK and a PEM), and its SHA-256 fingerprint',
        response: {
          200: z.object({
            algorithm: z.literal('Ed25519'),
            fingerprint: z.string(),
            jwk: z.object({
              kty: z.string(),
              crv: z.string(),
              x: z.string(),
              kid: z.string(),
              alg: z.string(),
              use: z.string(),
            }),
            publicKeyPem: z.string(),
          }),
        },
      },
    },
    async (_request, reply) => {
      const key = await deps.signer.key();
      const jwk = key.publicKey.export({ format: 'jwk' });
      reply.header('cache-control', 'public, max-age=3600');
      return {
        algorithm: 'Ed25519' as const,
        fingerprint: key.fingerprint,
        jwk: {
          kty: jwk.kty ?? 'OKP',
          crv: jwk.crv ?? 'Ed25519',
          x: jwk.x ?? '',
          kid: key.fingerprint,
          alg: 'EdDSA',
          use: 'sig',
        },
        publicKeyPem: key.publicKeyPem,
      };
    },
  );
}
