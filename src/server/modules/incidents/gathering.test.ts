import { getTableConfig, PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import {
  GATHERING_INCIDENT_STATUSES,
  INCIDENT_STATUSES,
  isVerdict,
  VERDICTS,
} from '../../../shared/report-fields.js';
import { incidents } from '../../db/schema.js';

/**
 * Which incidents still gather reports, and which statuses are a verdict: one
 * list each, and the database's grouping index is made from the first.
 */
describe('incident statuses', () => {
  it('gather reports while open or verified, not once closed or merged', () => {
    expect([...GATHERING_INCIDENT_STATUSES]).toEqual(['open', 'confirmed', 'not_confirmed']);
    expect(
      INCIDENT_STATUSES.filter((s) => !(GATHERING_INCIDENT_STATUSES as readonly string[]).includes(s)),
    ).toEqual(['closed', 'merged']);
  });

  it('the grouping index covers exactly the incidents that gather reports', () => {
    const index = getTableConfig(incidents).indexes.find((i) => i.config.name === 'incidents_groupable');
    const where = index?.config.where;
    if (!where) throw new Error('incidents_groupable has no predicate');
    const predicate = new PgDialect().sqlToQuery(where);
    expect(predicate.params).toEqual([]);
    expect(predicate.sql).toBe(`status in (${GATHERING_INCIDENT_STATUSES.map((s) => `'${s}'`).join(', ')})`);
  });

  it('tells a reporter a verdict: confirmed, not confirmed or closed — never open or merged', () => {
    expect([...VERDICTS]).toEqual(['confirmed', 'not_confirmed', 'closed']);
    expect(INCIDENT_STATUSES.filter(isVerdict)).toEqual(['confirmed', 'not_confirmed', 'closed']);
    expect(isVerdict(null)).toBe(false);
  });
});
