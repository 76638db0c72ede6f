/** Where a person goes after signing in when no (acceptable) destination was given. */
export const DEFAULT_AFTER_SIGN_IN = '/dispatch';

const PROBE_ORIGIN = 'https://faro.invalid';

/**
 * The page to open after sign-in (`?next=`): only a path on this site. A
 * browser reads `\` as `/` and drops tabs and line breaks inside a URL, so
 * `/\evil.example` or `/\t/evil.example` would leave the site like
 * `//evil.example`; anything with a backslash, a control character or
 * whitespace, anything that does not start with one `/`, and anything a URL
 * parser places on another origin falls back to the board (issue 12 item 14).
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || next.length > 2048 || !next.startsWith('/') || next.startsWith('//'))
    return DEFAULT_AFTER_SIGN_IN;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here.
  if (/[\\\u0000-\u001f\u007f\s]/.test(next)) return DEFAULT_AFTER_SIGN_IN;
  let url: URL;
  try {
    url = new URL(next, PROBE_ORIGIN);
  } catch {
    return DEFAULT_AFTER_SIGN_IN;
  }
  if (url.origin !== PROBE_ORIGIN) return DEFAULT_AFTER_SIGN_IN;
  // The normalized path, so `/a/../..//x` cannot become `//x` later on.
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('//') ? DEFAULT_AFTER_SIGN_IN : path;
}
