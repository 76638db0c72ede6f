import type http from 'node:http';

/** What an outbound exchange answers, and why it may refuse: shared by its HTTP/1.1 and HTTP/2 sides. */

export type RefusedReason = 'scheme' | 'host' | 'address' | 'redirect' | 'too_large';

/** A request Faro will not make, or an answer it will not read; never worth retrying as is. */
export class OutboundRefusedError extends Error {
  readonly code = 'OUTBOUND_REFUSED';
  constructor(
    readonly reason: RefusedReason,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundRefusedError';
  }
}

/** The whole exchange took longer than its deadline; may pass later. */
export class OutboundTimeoutError extends Error {
  readonly code = 'TIMEOUT';
  constructor() {
    super('the request timed out');
    this.name = 'OutboundTimeoutError';
  }
}

/**
 * The request was never sent, or the server did not process it (an HTTP/2 session went away or
 * refused the stream): nothing of it arrived.
 */
export class UnprocessedError extends Error {
  readonly code = 'UNPROCESSED';
  /** `queued`: it never had a stream or connection (it waited for one, or its session was gone when it was made). */
  constructor(readonly queued = false) {
    super('the server did not process the request');
    this.name = 'UnprocessedError';
  }
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** An answer, with where a redirect points (followed, or not, by outbound.ts). */
export type Answer = OutboundResponse & { location?: string };

export const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Whether an error means the destination was refused (rather than a failure that may pass). */
export const isRefused = (error: unknown): error is OutboundRefusedError =>
  error instanceof OutboundRefusedError;
