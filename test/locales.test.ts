import { describe, expect, it } from 'vitest';
import serverEn from '../src/server/locales/en.json' with { type: 'json' };
import serverEs from '../src/server/locales/es.json' with { type: 'json' };
import { PUBLIC_SERVER_SECTIONS } from '../src/server/locales/messages.js';
import { AUDIT_ACTIONS, AUDIT_SUBJECTS } from '../src/shared/audit.js';
import { LANGUAGE_FACTS, PUBLIC_LANGUAGES } from '../src/shared/languages.js';
import { LANGUAGES } from '../src/shared/report-fields.js';
import webEn from '../src/web/locales/en.json' with { type: 'json' };
import webEs from '../src/web/locales/es.json' with { type: 'json' };

/** Every text of a catalog by its dotted key (nested objects walked). */
function texts(node: unknown, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  if (typeof node === 'string') return found.set(prefix, node);
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    for (const [path, text] of texts(value, prefix ? `${prefix}.${key}` : key)) found.set(path, text);
  }
  return found;
}

/** A plural form's suffix (i18next's, by Intl.PluralRules categories). */
const PLURAL = /_(zero|one|two|few|many|other)$/;

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

/** What a translation lacks of English's texts: keys missing or empty, and keys with other placeholders. */
const gaps = (english: [string, string][], found: Map<string, string>) => ({
  missing: english.filter(([key]) => !found.get(key)?.trim()).map(([key]) => key),
  placeholders: english
    .filter(([key, text]) => `${placeholders(text)}` !== `${placeholders(found.get(key) ?? '')}`)
    .map(([key]) => key),
});
const NO_GAPS = { missing: [], placeholders: [] };

/** The public languages besides English and Spanish (drafts until reviewed). */
const OTHER_LANGUAGES = PUBLIC_LANGUAGES.filter((l) => !(LANGUAGES as readonly string[]).includes(l));

const CATALOGS = {
  server: { en: serverEn, es: serverEs },
  web: { en: webEn, es: webEs },
} satisfies Record<string, Record<(typeof LANGUAGES)[number], unknown>>;

describe.each(Object.entries(CATALOGS))('the %s locales', (_side, catalogs) => {
  const byLanguage = LANGUAGES.map((language) => [language, texts(catalogs[language])] as const);
  // A plural is one key whatever its forms (Spanish has "many", English not: the last test below).
  const keyOf = (key: string) => key.replace(PLURAL, '');
  const allKeys = [...new Set(byLanguage.flatMap(([, found]) => [...found.keys()].map(keyOf)))].sort();

  it.each(LANGUAGES)('%s has every key another language has, and no empty text', (language) => {
    const found = texts(catalogs[language]);
    const keys = new Set([...found.keys()].map(keyOf));
    expect(allKeys.filter((key) => !keys.has(key))).toEqual([]);
    // An empty text is allowed only where every language leaves it empty (a deliberate blank).
    const empty = [...found].filter(
      ([key, text]) => text.trim() === '' && byLanguage.some(([, other]) => other.get(key)?.trim()),
    );
    expect(empty.map(([key]) => key)).toEqual([]);
  });

  it('fills the same placeholders in every language', () => {
    const [first, ...others] = byLanguage;
    if (!first) throw new Error('no language');
    const differing = others.flatMap(([language, found]) =>
      [...first[1]]
        .filter(
          ([key, text]) =>
            found.has(key) && `${placeholders(text)}` !== `${placeholders(found.get(key) ?? '')}`,
        )
        .map(([key]) => `${language}:${key}`),
    );
    expect(differing).toEqual([]);
  });
});

describe('the audit log’s words', () => {
  it.each(LANGUAGES)('%s names every action and kind of record the audit log records', (language) => {
    const found = texts(CATALOGS.web[language]);
    const missing = [
      ...AUDIT_ACTIONS.map((action) => `admin.auditActions.${action.replaceAll('.', '_')}`),
      ...AUDIT_SUBJECTS.map((subject) => `admin.auditSubjects.${subject}`),
    ].filter((key) => !found.get(key)?.trim());
    expect(missing).toEqual([]);
  });
});

