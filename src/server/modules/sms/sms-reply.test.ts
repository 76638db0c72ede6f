import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { smsCost } from '../alerts/sms-segments.js';
import { replyText, SMS_REPLY_KINDS } from './sms-reply.job.js';

describe('replies by text', () => {
  // Outside GSM-7 a text is UCS-2: each segment holds 70 characters instead of 160.
  it.each(LANGUAGES.flatMap((language) => SMS_REPLY_KINDS.map((kind) => [language, kind] as const)))(
    '%s %s stays in GSM-7 and within two segments',
    (language, kind) => {
      const text = replyText(
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
        },
        'https://faro.network.example',
      );
      expect(text).not.toMatch(/undefined|\{\{/);
      expect(smsCost(text)).toMatchObject({ encoding: 'GSM-7', nonGsm: [] });
      expect(smsCost(text).segments).toBeLessThanOrEqual(2);
    },
  );
});
