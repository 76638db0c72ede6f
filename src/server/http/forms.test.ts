import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { acceptFormBodies, type FormBody, formList, formText } from './forms.js';

/** A route that takes forms and says what it read. */
async function reader() {
  const app = Fastify();
  await app.register(async (scope) => {
    acceptFormBodies(scope, 64 * 1024);
    scope.post('/form', async (request) => {
      const body = request.body as FormBody;
      return {
        constructor: formList(body, 'constructor'),
        toString: formText(body, 'toString'),
        proto: formText(body, '__proto__'),
        hasOwnProperty: formText(body, 'hasOwnProperty'),
        uniforms: formList(body, 'uniforms'),
        missing: formText(body, 'missing'),
      };
    });
  });
  return app;
}

const post = async (payload: string) => {
  const app = await reader();
  const response = await app.inject({
    method: 'POST',
    url: '/form',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload,
  });
  await app.close();
  return response.json() as Record<string, unknown>;
};

describe('forms posted without scripts', () => {
  it('hostile: a field named like something every object has is read as the field it is', async () => {
    const read = await post('constructor=a&constructor=b&toString=c&__proto__=d&hasOwnProperty=e');
    expect(read).toEqual({
      constructor: ['a', 'b'],
      toString: 'c',
      proto: 'd',
      hasOwnProperty: 'e',
      uniforms: [],
      missing: '',
    });
  });

  it('hostile: one checkbox repeated to the size limit is one list of all its values, in order', async () => {
    const count = 4_000;
    const body = Array.from({ length: count }, (_, i) => `uniforms=${i}`).join('&');
    const read = await post(body);
    const uniforms = read.uniforms as string[];
    expect(uniforms).toHaveLength(count);
    expect(uniforms[0]).toBe('0');
    expect(uniforms.at(-1)).toBe(String(count - 1));
  });

  it('reads only text: JSON sent to a form address gives empty fields, not numbers or objects', () => {
    const body = { markings: 5, activity: { raid: true }, uniforms: ['ice', 7, null] } as unknown as FormBody;
    expect(formText(body, 'markings')).toBe('');
    expect(formText(body, 'activity')).toBe('');
    expect(formList(body, 'uniforms')).toEqual(['ice']);
  });
});
