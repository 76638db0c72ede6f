import { describe, expect, it } from 'vitest';
import { buildReportInput } from '../../../../test/support/factories.js';
import { SEND_KEY } from '../../../shared/report.js';
import { type LastSending, sendKeyOf } from './send.js';

describe('the send key of the form’s report', () => {
  it('stays the same while the same report is sent again, and changes with the report', () => {
    const last: { current: LastSending | null } = { current: null };
    const report = buildReportInput();
    const key = sendKeyOf(last, report);
    expect(key).toMatch(SEND_KEY);
    // Send tapped again after an error: the first may be stored, only its answer lost.
    expect(sendKeyOf(last, { ...report })).toBe(key);
    // The person changed the report: another report, another key.
    const changed = sendKeyOf(last, { ...report, description: 'two vans now' });
    expect(changed).not.toBe(key);
    // Sent and answered (the form forgets it): the same words again are a new report.
    last.current = null;
    expect(sendKeyOf(last, report)).not.toBe(key);
  });
});
