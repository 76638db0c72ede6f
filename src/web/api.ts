import type { ErrorBody, FieldProblem } from '../shared/errors.js';

/** A failed API call: the server's error code and field problems, or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly fields: FieldProblem[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
  get isNetwork(): boolean {
    return this.code === 'NETWORK';
  }
}

let csrfToken: string | undefined;

/** Remembers the session's CSRF token; every state-changing call sends it. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** The session's CSRF token, for a library that makes its own requests (a resumable upload). */
export const csrfHeader = (): Record<string, string> => (csrfToken ? { 'x-csrf-token': csrfToken } : {});

/** Calls the API with JSON and returns the parsed body, or throws ApiError. */
export async function api<T>(
  path: string,
  init: {
    method?: string;
    body?: unknown;
    signal?: AbortSignal;
    headers?: Record<string, string>;
    /** Sent as it is (a recording, a photo) with its own content type, instead of JSON. */
    blob?: Blob;
  } = {},
): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.blob) headers['content-type'] = init.blob.type.split(';')[0] ?? 'application/octet-stream';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: init.blob ?? (init.body === undefined ? null : JSON.stringify(init.body)),
      signal: init.signal ?? null,
      credentials: 'same-origin',
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('NETWORK', 'network error', 0);
  }
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  const token = (body as { csrfToken?: string; session?: { csrfToken?: string } } | undefined) ?? {};
  if (response.ok && (token.csrfToken ?? token.session?.csrfToken))
    setCsrfToken(token.csrfToken ?? token.session?.csrfToken);
  if (!response.ok) {
    const error = (body as ErrorBody | undefined)?.error;
    throw new ApiError(
      error?.code ?? 'INTERNAL',
      error?.message ?? response.statusText,
      response.status,
      error?.details?.fields,
      error?.details,
    );
  }
  return body as T;
}
