import { describe, expect, it } from 'vitest';
import { type CapAlert, type CapInfo, capPolygon, capXml } from '../src/server/modules/alerts/cap.js';
import { atomFeed } from '../src/server/modules/alerts/feed.js';
import { DEMO_ZONES } from '../src/server/modules/demo/demo-data.js';
import { validateCap, xmllint } from './support/xml.js';

/**
 * Every kind of CAP document Faro produces validates against the official
 * OASIS schema (test/fixtures/cap-v1.2.xsd, a copy of the standard's file),
 * checked by xmllint — a validator that is not Faro's code.
 */
const validate = validateCap;

const zone = (slug: string) => {
  const found = DEMO_ZONES.find((z) => z.slug === slug);
  if (!found) throw new Error(slug);
  return { areaDesc: found.name, outline: found.boundary.coordinates[0] ?? [] };
};
const SENT = new Date('2026-11-29T18:30:00Z');
const SENDER = 'alerts@faro.network.example';

const info = (language: 'en-US' | 'es-US', overrides: Partial<CapInfo> = {}): CapInfo => ({
  language,
  event: language === 'en-US' ? 'Immigration enforcement activity' : 'Operativo de inmigración',
  urgency: 'Immediate',
  severity: 'Severe',
  certainty: 'Observed',
  expires: new Date(SENT.getTime() + 2 * 3_600_000),
  senderName: 'Los Angeles Rapid Response (demo)',
  headline:
    language === 'en-US'
      ? 'ICE activity confirmed in Boyle Heights'
      : 'Operativo confirmado en Boyle Heights',
  description:
    language === 'en-US'
      ? 'Verified by a volunteer on scene near 1st & Soto at 10:30 <am>.'
      : 'Verificado por un voluntario cerca de 1st y Soto a las 10:30.',
  instruction:
    language === 'en-US' ? 'You have the right to remain silent.' : 'Tiene derecho a guardar silencio.',
  web: 'https://faro.network.example/alerts',
  areas: [zone('boyle-heights')],
  ...overrides,
});

const alert = (overrides: Partial<CapAlert> = {}): CapAlert => ({
  identifier: 'faro-2026-0001',
  sender: SENDER,
  sent: SENT,
  status: 'Actual',
  msgType: 'Alert',
  infos: [info('en-US')],
  ...overrides,
});
const previous = { sender: SENDER, identifier: 'faro-2026-0001', sent: SENT };

const KINDS: [string, CapAlert][] = [
  ['alert', alert()],
  ['multi-language', alert({ infos: [info('en-US'), info('es-US')] })],
  [
    'multi-zone',
    alert({
      infos: [
        info('en-US', { areas: [zone('boyle-heights'), zone('east-los-angeles'), zone('pico-union')] }),
      ],
    }),
  ],
  [
    'update',
    alert({
      identifier: 'faro-2026-0002',
      msgType: 'Update',
      references: [previous],
      infos: [info('en-US'), info('es-US')],
    }),
  ],
  [
    'cancel',
    alert({
      identifier: 'faro-2026-0003',
      msgType: 'Cancel',
      note: 'Sent in error: no activity was confirmed.',
      references: [previous],
      infos: [info('en-US', { certainty: 'Unlikely', severity: 'Minor', urgency: 'Past' })],
    }),
  ],
  [
    'all clear',
    alert({
      identifier: 'faro-2026-0004',
      msgType: 'Update',
      references: [previous, { ...previous, identifier: 'faro-2026-0002' }],
      infos: [
        info('en-US', { responseType: 'AllClear', urgency: 'Past', severity: 'Minor' }),
        info('es-US', { responseType: 'AllClear', urgency: 'Past', severity: 'Minor' }),
      ],
    }),
  ],
  ['exercise', alert({ status: 'Exercise' })],
  ['test', alert({ status: 'Test', note: 'TEST — not a real alert' })],
];

describe('CAP 1.2 documents', () => {
  it.each(KINDS)('a %s validates against the official schema', async (_kind, document) => {
    const result = await validate(capXml(document));
    expect(result.output).toContain('validates');
    expect(result.valid).toBe(true);
  });

  it('the validator does refuse what the schema does not allow', async () => {
    const broken = capXml(alert()).replace('<status>Actual</status>', '<status>Live</status>');
    expect((await validate(broken)).valid).toBe(false);
    const missing = capXml(alert()).replace('  <identifier>faro-2026-0001</identifier>\n', '');
    expect((await validate(missing)).valid).toBe(false);
    // Without a schema it still checks that a document is well-formed (the Atom feed's test uses this).
    expect((await xmllint('<feed><entry></feed>')).valid).toBe(false);
    expect((await xmllint('<feed><entry/></feed>')).valid).toBe(true);
  });

  it('writes CAP polygons as closed "lat,lon" rings and times with an explicit offset', () => {
    expect(
      capPolygon([
        [-118.2, 34.0],
        [-118.1, 34.0],
        [-118.1, 34.1],
      ]),
    ).toBe('34.00000,-118.20000 34.00000,-118.10000 34.10000,-118.10000 34.00000,-118.20000');
    expect(capXml(alert())).toContain('<sent>2026-11-29T18:30:00-00:00</sent>');
    expect(capXml(alert())).toContain('10:30 &lt;am&gt;');
  });

  it('issue 12 item 14: a control character or lone surrogate that reaches the builder never breaks the document', async () => {
    const document = alert({
      infos: [
        info('en-US', {
          headline: 'ICE activity\u0007 confirmed \ud800in Boyle Heights',
          description: 'Verified\u0000 on scene.\u001b',
          areas: [{ ...zone('boyle-heights'), areaDesc: 'Boyle\u000bHeights\udfff' }],
        }),
      ],
    });
    const xml = capXml(document);
    const result = await validate(xml);
    expect(result.valid, result.output).toBe(true);
    expect(xml).toContain('<headline>ICE activity confirmed in Boyle Heights</headline>');
    expect(xml).toContain('<areaDesc>BoyleHeights</areaDesc>');
    const feed = atomFeed({
      base: 'https://faro.network.example',
      title: 'Rapid\u0001 Response',
      updated: SENT,
      entries: [
        { id: 'faro-2026-0001', title: 'A\u0002 title', summary: 'B\ud800', sent: SENT, capXml: xml },
      ],
    });
    const wellFormed = await xmllint(feed);
    expect(wellFormed.valid, wellFormed.output).toBe(true);
    expect(feed).toContain('<title>Rapid Response</title>');
  });
});
