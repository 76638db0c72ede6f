import { randomInt } from 'node:crypto';
import type { ReportInput } from '../../src/shared/report.js';

let sequence = 0;

/** Boyle Heights, near Mariachi Plaza: inside the demo zone of that name. */
export const BOYLE_HEIGHTS = { lat: 34.0472, lng: -118.2195 };
/** Catalina Island: far outside every demo zone. */
export const OUTSIDE_ZONES = { lat: 33.3879, lng: -118.4163 };

/** A valid public report with unique text; override any field. */
export function buildReportInput(overrides: Partial<ReportInput> = {}): ReportInput {
  sequence += 1;
  return {
    language: 'en',
    activity: 'checkpoint',
    location: { ...BOYLE_HEIGHTS, place: `Test corner ${sequence}` },
    observedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    size: { agents: 4, vehicles: 2 },
    uniforms: ['ice'],
    equipment: ['unmarked_vehicles'],
    firsthand: true,
    description: `Factory report ${sequence} ${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}

/**
 * A random US number Faro would text, in this area code: an exchange that is a real one's shape
 * (2–9, then not `N11`), so the phone-number check takes it — a marker for leak searches.
 */
export function randomUsNumber(areaCode = '213'): string {
  const exchange = `${randomInt(2, 10)}${randomInt(2, 10)}${randomInt(0, 10)}`;
  return `+1${areaCode}${exchange}${String(randomInt(0, 10_000)).padStart(4, '0')}`;
}
