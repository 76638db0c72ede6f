import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AFTER_SIGN_IN, safeNext } from '../src/shared/safe-next.js';

/** How a browser resolves the destination on two different sites: it must stay on each. */
const staysOnSite = (next: string) =>
  ['https://faro.example.org', 'http://127.0.0.1:8080'].every((base) => {
    const url = new URL(next, base);
    return url.origin === new URL(base).origin;
  });

const HOSTILE_PREFIXES = [
  '/\\',
  '\\\\',
  '\\/',
  '//',
  '/\t/',
  '/\n/',
  '/\r/',
  ' /',
  '/ /',
  'https:',
  'https://evil.example',
  'javascript:',
  '/..//',
  '/a/../..//',
  '/%09/',
  '\u0000/',
  '/\u3000/',
];

describe('issue 12 item 14: safeNext follows only same-origin paths after sign-in', () => {
  it('refuses /\\evil and the other ways out of the site seen in the wild', () => {
    for (const next of [
      '/\\evil.example',
      '/\\/evil.example',
      '//evil.example',
      '/\t/evil.example',
      'https://evil.example/',
    ]) {
      expect(safeNext(next), JSON.stringify(next)).toBe(DEFAULT_AFTER_SIGN_IN);
    }
    expect(safeNext(null)).toBe(DEFAULT_AFTER_SIGN_IN);
    expect(safeNext('/admin')).toBe('/admin');
    expect(safeNext('/alerting?incident=12#draft')).toBe('/alerting?incident=12#draft');
  });

  it('never returns anything but a path on this site, whatever it is given (property)', () => {
    const anything = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc
        .tuple(fc.constantFrom(...HOSTILE_PREFIXES), fc.string({ unit: 'binary', maxLength: 30 }))
        .map(([prefix, rest]) => `${prefix}${rest}`),
      fc.webUrl(),
    );
    fc.assert(
      fc.property(anything, (next) => {
        const result = safeNext(next);
        expect(result.startsWith('/')).toBe(true);
        expect(result.startsWith('//')).toBe(false);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: none may pass.
        expect(/[\\\u0000-\u001f\u007f\s]/.test(result)).toBe(false);
        expect(staysOnSite(result)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps ordinary paths of the site as they are (property)', () => {
    const segment = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
        const path = `/${segments.join('/')}`;
        expect(safeNext(path)).toBe(path);
      }),
    );
  });
});
