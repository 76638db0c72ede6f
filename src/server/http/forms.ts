import type { FastifyInstance } from 'fastify';

/** A form as a browser posts it without scripts: each name once, or a list when it repeats (checkboxes). */
export type FormBody = Record<string, string | string[]>;

/** The last value of a field (a text field), or '' when it was not sent. */
export const formText = (body: FormBody, name: string): string => {
  const value = body[name];
  return (Array.isArray(value) ? value.at(-1) : value) ?? '';
};

/** Every value of a field (checkboxes). */
export const formList = (body: FormBody, name: string): string[] => {
  const value = body[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
};

/**
 * Adds the reader of `application/x-www-form-urlencoded` bodies (the public
 * report form posted without scripts) to one plugin scope: only the routes
 * registered in it take forms; JSON stays the API's format everywhere else.
 */
export function acceptFormBodies(scope: FastifyInstance, bodyLimit: number): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    (_request, body: string, done) => {
      const form: FormBody = {};
      for (const [name, value] of new URLSearchParams(body)) {
        const seen = form[name];
        form[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
      }
      done(null, form);
    },
  );
}
