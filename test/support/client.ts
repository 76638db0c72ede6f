import type { OutgoingHttpHeaders } from 'node:http';
import { expect } from 'vitest';
import type { TestFaro } from './faro.js';

/** Who is asking: a session's cookie and CSRF headers (see sessions.ts), or any headers. */
export interface Caller {
  headers: Record<string, string>;
}

/** An answer of Faro's HTTP API, read once. */
export interface Reply {
  status: number;
  /**
   * The answer parsed as JSON, or undefined when it is not JSON. Typed loosely on purpose: tests
   * read the fields they check, and a wrong field fails the assertion that reads it.
   */
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked field by field by each test.
  body: any;
  /** The answer as sent. */
  text: string;
  headers: OutgoingHttpHeaders;
  /** "POST /api/reports", for failure messages. */
  request: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Requests to one Faro as one caller (or nobody), through the real HTTP stack (`app.inject`). */
export interface Client {
  get(url: string, headers?: Record<string, string>): Promise<Reply>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  put(url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  patch(url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  delete(url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
}

/** A client of `t`'s API as `caller` (its session's headers on every request), or anonymous. */
export function client(t: Pick<TestFaro, 'faro'>, caller?: Caller | null): Client {
  const send = async (
    method: Method,
    url: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> => {
    const response = await t.faro.app.inject({
      method,
      url,
      headers: { ...caller?.headers, ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    let parsed: unknown;
    try {
      parsed = response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      parsed = undefined;
    }
    return {
      status: response.statusCode,
      body: parsed,
      text: response.body,
      headers: response.headers,
      request: `${method} ${url}`,
    };
  };
  return {
    get: (url, headers) => send('GET', url, undefined, headers),
    post: (url, body, headers) => send('POST', url, body, headers),
    put: (url, body, headers) => send('PUT', url, body, headers),
    patch: (url, body, headers) => send('PATCH', url, body, headers),
    delete: (url, body, headers) => send('DELETE', url, body, headers),
  };
}

/** Asserts the answer's status, showing the request and what came back when it is not the one expected. */
export function expectStatus(reply: Reply, status: number): Reply {
  expect(reply.status, `${reply.request} answered ${reply.status}: ${reply.text}`).toBe(status);
  return reply;
}
