import type { z } from 'zod';
import type {
  Assignment,
  profileSchema,
  ResponderProfile,
  ResponderState,
} from '../../../shared/dispatch.js';
import type { ErrorReason } from '../../../shared/errors.js';
import { toE164 } from '../../../shared/phone.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { findIncidentSummary } from '../incidents/incidents.repo.js';
import type { IncidentService } from '../incidents/incidents.service.js';
import { publicCellOf } from '../zones/geo.js';
import { seesIncidentBrief } from './dispatch.policy.js';
import {
  type AssignmentRow,
  assignmentsOfIncident,
  assignmentsOfUser,
  endShifts,
  findProfile,
  insertShift,
  openShift,
  setShiftLocation,
  upsertProfile,
} from './dispatch.repo.js';

/**
 * The responder's own side: their profile (sealed phone numbers shown back
 * masked), shifts, the one coarse location cell a shift may carry, and what
 * they see of the incidents they are sent to — nothing of any other.
 */
export interface ResponderService {
  profile(coalitionId: string, userId: string): Promise<ResponderProfile>;
  setProfile(
    coalitionId: string,
    userId: string,
    profile: z.output<typeof profileSchema>,
  ): Promise<ResponderProfile>;
  /** Goes on shift until `hours` from now (ends by itself then). */
  startShift(coalitionId: string, userId: string, hours: number): Promise<ResponderState>;
  /** Off shift: the shift ends and its location is erased. */
  endShift(coalitionId: string, userId: string): Promise<ResponderState>;
  /** Shares where they are, as one coarse cell, overwritten each time; only on shift. */
  shareLocation(coalitionId: string, userId: string, lat: number, lng: number): Promise<ResponderState>;
  stopSharing(coalitionId: string, userId: string): Promise<ResponderState>;
  state(coalitionId: string, userId: string): Promise<ResponderState>;
  /** Shifts past their planned end end, and their location is erased. */
  endDueShifts(): Promise<number>;
}

