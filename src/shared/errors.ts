/** The error codes of Faro's API; the body is always `{ error: { code, message, details? } }`. */
export const ERROR_CODES = [
  'VALIDATION',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'CONFLICT',
  'INVALID_TRANSITION',
  /** The publishing guard found something that must never be published. */
  'BLOCKED_BY_GUARD',
  /** An address that no longer answers (the old receipt lookup); the message says what replaced it. */
  'GONE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldProblem {
  field: string;
  message: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: { fields?: FieldProblem[]; [key: string]: unknown } };
}
