import { ApiError } from './api.js';

/** Statuses that mean "the server (or its database) is busy for a moment": the same request may pass soon. */
const BRIEFLY_UNAVAILABLE = new Set([502, 503, 504]);

/** Whether an API error is worth sending again by itself, without asking the person. */
export const isBrieflyUnavailable = (error: unknown): error is ApiError =>
  error instanceof ApiError && BRIEFLY_UNAVAILABLE.has(error.status);

/**
 * Sends, and while the server answers that it is briefly unavailable (a
 * database restart, a deploy), waits as it asks (Retry-After, in the error's
 * details) and sends again — about two minutes in all. `onWait` says how long
 * until the next try, so the page can tell the person their report is kept.
 * Anything else (or the last failure) is thrown to the caller as it came.
 */
export async function sendWhileUnavailable<T>(
  send: () => Promise<T>,
  onWait: (seconds: number) => void,
  options: { attempts?: number } = {},
): Promise<T> {
  const attempts = options.attempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isBrieflyUnavailable(error) || attempt >= attempts) throw error;
      const asked = Number(error.details.retryAfterSeconds);
      const seconds = Math.min(30, Number.isFinite(asked) && asked > 0 ? asked : 5 * attempt);
      onWait(seconds);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    }
  }
}
