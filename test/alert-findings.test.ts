import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { GuardFinding } from '../src/shared/alert.js';
import { findingText } from '../src/web/pages/alerting/findings.js';

/**
 * What the composer says of each guard finding, in English and in Spanish:
 * what was found and where — a text in a language, a zone's name, the name
 * alerts are sent under — read from the web's locale files.
 */
const locale = (language: string) =>
  JSON.parse(readFileSync(new URL(`../src/web/locales/${language}.json`, import.meta.url), 'utf8'));

async function translator(language: 'en' | 'es') {
  const i18n = i18next.createInstance();
  await i18n.init({
    resources: { en: { translation: locale('en') }, es: { translation: locale('es') } },
    lng: language,
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  });
  return (key: string, values?: Record<string, unknown>) => {
    expect(i18n.exists(key), `${language}: ${key}`).toBe(true);
    return i18n.t(key, values ?? {});
  };
}

const ZONE = { id: '8c3d4e5f-6a7b-4c9d-8e1f-2a3b4c5d6e7f', name: 'Pacoima, 13520 Van Nuys Blvd' };
const at = { start: 9, end: 28 };

describe('the composer’s guard findings', () => {
  it('say a finding in a zone’s name is in that zone’s name, in both languages', async () => {
    const finding: GuardFinding = {
      language: null,
      field: 'zone',
      zoneId: ZONE.id,
      kind: 'address',
      text: '13520 Van Nuys Blvd',
      ...at,
    };
    expect(findingText(await translator('en'), finding, [ZONE])).toBe(
      'street address “13520 Van Nuys Blvd” (in the zone name “Pacoima, 13520 Van Nuys Blvd”)',
    );
    expect(findingText(await translator('es'), finding, [ZONE])).toBe(
      'dirección «13520 Van Nuys Blvd» (en el nombre de la zona «Pacoima, 13520 Van Nuys Blvd»)',
    );
  });

  it('say a finding in the sender’s name, or in a text with its language and field', async () => {
    const sender: GuardFinding = {
      language: null,
      field: 'sender',
      kind: 'phone',
      text: '213-555-0147',
      ...at,
    };
    const text: GuardFinding = { language: 'es', field: 'body', kind: 'phone', text: '213-555-0147', ...at };
    const [en, es] = [await translator('en'), await translator('es')];
    expect(findingText(en, sender, [])).toBe(
      'phone number “213-555-0147” (in the network’s name, which alerts are sent under)',
    );
    expect(findingText(es, sender, [])).toBe(
      'número de teléfono «213-555-0147» (en el nombre de la red, con el que se envían las alertas)',
    );
    expect(findingText(en, text, [])).toBe('phone number “213-555-0147” (ES, message)');
    expect(findingText(es, text, [])).toBe('número de teléfono «213-555-0147» (ES, mensaje)');
  });
});
