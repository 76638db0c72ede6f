import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EVIDENCE_EXPORT_ERROR_PARAM, EVIDENCE_EXPORT_MAX_ITEMS } from '../../../shared/evidence.js';
import { can } from '../../../shared/permissions.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { sessionOf } from '../../http/auth.js';
import { toAppError } from '../../http/errors.js';
import {
  acceptFormBodies,
  type FormBody,
  formList,
  formText,
  isFormPost,
  postedFromAnotherSite,
} from '../../http/forms.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import { EVIDENCE_KEY_PATH } from './bundle.js';
import type { createEvidenceExport } from './export.js';
import type { EvidenceSigner } from './signing-key.js';

const exportBody = z
  .object({
    incidentId: z.uuid().optional(),
    itemIds: z.array(z.uuid()).min(1).max(EVIDENCE_EXPORT_MAX_ITEMS).optional(),
    /** The language of manifest.html (manifest.json is the same in every language). */
    language: z.enum(LANGUAGES).default('en'),
  })
  .refine((body) => (body.incidentId === undefined) !== (body.itemIds === undefined), {
    message: 'Give either an incidentId or itemIds, not both.',
    path: ['itemIds'],
  });

/** An export asks for at most 500 ids: 40 bytes each as JSON, 44 as a form; room for the rest. */
const EXPORT_BODY_LIMIT = 64 * 1024;

/**
 * The legal page's form as the JSON body (the same schema validates both): `incidentId`, `itemIds`
 * repeated once per checkbox, `language`. A field that is not sent is left out, so a form missing
 * both gets the same answer as JSON missing both.
 */
export function exportBodyOfForm(form: FormBody): Record<string, unknown> {
  const incidentId = formText(form, 'incidentId');
  const itemIds = formList(form, 'itemIds');
  const language = formText(form, 'language');
  return {
    ...(incidentId ? { incidentId } : {}),
    ...(itemIds.length > 0 ? { itemIds } : {}),
    ...(language ? { language } : {}),
  };
}

/**
 * What a form post from the legal page is answered when the export is refused: the page again
 * (303), which says why. The browser left the page to post the form; an error as JSON would
 * replace it with a page of code. A form from another site gets the plain error (nothing of ours
 * to show it).
 */
function answerFormRefusal(publicUrl: string) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (!isFormPost(request) || postedFromAnotherSite(request, publicUrl)) throw error;
    const refusal = toAppError(error);
    if (refusal.code === 'INTERNAL') request.log.error({ err: error }, 'export failed');
    else request.log.info({ code: refusal.code }, 'export refused');
    const reason = typeof refusal.details?.reason === 'string' ? refusal.details.reason : null;
    const query = new URLSearchParams({ [EVIDENCE_EXPORT_ERROR_PARAM]: refusal.code });
    if (reason) query.set('reason', reason);
    return reply.header('cache-control', 'no-store').redirect(`/evidence?${query}`, 303);
  };
}

/** Export for counsel, and the public key that checks what it signs. */
export function registerEvidenceExportRoutes(
  app: FastifyInstance,
  deps: {
    exports: ReturnType<typeof createEvidenceExport>;
    signer: EvidenceSigner;
    lookupsPerMinute: number;
    publicUrl: string;
  },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  // JSON for programs; a form for the legal page, so the browser saves the bundle (1–2 GB) to disk
  // as it arrives. Only this route takes forms, and only with the session's CSRF token in it.
  app.register(async (scope) => {
    acceptFormBodies(scope, EXPORT_BODY_LIMIT);
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/evidence/export',
      {
        bodyLimit: EXPORT_BODY_LIMIT,
        config: { access: 'evidence:legal', formPost: true },
        schema: {
          tags: ['evidence'],
          summary:
            'A ZIP bundle for counsel (an incident’s items, or items by id): the originals, manifest.json and manifest.html, and the server’s Ed25519 signature; in each item’s custody log and the audit log. Also taken as a form (application/x-www-form-urlencoded: incidentId or itemIds repeated, language, and the session’s csrfToken), answered when refused with a redirect to /evidence that says why',
          body: exportBody,
        },
        // After the CSRF check of a form (a hook of auth.ts before this one): its fields as the JSON
        // body, which the schema then validates (the type is what validation will make of it).
        preValidation: async (request) => {
          if (isFormPost(request))
            request.body = exportBodyOfForm((request.body ?? {}) as FormBody) as typeof request.body;
        },
        errorHandler: answerFormRefusal(deps.publicUrl),
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
  });

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
