import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import pino from 'pino';

/**
 * Paths that may hold personal data if anyone ever logs an object carrying them.
 * Request bodies are never logged at all; this is the second net.
 */
export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-forwarded-for"]',
  'req.headers["x-real-ip"]',
  'body',
  '*.body',
  '*.phone',
  '*.email',
  '*.lat',
  '*.lng',
  '*.place',
  '*.description',
  '*.password',
  '*.token',
  '*.ip',
];

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Uses a well-formed incoming X-Request-Id (from a proxy) or makes a new one. */
export function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

interface ErrorLike {
  name?: string;
  message?: string;
  stack?: string;
  code?: string;
  constraint?: string;
  routine?: string;
  cause?: unknown;
  query?: unknown;
  params?: unknown;
}

/** Drizzle's query error: its message is the SQL text followed by `params:` and every value sent. */
const isQueryError = (err: ErrorLike) =>
  err.name === 'DrizzleQueryError' || (typeof err.query === 'string' && 'params' in err);

/** Whatever an error message says after "params:" (Drizzle's list of values) is never logged. */
export const withoutParams = (message: string) => message.replace(/\bparams:[\s\S]*$/, 'params: [withheld]');

/**
 * What of an error may be logged. Database errors carry the failed query's
 * parameters (a report's text and position) and values in their messages, so
 * for them only the SQLSTATE or network error code, the constraint and stack
 * frames are kept — however the error is wrapped.
 */
export function loggableError(error: unknown): {
  type: string;
  message: string;
  stack: string;
  [key: string]: unknown;
} {
  const err = (error ?? {}) as ErrorLike;
  const cause = (err.cause ?? {}) as ErrorLike;
  const sqlState = [err.code, cause.code].find(
    (code) => typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code),
  );
  const fromDatabase =
    sqlState !== undefined || isQueryError(err) || isQueryError(cause) || cause.name === 'DatabaseError';
  // A network error's code (ECONNREFUSED, ECONNRESET) says what happened and holds no value.
  const networkCode = [err.code, cause.code].find(
    (code) => typeof code === 'string' && /^E[A-Z_]+$/.test(code),
  );
  const frames = err.stack
    ?.split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, 12)
    .join('\n');
  return {
    type: err.name ?? typeof error,
    message: fromDatabase
      ? 'database error (query and values withheld)'
      : withoutParams(err.message ?? String(error)),
    ...(fromDatabase
      ? { sqlState, constraint: err.constraint ?? cause.constraint, ...(networkCode ? { networkCode } : {}) }
      : { code: err.code }),
    stack: frames ?? '',
  };
}

/** Fastify logger options: JSON lines, no client addresses, no query strings, redaction on. */
export function loggerOptions(level: string, stream?: Writable): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      // The default serializer logs the client address and full URL; neither is needed to operate Faro.
      // A matched route is logged by its pattern: a path can carry a code or token (`…/:code`).
      req: (req: { method: string; url: string; routeOptions?: { url?: string | undefined } }) => ({
        method: req.method,
        path: req.routeOptions?.url ?? req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: loggableError,
    },
  };
}

/** The one logger of a Faro process: the HTTP server's and every module's (JSON lines, redacted). */
export function createLogger(level: string, stream?: Writable): FastifyBaseLogger {
  const { stream: _stream, ...options } = loggerOptions(level, stream) as pino.LoggerOptions & {
    stream?: Writable;
  };
  return pino(options, stream ?? pino.destination(1));
}
