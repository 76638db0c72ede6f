import { describe, expect, it } from 'vitest';
import { permissionsOf } from '../../../shared/permissions.js';
import type { ReportSummary } from '../../../shared/report.js';
import { visibleExactLocation, visibleReport } from './reports.policy.js';

const report = {
  id: '00000000-0000-4000-8000-000000000001',
  place: '1st and Soto',
  description: 'two vans by the market',
  markings: 'patch says 4471',
  activity: 'checkpoint',
} as ReportSummary;

describe('report field rules', () => {
  it('show cross streets, free text and the exact position to dispatchers', () => {
    const dispatcher = permissionsOf(['dispatcher']);
    expect(visibleReport(report, dispatcher)).toEqual(report);
    expect(visibleExactLocation({ lat: 34.04, lng: -118.2 }, dispatcher)).toEqual({
      lat: 34.04,
      lng: -118.2,
    });
  });

  it('issue 12 item 8: withhold them — free-text markings too — from every other role (deny by default)', () => {
    for (const role of ['admin', 'operator', 'responder', 'approver', 'legal'] as const) {
      const permissions = permissionsOf([role]);
      expect(visibleReport(report, permissions)).toMatchObject({
        place: null,
        description: null,
        markings: null,
        activity: 'checkpoint',
      });
      expect(visibleExactLocation({ lat: 34.04, lng: -118.2 }, permissions)).toBeNull();
    }
  });
});
