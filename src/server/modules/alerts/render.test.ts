import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEAKS, options, sentence, tail } from '../../../../test/support/leaks.js';
import { ALERT_KINDS, ALERT_LANGUAGES, type AlertContent, languagesOf } from '../../../shared/alert.js';
import { ACTIVITIES, LANGUAGES } from '../../../shared/report-fields.js';
import { AppError } from '../../http/errors.js';
import { message, publicMessage } from '../../locales/messages.js';
import { PUSH_PAYLOAD_MAX_BYTES } from './channels/push-encryption.js';
import type { FindingKind } from './guard.js';
import {
  alertFindings,
  capDocument,
  emailMessage,
  type PublicContext,
  publicAlert,
  pushPayload,
  type RenderableAlert,
  smsText,
} from './render.js';
import { smsCost } from './sms-segments.js';
import { CAP_DEFAULTS, fillTemplate } from './templates.js';

/**
 * Every public output — push payload, SMS, e-mail, CAP, public JSON (which
 * the page shows) — is made through the guard: personal data planted
 * anywhere in an alert's texts never comes out of any of them, even if it got
 * into the database past the composer.
 */
const ctx: PublicContext = {
  guard: options,
  sender: 'faro@faro.example.org',
  senderName: 'Los Angeles Rapid Response',
  publicUrl: 'https://faro.example.org',
};

function alertWith(content: AlertContent, status: RenderableAlert['capStatus'] = 'Actual'): RenderableAlert {
  return {
    id: '5f0c2d1e-8a7b-4c3d-9e1f-0a1b2c3d4e5f',
    kind: 'activity',
    capStatus: status,
    msgType: 'Alert',
    content,
    zones: [
      {
        id: '6a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d',
        name: 'Boyle Heights',
        outline: [
          [-118.23, 34.03],
          [-118.19, 34.03],
          [-118.19, 34.06],
          [-118.23, 34.03],
        ],
      },
    ],
    ...CAP_DEFAULTS.activity,
    publishedAt: new Date('2026-11-29T18:32:10Z'),
    expiresAt: new Date('2026-11-29T21:32:10Z'),
    references: [],
    referencesId: null,
  };
}

/** In every language an alert may carry (issue 17: as if the coalition reviewed them all). */
const template = fillTemplate(
  {
    kind: 'activity',
    zoneNames: ['Boyle Heights'],
    activity: 'raid',
    at: new Date('2026-11-29T18:32:10Z'),
    timeZone: 'America/Los_Angeles',
  },
  ALERT_LANGUAGES,
);

const OUTPUTS: Record<string, (alert: RenderableAlert) => unknown> = {
  push: (alert) => ALERT_LANGUAGES.map((language) => pushPayload(alert, language, ctx)),
  sms: (alert) => ALERT_LANGUAGES.map((language) => smsText(alert, language, ctx)),
  email: (alert) =>
    ALERT_LANGUAGES.map((language) =>
      emailMessage(alert, language, ctx, 'https://faro.example.org/unsubscribe'),
    ),
  cap: (alert) => capDocument(alert, ctx),
  json: (alert) => publicAlert(alert, ctx),
};

function plantedAnywhere(kind: FindingKind) {
  return fc.record({
    // Every language the alert carries, Arabic and Chinese as much as English.
    language: fc.constantFrom(...ALERT_LANGUAGES),
    field: fc.constantFrom('headline' as const, 'body' as const, 'instruction' as const),
    before: sentence,
    value: LEAKS[kind],
    after: tail,
  });
}

