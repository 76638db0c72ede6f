/**
 * What one attempt to deliver came to. `retry` is a failure that may pass
 * later (network, 429, 5xx); `failed` will not (the provider refused the
 * message); `gone` means the contact no longer exists (push 404/410, a number
 * that opted out at the carrier) and the subscription is removed. `lost`: nothing
 * was sent, because another sender holds the row now (this one's lease ran out
 * while the message waited its turn); nothing is recorded either.
 */
export type DeliveryOutcome =
  | { kind: 'sent' }
  | { kind: 'lost' }
  | { kind: 'retry'; code: string }
  | { kind: 'failed'; code: string }
  | { kind: 'gone'; code: string };

/** The outcome of an HTTP answer from a push service or an SMS provider. */
export function outcomeOfStatus(status: number, code = `http_${status}`): DeliveryOutcome {
  if (status >= 200 && status < 300) return { kind: 'sent' };
  if (status === 404 || status === 410) return { kind: 'gone', code };
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', code };
  return { kind: 'failed', code };
}

/** The code recorded for a network failure: `network_` and the error's code (or name). */
const networkCode = (name: string) => `network_${name.toLowerCase()}`.slice(0, 40);

/** A network failure (refused, reset, timed out) may pass: try again later. */
export function outcomeOfError(error: unknown): DeliveryOutcome {
  const name = (error as { name?: string; code?: string }).code ?? (error as Error).name ?? 'error';
  return { kind: 'retry', code: networkCode(String(name)) };
}

/**
 * After which failures the message may still have arrived, so that a follow-up (a cancel above all)
 * goes to its recipient too. Every network failure counts — the request may have gone out and its
 * answer never came: timed out, reset, cut off, a broken pipe, a TLS or parse error on the answer, an
 * error nobody named — except those that happen before anything is sent (NEVER_SENT). An answer
 * is a definite "not taken" (any status: 404/410 gone, 400, 413, 429, 5xx; the SMS provider's and the
 * mail server's refusals), and so is a refusal before sending (an endpoint Faro will not call, keys
 * no browser would send, an unreadable contact) — except an answer refused for its size, which may
 * have come with the push taken. Erring this way sends a cancel to someone who never saw the alert,
 * never misses someone who did.
 */
export const NEVER_SENT: readonly string[] = [
  'ECONNREFUSED', // nothing listened
  'ENOTFOUND', // the name does not resolve
  'EAI_AGAIN',
  'UNPROCESSED', // the server said it never processed the request (GOAWAY, REFUSED_STREAM)
  'ENCRYPTION_THREAD_LOST', // encrypted, never sent
].map(networkCode);
/** An answer cut off at its size limit: the service may have taken the push before it answered. */
const CUT_OFF_ANSWER = 'push_refused_too_large';
/**
 * Recorded when a row is taken from a sender whose lease on it ran out: that sender may have died (or
 * stalled) in the middle of sending, its message on the way with nothing written about it.
 */
export const SENDER_LOST = 'sender_lost';
/** Rows tried before Faro recorded a lost sender (migration 0043): an attempt may have arrived unrecorded. */
const UNRECORDED_ATTEMPT = 'attempt_unrecorded';
/** Codes after which the message may have arrived although they are no network failure. */
const MAY_HAVE_ARRIVED_TOO = [CUT_OFF_ANSWER, SENDER_LOST, UNRECORDED_ATTEMPT];

export function mayHaveArrived(code: string): boolean {
  return (code.startsWith('network_') && !NEVER_SENT.includes(code)) || MAY_HAVE_ARRIVED_TOO.includes(code);
}

const sqlList = (codes: readonly string[]) => codes.map((code) => `'${code}'`).join(', ');
/**
 * The same rule in SQL, over a delivery row's `error` (fixed codes only, no input): true or false,
 * never null (a row without an error: false).
 */
export const MAY_HAVE_ARRIVED_SQL = `coalesce((left(error, 8) = 'network_' and error not in (${sqlList(NEVER_SENT)})) or error in (${sqlList(MAY_HAVE_ARRIVED_TOO)}), false)`;
