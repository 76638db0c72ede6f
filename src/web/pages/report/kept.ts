import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReportInput } from '../../../shared/report.js';
import { ApiError } from '../../api.js';

/**
 * What the report form keeps on the phone, so that nothing is lost to a
 * dropped connection or a reload: reports made offline (the outbox, until
 * the server has taken them) and the last receipt code (until the person
 * dismisses it). Only this phone holds them; nothing here names anyone.
 */

const OUTBOX = 'faro.outbox';
const RECEIPT = 'faro.receipt';

export interface Waiting {
  /** This phone's name for the waiting report (not sent). */
  key: string;
  body: ReportInput;
  savedAt: string;
}

function read<T>(key: string, fallback: T): T {
  try {
    const text = window.localStorage.getItem(key);
    return text ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or refused (private mode): the page still holds it while open.
  }
}

export const waitingReports = (): Waiting[] => read<Waiting[]>(OUTBOX, []);

/** Keeps a report that could not be sent; it is sent when the connection returns. */
export function keepWaiting(body: ReportInput, now = new Date()): Waiting {
  const waiting = {
    key: `${now.getTime()}-${Math.random().toString(36).slice(2, 8)}`,
    body,
    savedAt: now.toISOString(),
  };
  write(OUTBOX, [...waitingReports(), waiting]);
  return waiting;
}

export function forgetWaiting(key: string): void {
  write(
    OUTBOX,
    waitingReports().filter((waiting) => waiting.key !== key),
  );
}

export interface KeptReceipt {
  code: string;
  /** How many photos did not make it into the report. */
  photosMissing: number;
}

/**
 * How long the receipt stays on the phone if the person does not move on: long enough to
 * check the report's status later that day, short enough that a phone that is lost, shared or
 * taken does not keep saying "Report received" for days.
 */
const RECEIPT_KEPT_MS = 6 * 3600_000;

export const keptReceipt = (now = Date.now()): KeptReceipt | null => {
  const kept = read<(KeptReceipt & { savedAt?: number }) | null>(RECEIPT, null);
  if (!kept?.savedAt || now - kept.savedAt > RECEIPT_KEPT_MS) {
    if (kept) write(RECEIPT, null);
    return null;
  }
  return { code: kept.code, photosMissing: kept.photosMissing };
};
export const keepReceipt = (receipt: KeptReceipt) => write(RECEIPT, { ...receipt, savedAt: Date.now() });
export const dismissReceipt = () => write(RECEIPT, null);

/** Asks the browser to wake the page's service worker when the connection returns (Background Sync, where there is one). */
async function askForSync(): Promise<void> {
  try {
    const registration = await navigator.serviceWorker?.ready;
    const sync = (registration as unknown as { sync?: { register(tag: string): Promise<void> } } | undefined)
      ?.sync;
    await sync?.register(OUTBOX_SYNC);
  } catch {
    // No Background Sync here: the page sends on its next open, on 'online', and on its own timer.
  }
}

/** The tag the service worker hears when the connection returns; it tells open pages to send. */
export const OUTBOX_SYNC = 'faro-outbox';
/** How often an open page tries again while reports wait. */
const RETRY_MS = 20_000;

/**
 * The outbox of the report form: reports kept on the phone are sent as soon
 * as the connection returns — when the browser says it is back, when the
 * service worker is woken by Background Sync, on the page's next open, and
 * every 20 seconds while the page is open. `send` is the form's own sending
 * (proof of work included); a report leaves the outbox only once the server
 * has taken it.
 */
export function useOutbox(
  send: (body: ReportInput) => Promise<{ receipt: string }>,
  onSent: (receipt: KeptReceipt) => void,
) {
  const [waiting, setWaiting] = useState<Waiting[]>([]);
  const [sending, setSending] = useState(false);
  const busy = useRef(false);
  const latest = useRef({ send, onSent });
  latest.current = { send, onSent };

  const flush = useCallback(async () => {
    if (busy.current) return;
    busy.current = true;
    setSending(true);
    try {
      for (const item of waitingReports()) {
        try {
          const created = await latest.current.send(item.body);
          forgetWaiting(item.key);
          const receipt = { code: created.receipt, photosMissing: 0 };
          keepReceipt(receipt);
          latest.current.onSent(receipt);
        } catch (error) {
          // Still no connection, or the server busy: it waits for the next try.
          if (error instanceof ApiError && !error.isNetwork && error.status < 500 && error.status !== 429) {
            // Refused for good (it cannot become valid by waiting): not sent again and again.
            forgetWaiting(item.key);
          }
          break;
        }
      }
    } finally {
      busy.current = false;
      setSending(false);
      setWaiting(waitingReports());
    }
  }, []);

  useEffect(() => setWaiting(waitingReports()), []);
  const count = waiting.length;
  useEffect(() => {
    if (count === 0) return;
    const onMessage = (event: MessageEvent) => {
      if ((event.data as { type?: string } | null)?.type === OUTBOX_SYNC) void flush();
    };
    const timer = window.setInterval(() => void flush(), RETRY_MS);
    window.addEventListener('online', flush);
    navigator.serviceWorker?.addEventListener('message', onMessage);
    void flush();
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('online', flush);
      navigator.serviceWorker?.removeEventListener('message', onMessage);
    };
  }, [count, flush]);

  const keep = useCallback((body: ReportInput) => {
    keepWaiting(body);
    setWaiting(waitingReports());
    void askForSync();
  }, []);

  /** Takes every waiting report off this phone, unsent (the person's choice: a phone that may be looked at). */
  const forgetAll = useCallback(() => {
    for (const item of waitingReports()) forgetWaiting(item.key);
    setWaiting([]);
  }, []);

  return { waiting, sending, keep, flush, forgetAll };
}
