import { createHash } from 'node:crypto';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THEME_BOOT_SCRIPT, THEME_STORAGE_KEY } from '../src/shared/theme.js';
import { startTestFaro, type TestFaro } from './support/faro.js';

/**
 * Issue 14, dark theme: the remembered theme is applied by a tiny inline
 * script before the first paint. The Content-Security-Policy allows that one
 * script by its hash — no 'unsafe-inline' — and the script sets nothing but
 * the theme.
 */
let t: TestFaro;
beforeAll(async () => {
  t = await startTestFaro();
});
afterAll(async () => t?.stop());

/** What the script leaves on <html> for a stored value (or when storage throws). */
function boot(stored: string | null | Error): Record<string, string> {
  const attributes: Record<string, string> = {};
  vm.runInNewContext(THEME_BOOT_SCRIPT, {
    localStorage: {
      getItem: (key: string) => {
        if (stored instanceof Error) throw stored;
        return key === THEME_STORAGE_KEY ? stored : null;
      },
    },
    document: {
      documentElement: {
        setAttribute: (name: string, value: string) => {
          attributes[name] = value;
        },
      },
    },
  });
  return attributes;
}

describe('issue 14: the theme before the first paint', () => {
  it('applies a remembered light or dark theme, and leaves anything else to the device’s setting', () => {
    expect(boot('dark')).toEqual({ 'data-theme': 'dark' });
    expect(boot('light')).toEqual({ 'data-theme': 'light' });
    expect(boot('system')).toEqual({});
    expect(boot(null)).toEqual({});
    expect(boot('"><script>')).toEqual({});
    expect(boot(new Error('storage disabled'))).toEqual({});
  });

  it('is the one inline script the Content-Security-Policy allows, by its hash', async () => {
    const csp = String((await t.faro.app.inject({ url: '/dispatch' })).headers['content-security-policy']);
    const hash = createHash('sha256').update(THEME_BOOT_SCRIPT).digest('base64');
    expect(csp).toMatch(new RegExp(`script-src 'self' 'sha256-${hash.replace(/[+/]/g, '\\$&')}';`));
    expect(csp).not.toContain('unsafe-inline');
  });
});
