import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../http/errors.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { SmsIntake } from './sms.service.js';
import { verifyTwilioSignature } from './twilio.js';

/** An empty TwiML answer: the reply goes out through the provider's API, from the job queue. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const SMS_BODY_LIMIT = 32 * 1024;

/**
 * `POST /api/sms/inbound`: the SMS provider's webhook. Form-encoded, in
 * Twilio's field names; signed by the provider, and refused (403, nothing
 * stored) when the signature does not match.
 */
export function registerSmsRoutes(
  app: FastifyInstance,
  deps: { smsIntake: SmsIntake | null; authToken: string | null; publicUrl: string },
): void {
  // Form bodies are parsed only here: no other route takes them.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: SMS_BODY_LIMIT },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/sms/inbound',
      {
        bodyLimit: SMS_BODY_LIMIT,
        config: { access: 'public' },
        // The signature covers every field, so all of them must reach the check as they came.
        schema: {
          tags: ['reports'],
          summary: 'Inbound SMS webhook (Twilio format, signed)',
          description:
            'Each text becomes a report and gets a reply with its receipt code in the sender’s language. ' +
            'The same message delivered again (same `MessageSid`) creates nothing new.',
          headers: z.object({ 'x-twilio-signature': z.string().max(200).optional() }),
          body: z.record(z.string(), z.string()),
        },
      },
      async (request, reply) => {
        if (!deps.smsIntake || !deps.authToken)
          throw new AppError('UNAVAILABLE', 'SMS is not set up on this server.');
        // The provider signs the address it called: PUBLIC_URL, never the Host a request claims.
        const signed = verifyTwilioSignature(
          deps.authToken,
          `${deps.publicUrl}${request.url}`,
          request.body,
          request.headers['x-twilio-signature'],
        );
        if (!signed) throw new AppError('FORBIDDEN', 'The request signature is missing or does not match.');
        const fields = inboundSchema.safeParse(request.body);
        if (!fields.success) {
          throw new AppError('VALIDATION', 'The webhook is missing From or MessageSid.', {
            fields: fields.error.issues.map((issue) => ({
              field: issue.path.join('.'),
              message: issue.message,
            })),
          });
        }
        const mediaCount = Math.min(Number(fields.data.NumMedia ?? 0) || 0, 10);
        const media = Array.from({ length: mediaCount }, (_, i) => request.body[`MediaUrl${i}`]).filter(
          (url): url is string => typeof url === 'string' && URL.canParse(url),
        );
        const result = await deps.smsIntake.receive((await coalitionOf(request)).id, {
          ...fields.data,
          media,
        });
        request.log.info({ duplicate: result.duplicate }, 'sms received');
        return reply.type('text/xml').send(EMPTY_TWIML);
      },
    );
  });
}

const inboundSchema = z.object({
  From: z.string().min(3).max(64),
  Body: z.string().default(''),
  MessageSid: z.string().regex(/^[A-Za-z0-9]{10,64}$/, 'is not a message id'),
  NumMedia: z.string().optional(),
});
