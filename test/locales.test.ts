import { describe, expect, it } from 'vitest';
import serverEn from '../src/server/locales/en.json' with { type: 'json' };
import serverEs from '../src/server/locales/es.json' with { type: 'json' };
import { AUDIT_ACTIONS, AUDIT_SUBJECTS } from '../src/shared/audit.js';
import { PUBLIC_LANGUAGES } from '../src/shared/languages.js';
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

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

const CATALOGS = {
  server: { en: serverEn, es: serverEs },
  web: { en: webEn, es: webEs },
} satisfies Record<string, Record<(typeof LANGUAGES)[number], unknown>>;

describe.each(Object.entries(CATALOGS))('the %s locales', (_side, catalogs) => {
  const byLanguage = LANGUAGES.map((language) => [language, texts(catalogs[language])] as const);
  const allKeys = [...new Set(byLanguage.flatMap(([, found]) => [...found.keys()]))].sort();

  it.each(LANGUAGES)('%s has every key another language has, and no empty text', (language) => {
    const found = texts(catalogs[language]);
    expect(allKeys.filter((key) => !found.has(key))).toEqual([]);
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

/**
 * The rights library's page speaks ten languages (issue 17): each of the other eight has every
 * word that page and the header around it show, with the same placeholders as English — nothing
 * on /rights falls back to English.
 */
const RIGHTS_PAGE_KEYS = /^(app\.(name|skip)|lang\.label|rights\.|contacts\.)/;

describe('the rights page’s words in every public language', () => {
  const english = [...texts(webEn)].filter(([key]) => RIGHTS_PAGE_KEYS.test(key));
  it.each(PUBLIC_LANGUAGES.filter((l) => !(LANGUAGES as readonly string[]).includes(l)))(
    '%s has them all',
    async (language) => {
      const found = texts((await import(`../src/web/locales/${language}.json`)).default);
      expect(english.filter(([key]) => !found.get(key)?.trim()).map(([key]) => key)).toEqual([]);
      expect(
        english
          .filter(([key, text]) => `${placeholders(text)}` !== `${placeholders(found.get(key) ?? '')}`)
          .map(([key]) => key),
      ).toEqual([]);
    },
  );
});

describe('the rights library’s server texts in every public language', () => {
  const english = [...texts(serverEn)].filter(([key]) => key.startsWith('rights.'));
  it.each(PUBLIC_LANGUAGES.filter((l) => !(LANGUAGES as readonly string[]).includes(l)))(
    '%s has them all',
    async (language) => {
      const found = texts((await import(`../src/server/locales/${language}.json`)).default);
      expect(english.filter(([key]) => !found.get(key)?.trim()).map(([key]) => key)).toEqual([]);
      expect(
        english
          .filter(([key, text]) => `${placeholders(text)}` !== `${placeholders(found.get(key) ?? '')}`)
          .map(([key]) => key),
      ).toEqual([]);
    },
  );
});

describe('the alerts’ server texts in every public language (issue 17)', () => {
  // Templates, activities, the rights paragraph and line, the marks of a test, e-mail and SMS framing, CAP's event.
  const english = [...texts(serverEn)].filter(([key]) => key.startsWith('alerts.'));
  it.each(PUBLIC_LANGUAGES.filter((l) => !(LANGUAGES as readonly string[]).includes(l)))(
    '%s has them all, with the same placeholders, and never the English',
    async (language) => {
      const found = texts((await import(`../src/server/locales/${language}.json`)).default);
      expect(english.filter(([key]) => !found.get(key)?.trim()).map(([key]) => key)).toEqual([]);
      expect(
        english
          .filter(([key, text]) => `${placeholders(text)}` !== `${placeholders(found.get(key) ?? '')}`)
          .map(([key]) => key),
      ).toEqual([]);
      // Translated, not copied (joining words may be the same: ", ").
      const copied = english.filter(([key, text]) => text.length > 12 && found.get(key) === text);
      expect(copied.map(([key]) => key)).toEqual([]);
    },
  );
});
