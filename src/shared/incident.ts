import { z } from 'zod';
import { activitySchema, reportSummarySchema } from './report.js';
import { INCIDENT_STATUSES, SAFETY, SETTABLE_INCIDENT_STATUSES } from './report-fields.js';

export const incidentStatusSchema = z.enum(INCIDENT_STATUSES);

/** What the board's list shows of an incident: coarse place, counts, times. */
export const incidentSummarySchema = z.object({
  id: z.uuid(),
  number: z.number().int(),
  status: incidentStatusSchema,
  mergedInto: z.uuid().nullable(),
  activity: activitySchema,
  zone: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  h3Cell: z.string().nullable(),
  /** Coarse center (mean of its reports' public cells), for the map. */
  center: z.object({ lat: z.number(), lng: z.number() }).nullable(),
  reportCount: z.number().int(),
  firsthandCount: z.number().int(),
  preciseCount: z.number().int(),
  /** The median number of agents its reports counted (rounded), or null when none did: its size on the board. */
  agents: z.number().int().nullable(),
  /** The median number of vehicles its reports counted (rounded), or null when none did. */
  vehicles: z.number().int().nullable(),
  firstObservedAt: z.string(),
  lastObservedAt: z.string(),
  lastActivityAt: z.string(),
  /** Responders offered it or out on it now (offered, accepted, en route, on scene). */
  respondersActive: z.number().int(),
  /** The worst safety state of those on scene: a missed check-in or a call for help shows on the list. */
  safety: z.enum(SAFETY),
});
export type IncidentSummary = z.infer<typeof incidentSummarySchema>;

/**
 * What an approver judges an alert's incident by: its verdict and public facts — the zone, a
 * public (coarse) cell, counts, times rounded to five minutes. No reports, markings, notes,
 * channel or names of anyone sent.
 */
export const incidentFactsSchema = z.object({
  number: z.number().int(),
  status: incidentStatusSchema,
  activity: activitySchema,
  zone: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  /** The public H3 cell (resolution 8, about 1 km across — the board's), or null. */
  cell: z.string().nullable(),
  reportCount: z.number().int(),
  firsthandCount: z.number().int(),
  firstObservedAt: z.string(),
  lastObservedAt: z.string(),
});
export type IncidentFacts = z.infer<typeof incidentFactsSchema>;

export const incidentListSchema = z.object({
  incidents: z.array(incidentSummarySchema),
  /** The live stream's position when this list was read. */
  lastEventId: z.number().int(),
});
export type IncidentList = z.infer<typeof incidentListSchema>;

/** What a dispatcher did to an incident, as its timeline records it. */
export const TIMELINE_KINDS = [
  'merged_in',
  'merged_into',
  'split_out',
  'split_from',
  'moved_in',
  'moved_out',
  'status',
  'note',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const timelineEntrySchema = z.object({
  id: z.number().int(),
  kind: z.enum(TIMELINE_KINDS),
  at: z.string(),
  actor: z.string().nullable(),
  reportId: z.uuid().nullable(),
  otherIncident: z.object({ id: z.uuid(), number: z.number().int() }).nullable(),
  status: incidentStatusSchema.nullable(),
  note: z.string().nullable(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

const tally = z.array(z.object({ value: z.string(), count: z.number().int() }));

/** The reports' SALUTE answers side by side: what most callers agree on shows first. */
export const saluteViewSchema = z.object({
  agents: z.object({ min: z.number(), max: z.number(), median: z.number() }).nullable(),
  vehicles: z.object({ min: z.number(), max: z.number(), median: z.number() }).nullable(),
  activity: tally,
  uniforms: tally,
  equipment: tally,
  zones: tally,
  channels: tally,
});
export type SaluteView = z.infer<typeof saluteViewSchema>;

export const incidentDetailSchema = z.object({
  incident: incidentSummarySchema,
  reports: z.array(reportSummarySchema),
  timeline: z.array(timelineEntrySchema),
  salute: saluteViewSchema,
});
export type IncidentDetail = z.infer<typeof incidentDetailSchema>;

export const mergeInputSchema = z.object({ incidentIds: z.array(z.uuid()).min(1).max(50) });
export const splitInputSchema = z.object({ reportIds: z.array(z.uuid()).min(1).max(500) });
export const moveInputSchema = z.object({ reportIds: z.array(z.uuid()).min(1).max(500) });
export const statusInputSchema = z.object({
  status: z.enum(SETTABLE_INCIDENT_STATUSES),
  note: z.string().trim().max(2000).optional(),
});
export const noteInputSchema = z.object({ text: z.string().trim().min(1, 'must not be empty').max(2000) });

/** How a coalition groups reports into incidents. */
export const groupingPolicySchema = z.object({
  radiusKm: z.number().min(0.1).max(50).default(1.5),
  windowMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(60),
  /** Per activity: a patrol moves, so it may be given a wider radius than a raid. */
  byActivity: z
    .partialRecord(
      activitySchema,
      z.object({
        radiusKm: z.number().min(0.1).max(50).optional(),
        windowMinutes: z
          .number()
          .int()
          .min(5)
          .max(24 * 60)
          .optional(),
      }),
    )
    .default({ patrol: { radiusKm: 3 }, checkpoint: { windowMinutes: 180 } }),
});
export type GroupingPolicy = z.infer<typeof groupingPolicySchema>;
