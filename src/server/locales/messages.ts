import type { Language } from '../../shared/report-fields.js';
import en from './en.json' with { type: 'json' };
import es from './es.json' with { type: 'json' };

/** Server-side texts (e-mails, SMS), complete in every language, like the web app's. */
const catalogs = { en, es } as const;

/** A text by dotted key with {{name}} placeholders filled in. */
export function message(language: Language, key: string, values: Record<string, string> = {}): string {
  let node: unknown = catalogs[language];
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'string') throw new Error(`missing server text ${language}:${key}`);
  return node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? '');
}
