import type { PublicLanguage } from '../../shared/languages.js';
import type { Language } from '../../shared/report-fields.js';
import ar from './ar.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };
import es from './es.json' with { type: 'json' };
import fr from './fr.json' with { type: 'json' };
import ht from './ht.json' with { type: 'json' };
import ko from './ko.json' with { type: 'json' };
import pt from './pt.json' with { type: 'json' };
import tl from './tl.json' with { type: 'json' };
import vi from './vi.json' with { type: 'json' };
import zh from './zh.json' with { type: 'json' };

/** Server-side texts (e-mails, SMS), complete in English and Spanish, like the web app's. */
const catalogs = { en, es } as const;

/**
 * The texts the other public languages have on the server: the rights library's and the public
 * pages' (issue 17), which speak all ten. test/locales.test.ts keeps each of them complete.
 */
const publicCatalogs: Record<Exclude<PublicLanguage, Language>, unknown> = { zh, vi, ko, tl, ar, ht, pt, fr };

function find(catalog: unknown, key: string): string | undefined {
  let node: unknown = catalog;
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return typeof node === 'string' ? node : undefined;
}

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? '');

function lookup(catalog: unknown, language: string, key: string, values: Record<string, string>): string {
  const text = find(catalog, key);
  if (text === undefined) throw new Error(`missing server text ${language}:${key}`);
  return fill(text, values);
}

/** The sections every public language has on the server (test/locales.test.ts keeps them complete). */
export const PUBLIC_SERVER_SECTIONS = [
  'rights',
  'pages',
  'alerts',
  'subscriptionMail',
  'subscriptionSms',
  'subscriptionPush',
] as const;
type PublicKey = `${(typeof PUBLIC_SERVER_SECTIONS)[number]}.${string}`;

/** A text by dotted key with {{name}} placeholders filled in. */
export function message(language: Language, key: string, values: Record<string, string> = {}): string {
  return lookup(catalogs[language], language, key, values);
}

/**
 * A text in any public language; where the language lacks the key, either an error (the sections
 * every public language must have) or the English text (what is not yet translated is sent in
 * English rather than not at all).
 */
function publicText(
  language: PublicLanguage,
  key: string,
  values: Record<string, string>,
  missing: 'error' | 'english',
): string {
  const catalog = language === 'en' || language === 'es' ? catalogs[language] : publicCatalogs[language];
  if (missing === 'error') return lookup(catalog, language, key, values);
  const text = find(catalog, key);
  return text === undefined ? message('en', key, values) : fill(text, values);
}

/**
 * A text of the public side's in any public language: the rights library's `rights.…`, the pages'
 * `pages.…`, alerts' `alerts.…`, and what asks a subscriber to confirm (`subscriptionMail.…`,
 * `subscriptionSms.…`, `subscriptionPush.…`).
 */
export const publicMessage = (
  language: PublicLanguage,
  key: PublicKey,
  values: Record<string, string> = {},
) => publicText(language, key, values, 'error');

/**
 * A text to an SMS sender (`sms.…`, `plans.reply.…`, `familyStatus.reply.…`) in any public
 * language: the keywords' replies are in all ten; a reply not yet translated into one of the
 * other eight is sent in English.
 */
export const smsMessage = (language: PublicLanguage, key: string, values: Record<string, string> = {}) =>
  publicText(language, key, values, 'english');
