import { z } from 'zod';
import { saluteViewSchema } from './incident.js';
import {
  activitySchema,
  EQUIPMENT,
  equipmentSchema,
  languageSchema,
  SIZE_LIMITS,
  UNIFORMS,
  uniformSchema,
} from './report.js';
import { INCIDENT_STATUSES, SAFETY } from './report-fields.js';

/** The dispatch contract: responders' profile and shift, suggestions, assignments. */

export const SKILLS = ['legal_observer', 'driver', 'medic', 'interpreter', 'de_escalation'] as const;
export const skillSchema = z.enum(SKILLS);

export const profileSchema = z.object({
  languages: z.array(languageSchema).max(10),
  skills: z.array(skillSchema).max(SKILLS.length),
  homeZoneIds: z.array(z.uuid()).max(20),
  /** Who is texted if they miss a safety check-in; shown back masked. Empty to remove. */
  backupPhone: z.string().trim().max(30).nullable().optional(),
  /** Their own mobile: offers are texted there too, where the network has SMS set up. Shown back masked. */
  offerPhone: z.string().trim().max(30).nullable().optional(),
});
export type ResponderProfile = z.infer<typeof profileSchema>;

export const startShiftInputSchema = z.object({
  /** How long the shift is planned for; it ends by itself then. */
  hours: z.number().min(0.25, 'at least 15 minutes').max(16, 'at most 16 hours'),
});

export const locationInputSchema = z.object({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
});

export const ASSIGNMENT_STATES = [
  'offered',
  'accepted',
  'declined',
  'expired',
  'en_route',
  'on_scene',
  'reported',
  'withdrawn',
] as const;
export const assignmentStateSchema = z.enum(ASSIGNMENT_STATES);

export const PRESENT = ['immigration_agents', 'local_police', 'other', 'nobody'] as const;
export const OUTCOMES = ['confirmed', 'not_confirmed', 'uncertain'] as const;
export { SAFETY };

/** What the responder saw, SALUTE (the place is the incident's; the time, the report's): activity, never people. */
export const sceneSaluteSchema = z.object({
  agents: z.number().int().min(0).max(SIZE_LIMITS.agents).optional(),
  vehicles: z.number().int().min(0).max(SIZE_LIMITS.vehicles).optional(),
  /** What is happening, if it is not what the reports said. */
  activity: activitySchema.optional(),
  uniforms: z.array(uniformSchema).max(UNIFORMS.length).default([]),
  equipment: z.array(equipmentSchema).max(EQUIPMENT.length).default([]),
});
export type SceneSalute = z.output<typeof sceneSaluteSchema>;

/** The responder's on-scene report. */
export const sceneReportSchema = z.object({
  salute: sceneSaluteSchema.default({ uniforms: [], equipment: [] }),
  present: z.array(z.enum(PRESENT)).min(1, 'say who was there (or nobody)'),
  outcome: z.enum(OUTCOMES),
  notes: z.string().trim().max(2000).default(''),
});

export const assignmentSchema = z.object({
  id: z.uuid(),
  incidentId: z.uuid(),
  responder: z.object({ id: z.uuid(), name: z.string() }),
  state: assignmentStateSchema,
  automatic: z.boolean(),
  /** Offers made together to work as a pair share this id. */
  pairId: z.uuid().nullable(),
  offeredAt: z.string(),
  expiresAt: z.string(),
  respondedAt: z.string().nullable(),
  onSceneAt: z.string().nullable(),
  outcome: z.enum(OUTCOMES).nullable(),
  present: z.array(z.enum(PRESENT)),
  salute: sceneSaluteSchema.nullable(),
  safety: z.enum(SAFETY),
  /** A missed check-in still missing minutes later went to the responder's backup contact. */
  escalated: z.boolean(),
  checkInDueAt: z.string().nullable(),
});
export type Assignment = z.infer<typeof assignmentSchema>;
export const assignmentListSchema = z.object({ assignments: z.array(assignmentSchema) });

/** What a responder sees of an incident offered to them or they are out on: no place finer than its zone. */
export const assignedIncidentSchema = z.object({
  id: z.uuid(),
  number: z.number().int(),
  activity: activitySchema,
  status: z.enum(INCIDENT_STATUSES),
  zone: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  lastObservedAt: z.string(),
});

/**
 * What only the responder who accepted is told of the incident, to find it and know what to expect
 * (never with an offer not yet accepted): the cross streets or landmarks as the reports gave them,
 * what the reports said (SALUTE, consolidated as the board shows it), and a point to open in a maps
 * app — the center of a resolution-9 cell (zones/geo.ts, `responderPointOf`), never a reported
 * position.
 */
export const incidentBriefSchema = z.object({
  /** The reports' own words for the place, most often given first; at most a few. */
  places: z.array(z.string()),
  salute: saluteViewSchema,
  point: z.object({ lat: z.number(), lng: z.number() }).nullable(),
});
export type IncidentBrief = z.infer<typeof incidentBriefSchema>;

export const responderStateSchema = z.object({
  profile: profileSchema,
  shift: z
    .object({
      startedAt: z.string(),
      plannedEndAt: z.string(),
      sharingLocation: z.boolean(),
    })
    .nullable(),
  assignments: z.array(
    assignmentSchema.extend({
      incident: assignedIncidentSchema,
      /** Only once accepted (accepted, on the way, on scene); null for an offer. */
      brief: incidentBriefSchema.nullable(),
      /** The others sent to the same incident (a buddy pair): each sees the other's state and safety. */
      team: z.array(
        z.object({
          name: z.string(),
          state: assignmentStateSchema,
          safety: z.enum(SAFETY),
          /** Their partner in a pair offered together. */
          partner: z.boolean(),
        }),
      ),
    }),
  ),
});
export type ResponderState = z.infer<typeof responderStateSchema>;

export const suggestionListSchema = z.object({
  suggestions: z.array(
    z.object({
      responder: z.object({ id: z.uuid(), name: z.string() }),
      km: z.number().nullable(),
      score: z.number(),
      reasons: z.array(z.string()),
    }),
  ),
  pairs: z.array(z.tuple([z.uuid(), z.uuid()])),
  /**
   * Responders on shift in the coalition now — those already asked for this incident included —
   * and how many of them hold an offer or an assignment (busy).
   */
  onShift: z.object({ total: z.number().int(), busy: z.number().int() }),
});
export type SuggestionList = z.infer<typeof suggestionListSchema>;

export const offerInputSchema = z.object({ responderId: z.uuid() });
export const pairOfferInputSchema = z.object({ responderIds: z.tuple([z.uuid(), z.uuid()]) });
export const respondInputSchema = z
  .object({
    action: z.enum(['accept', 'decline', 'en_route', 'on_scene', 'reported']),
    /** Required with `reported`. */
    report: sceneReportSchema.optional(),
  })
  .refine((input) => input.action !== 'reported' || input.report, {
    message: 'the on-scene report (who was there, outcome) is needed',
    path: ['report'],
  });

export const checkInInputSchema = z.object({ status: z.enum(['safe', 'help']) });
