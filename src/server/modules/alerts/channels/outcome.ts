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
 * The failures after which the message may still have arrived: the request had gone out (or may
 * have) and its answer never came — timed out, the connection reset or cut off under it (an answer
 * cut off too), a write to a connection the other side closed. A push service may have taken such
 * a push, so a follow-up (a cancel above all) goes to its recipient too. SMTP (nodemailer) reports
 * a timeout or a broken connection at any step as ETIMEDOUT / ESOCKET / ECONNECTION, the message's
 * data included: counted too, though a refused SMTP connection reads the same (a cancel e-mail too
 * many rather than one missing). Everything else is a definite "not taken": an answer (any status:
 * 404/410 gone, 400, 413, 429, 5xx), a refusal before sending (an endpoint Faro will not call, a
 * name that does not resolve, a refused connection), a stream the server said it never processed.
 */
export const MAY_HAVE_ARRIVED: readonly string[] = [
  'TIMEOUT', // OutboundTimeoutError: the exchange's deadline
  'ECONNRESET', // reset, or cut off under an exchange (outbound's HTTP/2 cut-offs too)
  'EPIPE',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKET',
  'ECONNECTION',
].map(networkCode);
