/**
 * Characters that can never be published: control characters other than tab
 * and line breaks (XML 1.0 cannot carry C0 controls, and no reader wants DEL or
 * C1 controls), the non-characters U+FFFE and U+FFFF, and lone UTF-16
 * surrogates (half of an emoji: no character at all, and PostgreSQL refuses it
 * in JSON). One of them in an alert or a zone name would break every CAP
 * document and the Atom feed, so input refuses them and the XML builders drop
 * any that got past.
 */
const UNPUBLISHABLE_SOURCE = String.raw`[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]`;

const UNPUBLISHABLE = new RegExp(UNPUBLISHABLE_SOURCE);
const UNPUBLISHABLE_ALL = new RegExp(UNPUBLISHABLE_SOURCE, 'g');

/** Whether the text holds a character that can never be published. */
export function hasUnpublishable(text: string): boolean {
  return UNPUBLISHABLE.test(text);
}

/** The text without the characters that can never be published (the XML builders' last line). */
export function withoutUnpublishable(text: string): string {
  return text.replace(UNPUBLISHABLE_ALL, '');
}

/** What a person is told when their text holds one (a zod refinement's message). */
export const UNPUBLISHABLE_MESSAGE =
  'must not contain control characters or broken characters (half of an emoji); retype it';
