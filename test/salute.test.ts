import { describe, expect, it } from 'vitest';
import { sceneSaluteSchema } from '../src/shared/dispatch.js';
import { reportInputSchema } from '../src/shared/report.js';
import en from '../src/web/locales/en.json' with { type: 'json' };
import es from '../src/web/locales/es.json' with { type: 'json' };
import {
  EMPTY_SALUTE,
  SALUTE_PROBLEMS,
  saluteBody,
  saluteProblemKey,
  saluteProblemOf,
  saluteProblems,
} from '../src/web/salute.js';

/**
 * Issue 13 item 7: the public form, the hotline and field forms and the
 * on-scene report check SALUTE with one rule, and that rule refuses before
 * sending exactly what the server's schemas would refuse.
 */
const seen = (patch: Partial<typeof EMPTY_SALUTE>) => ({ ...EMPTY_SALUTE, activity: 'raid', ...patch });
const report = (values: typeof EMPTY_SALUTE) => {
  const { agents, vehicles, activity, uniforms, markings, equipment } = saluteBody(values);
  return reportInputSchema.safeParse({
    language: 'en',
    activity,
    size: { agents, vehicles },
    location: { lat: 34, lng: -118 },
    observedAt: new Date().toISOString(),
    uniforms,
    equipment,
    ...(markings ? { markings } : {}),
  });
};

describe('one SALUTE rule for every form', () => {
  it.each([
    ['', '', []],
    ['6', '2', []],
    [' 6 ', '0', []],
    ['1000', '500', []],
    ['1001', '', ['size']],
    ['', '501', ['size']],
    ['six', '', ['size']],
    ['2.5', '', ['size']],
    ['-1', '', ['size']],
  ])('agents %j, vehicles %j → %j, as the server judges it', (agents, vehicles, problems) => {
    const values = seen({ agents, vehicles });
    expect(saluteProblems(values)).toEqual(problems);
    // The public form, the hotline and the field form send a report; a responder, a scene report.
    expect(report(values).success).toBe(problems.length === 0);
    const { agents: a, vehicles: v } = saluteBody(values);
    expect(sceneSaluteSchema.safeParse({ agents: a, vehicles: v }).success).toBe(problems.length === 0);
  });

  it('asks what is happening, and sends counts as numbers and empty answers as nothing', () => {
    expect(saluteProblems(EMPTY_SALUTE)).toEqual(['activity']);
    expect(saluteBody(seen({ agents: ' 4 ', markings: '  ' }))).toEqual({
      agents: 4,
      vehicles: undefined,
      activity: 'raid',
      uniforms: [],
      markings: undefined,
      equipment: [],
    });
  });

  it('tells a field the server refused under the same question', () => {
    expect(saluteProblemOf('size.agents')).toBe('size');
    expect(saluteProblemOf('activity')).toBe('activity');
    expect(saluteProblemOf('markings')).toBe('markings');
    expect(saluteProblemOf('location.zoneId')).toBeNull();
  });

  it('words every problem in both languages', () => {
    const text = (catalog: unknown, key: string) =>
      key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], catalog);
    for (const problem of SALUTE_PROBLEMS)
      for (const catalog of [en, es])
        expect(text(catalog, saluteProblemKey(problem))).toEqual(expect.any(String));
  });
});