describe('every public output passes the guard', () => {
  for (const kind of Object.keys(LEAKS) as FindingKind[]) {
    it(`lets no ${kind} out through push, SMS, e-mail, CAP or JSON`, () => {
      fc.assert(
        fc.property(plantedAnywhere(kind), ({ language, field, before, value, after }) => {
          const content = structuredClone(template);
          const text = content[language];
          if (!text) throw new Error(`no ${language}`);
          text[field] = `${before} ${value}${after}`;
          const alert = alertWith(content);
          expect(alertFindings(alert, ctx).length).toBeGreaterThan(0);
          for (const [name, render] of Object.entries(OUTPUTS)) {
            let output: unknown;
            try {
              output = render(alert);
            } catch (error) {
              expect(error, name).toBeInstanceOf(AppError);
              expect((error as AppError).code, name).toBe('BLOCKED_BY_GUARD');
              continue;
            }
            throw new Error(`${name} let "${value}" out: ${JSON.stringify(output).slice(0, 200)}`);
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it('renders an ordinary alert everywhere, and its texts are in each output', () => {
    const alert = alertWith(template);
    for (const render of Object.values(OUTPUTS)) expect(() => render(alert)).not.toThrow();
    expect(smsText(alert, 'es', ctx)).toContain(template.es.headline);
    expect(capDocument(alert, ctx)).toContain(template.en.body);
  });

  it('issue 14: gives an SMS reader the know-your-rights line too, before how to stop', () => {
    const alert = alertWith(template);
    for (const language of LANGUAGES) {
      const rights = message(language, 'alerts.sms.rights');
      const text = smsText(alert, language, ctx);
      expect(text).toContain(rights);
      expect(text.indexOf(rights)).toBeLessThan(text.lastIndexOf('STOP'));
    }
  });

  it('issue 17: the rights line of a text is one short sentence that adds one segment at most', () => {
    const alert = alertWith(template);
    for (const language of LANGUAGES) {
      const rights = message(language, 'alerts.sms.rights');
      // Short and GSM-7: a basic phone shows it, and it never turns the alert into UCS-2 by itself.
      expect(smsCost(rights)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
      expect(rights.length).toBeLessThanOrEqual(100);
      // The paragraph push and e-mail readers get is not in the text: it would cost segments a text has not got.
      expect(smsText(alert, language, ctx)).not.toContain(message(language, 'alerts.rights'));
      const without = smsText(alertWith(template), language, ctx).replace(` ${rights}`, '');
      expect(smsCost(smsText(alert, language, ctx)).segments - smsCost(without).segments).toBeLessThanOrEqual(
        1,
      );
    }
    // The English alert, rights line and all, stays within the three segments of a reply.
    expect(smsCost(smsText(alert, 'en', ctx)).segments).toBeLessThanOrEqual(3);
  });

  it('fills every template, kind and activity, in both languages, without tripping the guard', () => {
    for (const kind of ALERT_KINDS) {
      for (const activity of ACTIVITIES) {
        const content = fillTemplate({
          kind,
          zoneNames: ['Boyle Heights', 'El Sereno'],
          activity,
          at: new Date('2026-11-29T18:32:10Z'),
          timeZone: 'America/Los_Angeles',
        });
        const zones = [
          { id: '6a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d', name: 'Boyle Heights' },
          { id: '7b2c3d4e-5f6a-4b8c-9d0e-1f2a3b4c5d6e', name: 'El Sereno' },
        ];
        expect(alertFindings({ content, zones }, ctx)).toEqual([]);
        expect(content.en.headline).toContain('Boyle Heights and El Sereno');
        expect(content.es.headline).toContain('Boyle Heights y El Sereno');
      }
    }
    // Times are public times: rounded down to five minutes, in the coalition's zone.
    expect(template.en.body).toContain('10:30 AM');
    expect(template.es.body).toContain('10:30');
  });

  it('issue 17: fills every kind and activity in every language it may carry, within the SMS budget, without tripping the guard', () => {
    const zones = [
      { id: '6a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d', name: 'Boyle Heights' },
      { id: '7b2c3d4e-5f6a-4b8c-9d0e-1f2a3b4c5d6e', name: 'El Sereno' },
    ];
    for (const kind of ALERT_KINDS) {
      for (const activity of ACTIVITIES) {
        const content = fillTemplate(
          {
            kind,
            zoneNames: zones.map((zone) => zone.name),
            activity,
            at: new Date('2026-11-29T18:32:10Z'),
            timeZone: 'America/Los_Angeles',
          },
          ALERT_LANGUAGES,
        );
        expect(languagesOf(content)).toEqual([...ALERT_LANGUAGES]);
        expect(alertFindings({ content, zones }, ctx)).toEqual([]);
        const alert = { ...alertWith(content), kind };
        for (const language of ALERT_LANGUAGES) {
          const text = content[language];
          expect(text?.headline, `${kind} ${language}`).toContain('Boyle Heights');
          expect(text?.headline, `${kind} ${language}`).toContain('El Sereno');
          // No more than a Spanish text costs today (UCS-2 for its accents): six segments.
          expect(
            smsCost(smsText(alert, language, ctx)).segments,
            `${kind} ${activity} ${language}`,
          ).toBeLessThanOrEqual(6);
        }
      }
    }
    // Times in each language's own clock, from the same rounded public time.
    expect(template.zh?.body).toContain('10:30');
    expect(template.ko?.body).toContain('10:30');
  });

  it('issue 17: the rights line of a text is short in every language, one segment of its own at most', () => {
    const alert = alertWith(template);
    for (const language of ALERT_LANGUAGES) {
      const rights = publicMessage(language, 'alerts.sms.rights');
      expect(smsCost(rights).segments, language).toBe(1);
      expect(smsText(alert, language, ctx)).toContain(rights);
      expect(smsText(alert, language, ctx)).not.toContain(publicMessage(language, 'alerts.rights'));
      expect(smsText(alert, language, ctx).endsWith(publicMessage(language, 'alerts.sms.stop'))).toBe(true);
      expect(publicMessage(language, 'alerts.sms.stop')).toContain('STOP');
    }
  });

  it('issue 17: gives a reader of a language the alert does not carry the English, never an empty message', () => {
    const { en, es, zh } = template;
    const alert = alertWith({ en, es, ...(zh ? { zh } : {}) });
    expect(smsText(alert, 'ko', ctx)).toBe(smsText(alert, 'en', ctx));
    expect(JSON.parse(pushPayload(alert, 'ar', ctx)).title).toBe(en.headline);
    expect(emailMessage(alert, 'fr', ctx, 'https://faro.example.org/u').subject).toBe(en.headline);
    expect(smsText(alert, 'zh', ctx)).toContain(zh?.headline);
    // CAP: one <info> per language carried, none for the others.
    const cap = capDocument(alert, ctx);
    expect([...cap.matchAll(/<language>([^<]+)<\/language>/g)].map((m) => m[1])).toEqual([
      'en-US',
      'es-US',
      'zh-Hans',
    ]);
  });

  it('marks tests and exercises unmistakably in every channel, and never makes public JSON of them', () => {
    const test = alertWith(template, 'Test');
    expect(JSON.parse(pushPayload(test, 'en', ctx)).title).toMatch(/^TEST, NOT A REAL ALERT/);
    expect(smsText(test, 'es', ctx)).toMatch(/^PRUEBA, NO ES UNA ALERTA REAL/);
    expect(emailMessage(test, 'en', ctx, 'https://faro.example.org/u').subject).toMatch(/^TEST/);
    expect(capDocument(alertWith(template, 'Exercise'), ctx)).toContain('<status>Exercise</status>');
    expect(() => publicAlert(test, ctx)).toThrow(AppError);
  });

  it('reports a finding in a zone name as the zone’s, in no language, wherever the guard is asked', () => {
    const zone = { id: '8c3d4e5f-6a7b-4c9d-8e1f-2a3b4c5d6e7f', name: 'Calle 5 de Mayo 1420', outline: [] };
    const alert = { ...alertWith(template), zones: [zone] };
    const expected = [
      { language: null, field: 'zone', zoneId: zone.id, kind: 'address', text: 'Calle 5 de Mayo 1420' },
    ];
    // What the composer shows and what submit and approve refuse with…
    expect(alertFindings(alert, ctx)).toMatchObject(expected);
    // …is what every renderer refuses with.
    for (const [name, render] of Object.entries(OUTPUTS)) {
      let refusal: unknown;
      try {
        render(alert);
      } catch (error) {
        refusal = error;
      }
      expect(refusal, name).toBeInstanceOf(AppError);
      expect((refusal as AppError).details?.findings, name).toMatchObject(expected);
    }
  });

  it('reports a finding in the name alerts are sent under as the sender’s', () => {
    const findings = alertFindings(alertWith(template), { ...ctx, senderName: 'Call (213) 555-0147' });
    expect(findings).toMatchObject([
      { language: null, field: 'sender', kind: 'phone', text: '(213) 555-0147' },
    ]);
  });

  it('tags a follow-up of a follow-up with the first alert of the chain', () => {
    const text = { headline: 'Checkpoint', body: 'Short.', instruction: '' };
    const original = alertWith({ en: text, es: text });
    const at = new Date();
    const cancelOfUpdate = {
      ...original,
      id: 'c0000000-0000-4000-8000-000000000003',
      referencesId: 'b0000000-0000-4000-8000-000000000002',
      references: [
        { id: 'b0000000-0000-4000-8000-000000000002', publishedAt: at },
        { id: original.id, publishedAt: at },
      ],
    };
    expect(JSON.parse(pushPayload(original, 'en', ctx)).tag).toBe(`faro-alert-${original.id}`);
    expect(JSON.parse(pushPayload(cancelOfUpdate, 'en', ctx)).tag).toBe(`faro-alert-${original.id}`);
  });

  it('issue 19: shortens a push body that would not fit one push message, never the title', () => {
    const short = { headline: 'Checkpoint', body: 'Short.', instruction: '' };
    const base = alertWith({ en: short, es: short });
    expect(JSON.parse(pushPayload(base, 'en', ctx)).body).toBe('Short.');
    const text = { headline: 'Checkpoint', body: `${'ñ'.repeat(2500)} 𝄞 end`, instruction: '' };
    const long = alertWith({ en: text, es: text });
    const payload = pushPayload(long, 'en', ctx);
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(PUSH_PAYLOAD_MAX_BYTES);
    expect(Buffer.byteLength(payload)).toBeGreaterThan(PUSH_PAYLOAD_MAX_BYTES - 4);
    const parsed = JSON.parse(payload) as { title: string; body: string };
    expect(parsed.title).toBe('Checkpoint');
    expect(parsed.body).toMatch(/^ñ+…$/);
  });
});
