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
  /** A byte range that starts past the end of a file (the basemap archive); Content-Range gives its size. */
  'RANGE_NOT_SATISFIABLE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Why, more precisely than the code, in `details.reason`: the web app tells its
 * reader each of these in their language (src/web/errors.ts). A reason not
 * listed here (a subscription refusal's kind, say) is for the page that asked,
 * and the reader is told the code's sentence.
 */
export const ERROR_REASONS = [
  /** The wallet card's text in one language does not fit on the card, even at its smallest type. */
  'card_too_long',
  'sign_in_again',
  'csrf',
  'offer_expired',
  'not_on_shift',
  'already_assigned',
  'on_shift_already',
  'location_off_shift',
  'check_in_off_scene',
  /** A rumor check asked for an incident whose verdict is not (or no longer) "not confirmed". */
  'rumor_check_verdict',
  'zone_not_polygon',
  'zone_one_polygon',
  'zone_ring',
  'zone_corners',
  'zone_too_small',
  'zone_too_large',
  'own_account',
  'own_role',
  'own_admin_role',
  'coalition_admin_only',
  'coalition_reach',
  'own_organization_only',
  'beyond_organization',
  /** A case holds only what is needed to seek consent until consent is recorded. */
  'consent_required',
  /** An emergency plan's contacts were texted in the last 24 hours: it is not sent again. */
  'plan_already_activated',
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

export interface FieldProblem {
  field: string;
  message: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: { fields?: FieldProblem[]; [key: string]: unknown } };
}