export interface ResponderDeps {
  database: Database;
  box: SecretBox;
  /** The incidents module's word on what an accepted incident's responder is told of it. */
  incidents: Pick<IncidentService, 'brief'>;
  now?: () => Date;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** The keyed digest by which a text from a responder's own number (E.164) finds them. */
export const offerPhoneDigest = (box: SecretBox, phone: string) => box.digest(phone, 'offer-phone');

/** An assignment as the API shows it (the responder's name from the join). */
export function toAssignment(row: AssignmentRow, name: string): Assignment {
  return {
    id: row.id,
    incidentId: row.incidentId,
    responder: { id: row.userId, name },
    state: row.state,
    automatic: row.automatic,
    pairId: row.pairId,
    offeredAt: row.offeredAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    respondedAt: iso(row.respondedAt),
    onSceneAt: iso(row.onSceneAt),
    outcome: row.outcome,
    present: row.present,
    salute: row.salute,
    safety: row.safety,
    escalated: row.escalatedAt !== null,
    checkInDueAt: iso(row.checkInDueAt),
  };
}

export function createResponderService(deps: ResponderDeps): ResponderService {
  const { database } = deps;
  const now = deps.now ?? (() => new Date());

  /** A sealed number shown back as its last four digits only. */
  const masked = (sealed: string | null | undefined, context: string) =>
    sealed ? `•••${deps.box.open(sealed, context).slice(-4)}` : null;

  /** A number as entered → E.164; '' or null removes it; undefined leaves it as it is. */
  function phoneOf(value: string | null | undefined, field: string, whose: string) {
    if (value === '' || value === null) return null;
    if (value === undefined) return undefined;
    const phone = toE164(value);
    if (!phone)
      throw new AppError('VALIDATION', `Enter ${whose} mobile number with its area code.`, {
        fields: [{ field, message: 'must be a mobile number' }],
      });
    return phone;
  }

  async function stateOf(
    coalitionId: string,
    userId: string,
    db: Drizzle = database.db,
  ): Promise<ResponderState> {
    const profile = await findProfile(db, userId);
    const shift = await openShift(db, userId);
    const own = await assignmentsOfUser(db, userId, true);
    const withIncidents = [];
    for (const row of own) {
      // Only incidents they are assigned to, and only their coarse place; the brief once accepted.
      const incident = await findIncidentSummary(db, coalitionId, row.incidentId);
      if (!incident) continue;
      const brief = seesIncidentBrief(row)
        ? ((await deps.incidents.brief(coalitionId, row.incidentId)) ?? null)
        : null;
      const team = (await assignmentsOfIncident(db, row.incidentId))
        .filter(
          (other) =>
            other.assignment.id !== row.id &&
            !['declined', 'expired', 'withdrawn'].includes(other.assignment.state),
        )
        .map((other) => ({
          name: other.name,
          state: other.assignment.state,
          safety: other.assignment.safety,
          partner: row.pairId !== null && other.assignment.pairId === row.pairId,
        }));
      withIncidents.push({
        ...toAssignment(row, ''),
        team,
        incident: {
          id: incident.id,
          number: incident.number,
          activity: incident.activity,
          status: incident.status,
          zone: incident.zone,
          lastObservedAt: incident.lastObservedAt,
        },
        brief,
      });
    }
    return {
      profile: {
        languages: profile?.languages ?? [],
        skills: profile?.skills ?? [],
        homeZoneIds: profile?.homeZoneIds ?? [],
        backupPhone: masked(profile?.backupPhone, `backup-phone:${userId}`),
        offerPhone: masked(profile?.offerPhone, `offer-phone:${userId}`),
      },
      shift: shift
        ? {
            startedAt: shift.startedAt.toISOString(),
            plannedEndAt: shift.plannedEndAt.toISOString(),
            sharingLocation: shift.locationCell !== null,
          }
        : null,
      assignments: withIncidents,
    };
  }

  return {
    async profile(coalitionId, userId) {
      return (await stateOf(coalitionId, userId)).profile;
    },

    async setProfile(coalitionId, userId, profile) {
      const { backupPhone, offerPhone, ...rest } = profile;
      const backup = phoneOf(backupPhone, 'backupPhone', 'the backup contact’s');
      const own = phoneOf(offerPhone, 'offerPhone', 'your');
      await upsertProfile(database.db, {
        userId,
        coalitionId,
        ...rest,
        ...(backup !== undefined
          ? { backupPhone: backup && deps.box.seal(backup, `backup-phone:${userId}`) }
          : {}),
        ...(own !== undefined
          ? {
              offerPhone: own && deps.box.seal(own, `offer-phone:${userId}`),
              offerPhoneDigest: own && offerPhoneDigest(deps.box, own),
            }
          : {}),
      });
      return (await stateOf(coalitionId, userId)).profile;
    },

    async startShift(coalitionId, userId, hours) {
      const at = now();
      await database.transaction(async (tx) => {
        if (await openShift(tx.db, userId))
          throw new AppError('CONFLICT', 'You are on shift already.', {
            reason: 'on_shift_already' satisfies ErrorReason,
          });
        await insertShift(tx.db, {
          coalitionId,
          userId,
          startedAt: at,
          plannedEndAt: new Date(at.getTime() + hours * 3_600_000),
        });
      });
      return stateOf(coalitionId, userId);
    },

    async endShift(coalitionId, userId) {
      await endShifts(database.db, { userId }, now());
      return stateOf(coalitionId, userId);
    },

    async shareLocation(coalitionId, userId, lat, lng) {
      const shift = await openShift(database.db, userId);
      if (!shift || shift.plannedEndAt <= now())
        throw new AppError(
          'INVALID_TRANSITION',
          'Location is shared only while on shift; go on shift first.',
          {
            reason: 'location_off_shift' satisfies ErrorReason,
          },
        );
      // One coarse cell, overwritten: where they are now, never where they were.
      await setShiftLocation(database.db, shift.id, publicCellOf(lat, lng), now());
      return stateOf(coalitionId, userId);
    },

    async stopSharing(coalitionId, userId) {
      const shift = await openShift(database.db, userId);
      if (shift) await setShiftLocation(database.db, shift.id, null, null);
      return stateOf(coalitionId, userId);
    },

    state: (coalitionId, userId) => stateOf(coalitionId, userId),

    async endDueShifts() {
      return (await endShifts(database.db, { dueBy: now() }, now())).length;
    },
  };
}
