import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { message } from '../../locales/messages.js';
import { smsCost } from '../alerts/sms-segments.js';
import { MAX_REPLY_SEGMENTS, zonePages } from './alert-replies.js';
import { replyText, SMS_REPLY_KINDS, type SmsReply } from './sms-reply.job.js';

const kindsOf = (prefix: boolean) => SMS_REPLY_KINDS.filter((kind) => kind.startsWith('alerts') === prefix);

/** Zone names as long as a coalition may write them. */
const LONG_ZONES = Array.from({ length: 40 }, (_, i) => `Neighborhood number ${i + 1} of the east side`);

function reply(language: SmsReply['language'], kind: SmsReply['kind'], extra: Partial<SmsReply> = {}) {
  return replyText(
    {
      ref: 'SM1',
      to: 'sealed',
      language,
      kind,
      receipt: 'K7QF-2M',
      askLocation: true,
      status: 'not_confirmed',
      incident: 12345,
      zone: 'Boyle Heights',
      open: [12345, 12351],
      zones: ['Boyle Heights', 'Lincoln Heights'],
      page: 1,
      pages: 2,
      max: 10,
      ...extra,
    },
    'https://faro.network.example',
  );
}

describe('replies by text', () => {
  // Outside GSM-7 a text is UCS-2: each segment holds 70 characters instead of 160.
  it.each(LANGUAGES.flatMap((language) => kindsOf(false).map((kind) => [language, kind] as const)))(
    '%s %s stays in GSM-7 and within two segments',
    (language, kind) => {
      const text = reply(language, kind);
      expect(text).not.toMatch(/undefined|\{\{/);
      expect(smsCost(text)).toMatchObject({ encoding: 'GSM-7', nonGsm: [] });
      expect(smsCost(text).segments).toBeLessThanOrEqual(2);
    },
  );

  it.each(LANGUAGES.flatMap((language) => kindsOf(true).map((kind) => [language, kind] as const)))(
    'issue 17: %s %s (subscribing by text) stays in GSM-7 and within three segments, even with long lists',
    (language, kind) => {
      const text = reply(language, kind);
      expect(text).not.toMatch(/undefined|\{\{/);
      expect(smsCost(text)).toMatchObject({ encoding: 'GSM-7', nonGsm: [] });
      expect(smsCost(text).segments).toBeLessThanOrEqual(2);
      const long = reply(language, kind, { zones: LONG_ZONES, zone: LONG_ZONES[0] ?? '' });
      expect(long).not.toMatch(/undefined|\{\{/);
      expect(smsCost(long).segments).toBeLessThanOrEqual(MAX_REPLY_SEGMENTS);
    },
  );

  it('issue 17: numbers a choice, and words the confirmation with YES in the keyword’s language', () => {
    expect(reply('en', 'alertsChoose')).toContain('1 Boyle Heights, 2 Lincoln Heights');
    expect(reply('es', 'alertsChoose')).toContain('1 Boyle Heights, 2 Lincoln Heights');
    expect(reply('en', 'alertsAsk', { zones: ['Boyle Heights'] })).toMatch(/reply YES .*Boyle Heights/);
    expect(reply('es', 'alertsAsk', { zones: ['Boyle Heights'] })).toMatch(/responda SI .*Boyle Heights/);
    expect(reply('es', 'alertsHowTo')).toContain('ALERTAS BOYLE HEIGHTS');
  });

  it('issue 17: cuts the zone list into pages of at most three segments, every zone on one page', () => {
    for (const language of LANGUAGES) {
      // Accented names make the list UCS-2: pages shrink to stay within the budget.
      for (const names of [LONG_ZONES, LONG_ZONES.map((name) => `${name} (Ñuñoa Sánchez)`)]) {
        const pages = zonePages(language, names);
        expect(pages.length).toBeGreaterThan(1);
        expect(pages.flat()).toEqual(names);
        pages.forEach((zones, i) => {
          const text = reply(language, 'alertsZones', { zones, page: i + 1, pages: pages.length });
          expect(smsCost(text).segments).toBeLessThanOrEqual(MAX_REPLY_SEGMENTS);
          for (const zone of zones) expect(text).toContain(zone);
          // Every page but the last says how to see the next.
          const more = message(language, 'sms.alerts.more', { next: String(i + 2) });
          expect(text.endsWith(more)).toBe(i + 1 < pages.length);
        });
      }
      expect(zonePages(language, ['Boyle Heights', 'Pico-Union'])).toEqual([['Boyle Heights', 'Pico-Union']]);
    }
  });
});