describe('the public side’s server texts in every public language', () => {
  // The rights library's, what the server puts into a public page (the noscript line, its description),
  // alerts', and what asks a subscriber to confirm.
  const english = [...texts(serverEn)].filter(([key]) =>
    (PUBLIC_SERVER_SECTIONS as readonly string[]).includes(key.split('.')[0] ?? ''),
  );
  it('covers every section publicMessage reads', () => {
    expect(PUBLIC_SERVER_SECTIONS.filter((section) => !(section in serverEn))).toEqual([]);
  });
  it.each(OTHER_LANGUAGES)('%s has them all, the alerts’ translated rather than copied', async (language) => {
    const found = texts((await import(`../src/server/locales/${language}.json`)).default);
    expect(gaps(english, found)).toEqual(NO_GAPS);
    // Alerts' texts translated, not copied (joining words may be the same: ", ").
    const copied = english.filter(
      ([key, text]) => key.startsWith('alerts.') && text.length > 12 && found.get(key) === text,
    );
    expect(copied.map(([key]) => key)).toEqual([]);
  });
});

/**
 * Every public page speaks the ten (issue 17): the sections of words the public pages, their
 * header and their errors show. Each language has every one of them English has, with the same
 * placeholders, and each plural in exactly the forms its language's plural rules ask for (Arabic
 * six, Chinese, Korean and Vietnamese one, French, Portuguese and Spanish three: "many" too).
 */
const PUBLIC_SECTIONS = [
  'app',
  'lang',
  'nav',
  'home',
  'report',
  'status',
  'time',
  'subscribe',
  'subscribeChannels',
  'alerts',
  'unsubscribe',
  'errors',
  'titles',
  'notFound',
  'contacts',
  'theme',
  'plan',
  'family',
  'rights',
];
const publicTexts = (catalog: unknown) =>
  new Map([...texts(catalog)].filter(([key]) => PUBLIC_SECTIONS.includes(key.split('.')[0] ?? '')));

describe('the public pages’ words in all ten languages', () => {
  const english = publicTexts(webEn);
  // A plural by its key without the form, with English's "other" (its placeholders are the fullest).
  const plurals = new Map(
    [...english]
      .filter(([key]) => key.endsWith('_other'))
      .map(([key, text]) => [key.replace(PLURAL, ''), text]),
  );
  const singles = [...english].filter(([key]) => !PLURAL.test(key) || !plurals.has(key.replace(PLURAL, '')));

  it('covers every section the public pages read, and finds plurals to check', () => {
    expect(PUBLIC_SECTIONS.filter((section) => !(section in webEn))).toEqual([]);
    expect(plurals.size).toBeGreaterThan(5);
  });

  it.each(PUBLIC_LANGUAGES)('%s has every word, with the same placeholders', async (language) => {
    const found = publicTexts((await import(`../src/web/locales/${language}.json`)).default);
    expect(gaps(singles, found)).toEqual(NO_GAPS);
  });

  it.each(PUBLIC_LANGUAGES)('%s has each plural in the forms its plural rules use', async (language) => {
    const found = publicTexts((await import(`../src/web/locales/${language}.json`)).default);
    const forms = new Intl.PluralRules(LANGUAGE_FACTS[language].tag).resolvedOptions().pluralCategories;
    const wrong = [...plurals].flatMap(([base, text]) => {
      const has = [...found.keys()].filter((key) => key.replace(PLURAL, '') === base && PLURAL.test(key));
      // i18next reads a form from `key_form`, else from the bare `key` (English's "one" is often that).
      const missing = forms.filter((form) => !found.has(`${base}_${form}`) && !found.has(base));
      const unused = has.filter((key) => !forms.some((form) => key === `${base}_${form}`));
      // Every form says only what English's "other" fills in, and "other" all of it ({{count}} too).
      const other = `${placeholders(found.get(`${base}_other`) ?? '')}` !== `${placeholders(text)}`;
      const extra = has.filter((key) =>
        placeholders(found.get(key) ?? '').some((name) => !placeholders(text).includes(name)),
      );
      return [
        ...missing.map((form) => `${base}_${form}: missing`),
        ...unused.map((key) => `${key}: not a form of ${language}`),
        ...(other ? [`${base}_other: placeholders`] : []),
        ...extra.map((key) => `${key}: placeholders`),
      ];
    });
    expect(wrong).toEqual([]);
  });
});
