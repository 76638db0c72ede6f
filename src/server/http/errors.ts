import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ErrorBody, ErrorCode, FieldProblem } from '../../shared/errors.js';
import { isDatabaseUnavailable } from '../db/database.js';

/** The one error type of Faro's domain and services. Routes never build HTTP errors by hand. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorBody['error']['details'],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** The error body, for route response schemas (and so the OpenAPI document). */
export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** The one table from error code to HTTP status. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  BLOCKED_BY_GUARD: 422,
  GONE: 410,
  RANGE_NOT_SATISFIABLE: 416,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Builds the JSON error body. */
export function errorBody(
  code: ErrorCode,
  message: string,
  details?: ErrorBody['error']['details'],
): ErrorBody {
  return details ? { error: { code, message, details } } : { error: { code, message } };
}

interface ValidationEntry {
  instancePath?: string;
  message?: string;
  params?: { issue?: { path?: PropertyKey[] } };
}

/** Turns Fastify's validation entries (from the zod compiler) into field problems. */
function fieldProblems(validation: ValidationEntry[], context: string | undefined): FieldProblem[] {
  return validation.map((entry) => {
    const fromPath = entry.instancePath?.replace(/^\//, '').replaceAll('/', '.');
    const field = fromPath || entry.params?.issue?.path?.map(String).join('.') || context || '(body)';
    return { field, message: entry.message ?? 'is invalid' };
  });
}

/** How long a client should wait before sending again a request the database could not take. */
export const UNAVAILABLE_RETRY_SECONDS = 5;

/** Maps any thrown error to an AppError, hiding internals of unexpected ones. */
export function toAppError(error: FastifyError | AppError | Error): AppError {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) {
    // A restart or failover: the same request will most likely pass in a moment.
    return new AppError(
      'UNAVAILABLE',
      `The service is briefly unavailable. Send again in ${UNAVAILABLE_RETRY_SECONDS} seconds.`,
      { retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS },
    );
  }
  const fastifyError = error as FastifyError & { validationContext?: string };
  if (fastifyError.validation) {
    const fields = fieldProblems(
      fastifyError.validation as ValidationEntry[],
      fastifyError.validationContext,
    );
    const summary = fields.map((f) => `${f.field} ${f.message}`).join('; ');
    return new AppError('VALIDATION', `Some fields are not valid: ${summary}`, { fields });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than this endpoint accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_JSON', 'The request body is empty; send a JSON object.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('MALFORMED_JSON', 'The request body is not valid JSON.');
    case 'FST_ERR_RATE_LIMIT_EXCEEDED':
      return new AppError('RATE_LIMITED', 'Too many requests; wait a moment and try again.');
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return new AppError('MALFORMED_JSON', 'The request body is not valid JSON.');
  }
  if (fastifyError.statusCode === 404) return new AppError('NOT_FOUND', 'Not found.');
  if (fastifyError.statusCode === 429) return new AppError('RATE_LIMITED', 'Too many requests.');
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new AppError('VALIDATION', 'The request could not be understood.');
  }
  return new AppError('INTERNAL', 'Something went wrong on our side. Your request was not completed.');
}

/** A page for a browser that followed a link to nowhere (the web app's "not found", in the person's language). */
export type NotFoundPage = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** A browser asking for a page, not a program asking the API. */
const wantsPage = (request: FastifyRequest) =>
  (request.method === 'GET' || request.method === 'HEAD') &&
  !request.url.startsWith('/api/') &&
  (request.headers.accept ?? '').includes('text/html');

/** Installs the one error handler and the 404 handler. */
export function registerErrorHandling(
  app: FastifyInstance,
  bodyLimits: { default: number },
  notFoundPage: () => NotFoundPage | null = () => null,
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let appError = toAppError(error);
    if (appError.code === 'PAYLOAD_TOO_LARGE' && !(error instanceof AppError)) {
      // The body parser's refusal: the limit is the route's own; only the handler knows which route
      // it was. A service's own refusal (a note's entry, a kind's limit) already names its limit.
      const limit = request.routeOptions.bodyLimit ?? bodyLimits.default;
      appError = new AppError(
        'PAYLOAD_TOO_LARGE',
        `The request body is larger than the ${limit}-byte limit of this endpoint.`,
        {
          limitBytes: limit,
        },
      );
    }
    const status = STATUS_BY_CODE[appError.code];
    if (appError.code === 'UNAVAILABLE') request.log.warn({ err: error }, 'request failed: unavailable');
    else if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: appError.code }, 'request rejected');
    const retryAfter = appError.details?.retryAfterSeconds;
    if (typeof retryAfter === 'number' && !reply.hasHeader('retry-after')) {
      void reply.header('retry-after', String(retryAfter));
    }
    void reply.status(status).send(errorBody(appError.code, appError.message, appError.details));
  });
  app.setNotFoundHandler((request, reply) => {
    // A page for a browser, JSON for a program: a shared cache must keep them apart.
    void reply.header('vary', 'accept');
    const page = notFoundPage();
    if (page && wantsPage(request)) return page(request, reply);
    void reply
      .status(404)
      .send(errorBody('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}.`));
  });
}
