import { describe, expect, it } from 'vitest';
import { buildReportInput } from '../../../../test/support/factories.js';
import { SEND_KEY } from '../../../shared/report.js';
import { bodyToSend, type LastSending } from './send.js';

describe('the body the form sends', () => {
  it('is the one sent last while nothing filled in changed, key, time and all; a new one when it did', () => {
    const last: { current: LastSending | null } = { current: null };
    const filled = { values: { activity: 'checkpoint', when: 'now' }, photoIds: [], language: 'en' };
    // "Now" is another instant at every tap (review: the key followed the body, time included).
    const at = (iso: string) => () => buildReportInput({ observedAt: iso });
    const first = bodyToSend(last, filled, at('2026-12-07T00:00:00.000Z'));
    expect(first.sendKey).toMatch(SEND_KEY);
    // Send tapped again after an error: the first may be stored, only its answer lost.
    const again = bodyToSend(last, { ...filled }, at('2026-12-07T00:00:05.123Z'));
    expect(again).toEqual(first);
    // The person changed the report: another report, another key.
    const changed = bodyToSend(last, { ...filled, photoIds: ['p'] }, at('2026-12-07T00:00:09.000Z'));
    expect(changed.sendKey).not.toBe(first.sendKey);
    expect(changed.observedAt).toBe('2026-12-07T00:00:09.000Z');
    // Sent and answered (the form forgets it): the same answers again are a new report.
    last.current = null;
    expect(bodyToSend(last, filled, at('2026-12-07T00:01:00.000Z')).sendKey).not.toBe(first.sendKey);
  });
});
