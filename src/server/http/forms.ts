import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A form as a browser posts it without scripts: each name once, or a list when it repeats (checkboxes). */
export type FormBody = Record<string, string | string[]>;

/** The last value of a field (a text field), or '' when it was not sent. */
export const formText = (body: FormBody, name: string): string => {
  const value: unknown = Object.hasOwn(body, name) ? body[name] : undefined;
  const last: unknown = Array.isArray(value) ? value.at(-1) : value;
  // A body that is not a form (JSON sent to a form's address) may hold anything: only text is a field.
  return typeof last === 'string' ? last : '';
};

/** Every value of a field (checkboxes). */
export const formList = (body: FormBody, name: string): string[] => {
  const value: unknown = Object.hasOwn(body, name) ? body[name] : undefined;
  const all: unknown[] = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return all.filter((one): one is string => typeof one === 'string');
};

/**
 * Adds the reader of `application/x-www-form-urlencoded` bodies (the public
 * report and subscribe forms posted without scripts) to one plugin scope: only the routes
 * registered in it take forms; JSON stays the API's format everywhere else.
 */
export function acceptFormBodies(scope: FastifyInstance, bodyLimit: number): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    (_request, body: string, done) => {
      // No prototype: a field named "constructor" or "__proto__" is a field like any other.
      const form: FormBody = Object.create(null);
      for (const [name, value] of new URLSearchParams(body)) {
        const seen = Object.hasOwn(form, name) ? form[name] : undefined;
        // Added in place: copying the list for each repeat made a body of one name repeated
        // (a&a&…, 64 KiB, 100 bytes gzipped) cost the square of its length: 4.5 s of the only thread.
        if (seen === undefined) form[name] = value;
        else if (Array.isArray(seen)) seen.push(value);
        else form[name] = [seen, value];
      }
      done(null, form);
    },
  );
}

/** Whether the request's body is a form (`application/x-www-form-urlencoded`), as a browser posts one. */
export const isFormPost = (request: FastifyRequest): boolean =>
  (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ===
  'application/x-www-form-urlencoded';

/**
 * A form posted from another site's page (a visitor's browser made to send
 * reports or subscriptions for someone else). Browsers say where a form came
 * from: Sec-Fetch-Site (only "same-origin" is this Faro's own page), else
 * Origin — this Faro's pages send theirs (Referrer-Policy same-origin), and
 * "null" is what a sandboxed frame or a data: page of another site sends. A
 * client that says nothing is let through; the limits still hold it.
 * Refusing keeps no state, and the answer must not echo what was posted:
 * another site's words must not wait in a form for a person to send them.
 */
export function postedFromAnotherSite(request: FastifyRequest, publicUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site) return site !== 'same-origin';
  const origin = request.headers.origin;
  if (!origin) return false;
  if (origin === 'null') return true;
  try {
    const host = new URL(origin).host;
    return host !== new URL(publicUrl).host && host !== request.headers.host;
  } catch {
    return true;
  }
}
