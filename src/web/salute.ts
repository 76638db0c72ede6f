import { SIZE_LIMITS } from '../shared/report-fields.js';

/**
 * SALUTE — Size, Activity, Location, Uniforms, Time, Equipment — as every form
 * that takes a sighting holds, checks and sends it: the public report, the
 * hotline and field forms, and a responder's report from the scene. One
 * validation and one set of error texts; the questions are
 * `components/SaluteFields.tsx`.
 */

/** What was seen, as a form holds it while it is typed. */
export interface SaluteValues {
  agents: string;
  vehicles: string;
  activity: string;
  uniforms: string[];
  markings: string;
  equipment: string[];
}

export const EMPTY_SALUTE: SaluteValues = {
  agents: '',
  vehicles: '',
  activity: '',
  uniforms: [],
  markings: '',
  equipment: [],
};

/** What a SALUTE answer can have wrong: told under its field, in every form in the same words. */
export const SALUTE_PROBLEMS = ['activity', 'size', 'markings'] as const;
export type SaluteProblem = (typeof SALUTE_PROBLEMS)[number];
export const isSaluteProblem = (problem: string): problem is SaluteProblem =>
  (SALUTE_PROBLEMS as readonly string[]).includes(problem);

/** The letters in the order a call is taken. */
export const SALUTE_ORDER = ['size', 'activity', 'location', 'uniforms', 'time', 'equipment'] as const;
export type SaluteLetter = (typeof SALUTE_ORDER)[number];

/** The letter of each question, shown by the keyboard forms. */
export const LETTER: Record<SaluteLetter, string> = {
  size: 'S',
  activity: 'A',
  location: 'L',
  uniforms: 'U',
  time: 'T',
  equipment: 'E',
};

const count = (text: string) => (text.trim() === '' ? undefined : Number(text.trim()));
const countProblem = (text: string, max: number) => {
  const value = count(text);
  return value !== undefined && !(/^\d+$/.test(text.trim()) && value <= max);
};

/** The problems of an answer before it is sent (a count that is not a whole number, no activity). */
export function saluteProblems(values: SaluteValues): SaluteProblem[] {
  const found: SaluteProblem[] = [];
  if (!values.activity) found.push('activity');
  if (countProblem(values.agents, SIZE_LIMITS.agents) || countProblem(values.vehicles, SIZE_LIMITS.vehicles))
    found.push('size');
  return found;
}

/** Which SALUTE problem a field the server refused is, if it is one. */
export function saluteProblemOf(field: string): SaluteProblem | null {
  const head = field.split('.')[0];
  if (head === 'size' || head === 'agents' || head === 'vehicles') return 'size';
  return head === 'activity' || head === 'markings' ? head : null;
}

/** The answer as the API takes it (counts as numbers; empty ones left out). */
export function saluteBody(values: SaluteValues) {
  return {
    agents: count(values.agents),
    vehicles: count(values.vehicles),
    activity: values.activity,
    uniforms: values.uniforms,
    markings: values.markings.trim() || undefined,
    equipment: values.equipment,
  };
}

/** The sentence for a problem, the same in every form. */
export const saluteProblemKey = (problem: SaluteProblem) => `report.errors.${problem}`;
