import type { FastifyInstance } from 'fastify';

/**
 * A stand-in for one browser talking to the API through `app.inject`: it keeps
 * the session cookie the server sets and sends the CSRF token the server gave,
 * as the web app does.
 */
export class ApiBrowser {
  token: string | undefined;
  csrfToken: string | undefined;
  sendCsrf = true;

  constructor(private readonly app: FastifyInstance) {}

  async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) {
    const headers: Record<string, string> = {};
    if (this.token) headers.cookie = `faro_session=${this.token}`;
    if (this.csrfToken && this.sendCsrf) headers['x-csrf-token'] = this.csrfToken;
    const response = await this.app.inject({
      method,
      url,
      headers,
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const cookie = response.cookies.find((c) => c.name === 'faro_session');
    if (cookie) this.token = cookie.value || undefined;
    const type = String(response.headers['content-type'] ?? '');
    if (type.includes('json')) {
      const json = response.json() as { csrfToken?: string; session?: { csrfToken?: string } };
      const csrf = json.csrfToken ?? json.session?.csrfToken;
      if (csrf) this.csrfToken = csrf;
    }
    return response;
  }

  get = (url: string) => this.call('GET', url);
  post = (url: string, body: unknown = {}) => this.call('POST', url, body);
}
