import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { MAY_HAVE_ARRIVED_SQL, mayHaveArrived, outcomeOfError } from './outcome.js';

const codeOf = (error: unknown) => {
  const outcome = outcomeOfError(error);
  return outcome.kind === 'sent' || outcome.kind === 'lost' ? '' : outcome.code;
};

/** Codes a delivery row can carry, and whether its message may have arrived. */
const CASES: [string, boolean][] = [
  [codeOf({ code: 'TIMEOUT' }), true],
  [codeOf({ code: 'ECONNRESET' }), true],
  [codeOf({ code: 'EPIPE' }), true],
  // Failures nobody listed: the answer could not be parsed, TLS broke mid-exchange, an unnamed error.
  [codeOf({ code: 'HPE_INVALID_CONSTANT' }), true],
  [codeOf({ code: 'EPROTO' }), true],
  [codeOf(new Error('something')), true],
  [codeOf({ code: 'ESOCKET' }), true],
  // Before anything was sent: nothing listened, no such name, the server never processed it.
  [codeOf({ code: 'ECONNREFUSED' }), false],
  [codeOf({ code: 'ENOTFOUND' }), false],
  [codeOf({ code: 'UNPROCESSED' }), false],
  [codeOf({ code: 'ENCRYPTION_THREAD_LOST' }), false],
  // Answers and refusals before sending.
  ['http_503', false],
  ['http_400', false],
  ['sms_21610', false],
  ['smtp_554', false],
  ['push_refused_address', false],
  ['push_invalid', false],
  ['contact_unreadable', false],
  // An answer cut off for its size: the push may have been taken.
  ['push_refused_too_large', true],
  // Taken from a sender whose lease ran out: it may have died while its message was on the way.
  ['sender_lost', true],
  // Tried before Faro recorded a lost sender (migration 0043).
  ['attempt_unrecorded', true],
  // Held back and never sent: the alert was replaced meanwhile, its origin set aside, no recipient.
  ['alert_ended', false],
  ['origin_unresponsive', false],
  ['not_reached', false],
];

describe('mayHaveArrived', () => {
  it('counts every network failure but those before sending, and no answer but one cut off for its size', () => {
    for (const [code, expected] of CASES) expect([code, mayHaveArrived(code)]).toEqual([code, expected]);
  });

  it('is the same rule in SQL as in TypeScript', async () => {
    const db = new PGlite();
    try {
      const { rows } = await db.query<{ error: string | null; may: boolean }>(
        `select error, ${MAY_HAVE_ARRIVED_SQL} as may from unnest($1::text[]) with ordinality as t(error, n) order by n`,
        [[...CASES.map(([code]) => code), null]],
      );
      // A row without an error (never tried, or sent) is false, not null: a NOT of it must hold.
      expect(rows.map((row) => [row.error, row.may])).toEqual([...CASES, [null, false]]);
    } finally {
      await db.close();
    }
  });
});
