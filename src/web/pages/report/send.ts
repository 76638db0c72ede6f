import { newSendKey, type ReportInput } from '../../../shared/report.js';
import { ApiError, api } from '../../api.js';
import { takeProofOfWork } from '../../pow.js';
import { isBrieflyUnavailable, sendWhileUnavailable } from '../../retry.js';

export interface ReportReceipt {
  id: string;
  receipt: string;
  photosAttached?: number;
}

/** Why a report was not sent, when no field is to blame: each has its own sentence (report.errors.*). */
export type SendFailure = 'network' | 'server' | 'rateLimited' | 'unavailable';

/**
 * Sends the public report with its proof of work. A security check that
 * expired while the form was open is redone once, without asking; a server
 * that is briefly unavailable (a database restart) is tried again by itself,
 * `onWait` saying in how many seconds.
 */
export function sendReport(body: ReportInput, onWait: (seconds: number) => void): Promise<ReportReceipt> {
  const send = async () =>
    api<ReportReceipt>('/api/reports', { method: 'POST', body, headers: await takeProofOfWork() });
  return sendWhileUnavailable(
    () =>
      send().catch((error: unknown) => {
        if (error instanceof ApiError && error.details.proofOfWork) return send();
        throw error;
      }),
    onWait,
  );
}

/** What the page says when a report could not be sent and no field is to blame. */
export function failureOf(error: unknown): SendFailure {
  if (error instanceof ApiError && error.isNetwork) return 'network';
  if (error instanceof ApiError && error.code === 'RATE_LIMITED') return 'rateLimited';
  return isBrieflyUnavailable(error) ? 'unavailable' : 'server';
}

/** The report last sent from the form: what the person had filled in, and the body sent, with its send key. */
export interface LastSending<Body extends ReportInput = ReportInput> {
  filled: string;
  body: Body;
}

/**
 * The body to send for what the person filled in: the one sent last, unchanged — its send key, its
 * time and position as they were — if nothing they filled in changed (Send tapped again after an
 * error, when the first may have been stored and only its answer lost: the server then answers the
 * first one's receipt, not a second report); else a new one (`build`) with a new key. Filled in,
 * not built: the body's time ("now", "15 minutes ago") and the phone's position move between taps.
 * The outbox keeps the body with its key, so its resends keep it too. The hotline's and the field's
 * forms send theirs the same way (a 503 whose commit still landed is one report, not two).
 */
export function bodyToSend<Body extends ReportInput>(
  last: { current: LastSending<Body> | null },
  filled: unknown,
  build: () => Body,
): Body {
  const key = JSON.stringify(filled);
  if (last.current?.filled !== key)
    last.current = { filled: key, body: { ...build(), sendKey: newSendKey() } };
  return last.current.body;
}
