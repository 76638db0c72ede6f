import type { ReportFormValues } from './pages.js';
import type { ReportInput } from './report.js';
import type { Language } from './report-fields.js';

/**
 * The public report form's answers as the API takes them — one definition for
 * the browser (which sends them as JSON with its proof of work) and the
 * server (which takes the same form posted without JavaScript).
 */

export const EMPTY_REPORT_FORM: ReportFormValues = {
  activity: '',
  agents: '',
  vehicles: '',
  uniforms: [],
  markings: '',
  equipment: [],
  zone: '',
  place: '',
  when: 'now',
  observedAt: '',
  firsthand: 'yes',
  description: '',
};

/**
 * The form's answers read from its fields by name: the server's reading of a form posted without
 * scripts, and the page's reading of what was typed before its scripts arrived — one definition.
 */
export function reportFormValuesOf(field: {
  text: (name: string) => string;
  list: (name: string) => string[];
}): ReportFormValues {
  return {
    activity: field.text('activity'),
    agents: field.text('agents'),
    vehicles: field.text('vehicles'),
    uniforms: field.list('uniforms'),
    markings: field.text('markings'),
    equipment: field.list('equipment'),
    zone: field.text('zone'),
    place: field.text('place'),
    when: field.text('when') || 'now',
    observedAt: field.text('observedAt'),
    firsthand: field.text('firsthand') || 'yes',
    description: field.text('description'),
  };
}

/** "Now", a few minutes ago, or a time the person chose. */
export const WHEN_CHOICES = ['now', '15', '30', '60', 'custom'] as const;
export type When = (typeof WHEN_CHOICES)[number];

/** A count as typed: empty is "not said"; anything else must be a whole number (else NaN, which the schema refuses). */
export const typedCount = (text: string): number | undefined =>
  text.trim() === '' ? undefined : /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;

/** When it was seen, as an ISO time; null for a chosen time that is not one. `local` reads a datetime-local value. */
export function observedAtOf(
  values: Pick<ReportFormValues, 'when' | 'observedAt'>,
  now: Date,
  local: (text: string) => Date | null,
): string | null {
  if (values.when === 'custom') return local(values.observedAt)?.toISOString() ?? null;
  const minutes = values.when === 'now' ? 0 : Number(values.when);
  if (!Number.isFinite(minutes)) return null;
  return new Date(now.getTime() - minutes * 60_000).toISOString();
}

/** The report as the API takes it (invalid answers are passed on for the schema to name). */
export function reportInputOf(
  values: ReportFormValues,
  extra: {
    language: Language;
    observedAt: string | null;
    coords?: { lat: number; lng: number } | null;
    photoIds?: string[];
  },
): ReportInput {
  const markings = values.markings.trim();
  const place = values.place.trim();
  const description = values.description.trim();
  return {
    language: extra.language,
    activity: values.activity as ReportInput['activity'],
    location: {
      ...(values.zone ? { zoneId: values.zone } : {}),
      ...(extra.coords ?? {}),
      ...(place ? { place } : {}),
    },
    observedAt: extra.observedAt ?? 'invalid',
    size: { agents: typedCount(values.agents), vehicles: typedCount(values.vehicles) },
    uniforms: values.uniforms as ReportInput['uniforms'],
    equipment: values.equipment as ReportInput['equipment'],
    firsthand: values.firsthand !== 'no',
    ...(markings ? { markings } : {}),
    ...(description ? { description } : {}),
    photoIds: extra.photoIds ?? [],
  };
}

/**
 * A datetime-local value ("2026-12-03T10:30") read in a time zone: the
 * server reads a form posted without JavaScript in the coalition's zone.
 */
export function zonedLocalTime(text: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  if (Number.isNaN(asUtc)) return null;
  const offsetAt = (at: number) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      })
        .formatToParts(new Date(at))
        .map((part) => [part.type, part.value]),
    );
    const shown = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
    );
    return shown - Math.floor(at / 60_000) * 60_000;
  };
  // Twice: the offset at the guess may differ from the offset at the answer near a clock change.
  const first = asUtc - offsetAt(asUtc);
  return new Date(asUtc - offsetAt(first));
}
