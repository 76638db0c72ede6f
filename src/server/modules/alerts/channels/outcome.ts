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

/** A network failure (refused, reset, timed out) may pass: try again later. */
export function outcomeOfError(error: unknown): DeliveryOutcome {
  const name = (error as { name?: string; code?: string }).code ?? (error as Error).name ?? 'error';
  return { kind: 'retry', code: `network_${String(name).toLowerCase()}`.slice(0, 40) };
}
