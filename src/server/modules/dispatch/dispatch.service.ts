import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type {
  Assignment,
  profileSchema,
  ResponderProfile,
  ResponderState,
  SuggestionList,
  sceneReportSchema,
} from '../../../shared/dispatch.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Drizzle, Tx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { recordEvents } from '../../realtime/events.js';
import { toE164 } from '../alerts/subscriptions.service.js';
import type { CoalitionService } from '../coalitions/coalitions.service.js';
import { findIncidentSummary } from '../incidents/incidents.repo.js';
import { publicCellOf } from '../zones/geo.js';
import {
  type AssignmentState,
  ENGAGED,
  nextAssignmentState,
  type ResponderAction,
} from './assignment-flow.js';
import {
  type AssignmentRow,
  assignmentsOfIncident,
  assignmentsOfUser,
  endShifts,
  findAssignment,
  findProfile,
  flagMissed,
  incidentFacts,
  insertAssignment,
  insertShift,
  moveAssignment,
  offersDue,
  openShift,
  respondersOnShift,
  setShiftLocation,
  upsertProfile,
} from './dispatch.repo.js';
import { pairUp, rankResponders } from './suggestions.js';

export interface DispatchService {
  profile(userId: string): Promise<ResponderProfile>;
  setProfile(userId: string, profile: z.output<typeof profileSchema>): Promise<ResponderProfile>;
  /** Goes on shift until `hours` from now (ends by itself then). */
  startShift(userId: string, hours: number): Promise<ResponderState>;
  /** Off shift: the shift ends and its location is erased. */
  endShift(userId: string): Promise<ResponderState>;
  /** Shares where they are, as one coarse cell, overwritten each time; only on shift. */
  shareLocation(userId: string, lat: number, lng: number): Promise<ResponderState>;
  stopSharing(userId: string): Promise<ResponderState>;
  state(userId: string): Promise<ResponderState>;
  suggestions(incidentId: string): Promise<SuggestionList>;
  assignments(incidentId: string): Promise<Assignment[]>;
  offer(incidentId: string, responderId: string, actorId: string): Promise<Assignment>;
  /** The responder's own step: accept, decline, en route, on scene, reported. */
  respond(
    assignmentId: string,
    userId: string,
    action: ResponderAction,
    report?: z.output<typeof sceneReportSchema>,
  ): Promise<Assignment>;
  /** On scene: "I'm safe" resets the timer; "need help" flags it for the dispatcher at once. */
  checkIn(assignmentId: string, userId: string, status: 'safe' | 'help'): Promise<Assignment>;
  /** On-scene check-ins that did not come are flagged; returns how many. */
  flagMissedCheckIns(): Promise<number>;
  /** Offers past their time expire, and each goes to the next suggestion by itself. */
  expireDue(): Promise<number>;
  /** Shifts past their planned end end, and their location is erased. */
  endDueShifts(): Promise<number>;
}

export interface DispatchDeps {
  database: Database;
  coalitions: CoalitionService;
  now?: () => Date;
  /** How long an offer waits for an answer. */
  offerMinutes: number;
  /** How often a responder on scene must say they are safe. */
  checkInMinutes: number;
  box: SecretBox;
  /** Escalation of a missed check-in (push to dispatchers, then the backup contact). */
  onMissedCheckIn?: (assignment: { id: string; incidentId: string; userId: string }) => Promise<void>;
  /** Runs after a change that queued notifications has committed (wakes the notifying worker). */
  afterCommit?: () => void;
  /** Queues the check of an offer at its expiry, in the offer's transaction. */
  onOffered?: (assignment: { id: string; expiresAt: Date }, tx: Tx) => Promise<void>;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

function toAssignment(row: AssignmentRow, name: string): Assignment {
  return {
    id: row.id,
    incidentId: row.incidentId,
    responder: { id: row.userId, name },
    state: row.state as Assignment['state'],
    automatic: row.automatic,
    offeredAt: row.offeredAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    respondedAt: iso(row.respondedAt),
    onSceneAt: iso(row.onSceneAt),
    outcome: row.outcome as Assignment['outcome'],
    present: row.present as Assignment['present'],
    safety: row.safety as Assignment['safety'],
    checkInDueAt: iso(row.checkInDueAt),
  };
}

export function createDispatchService(deps: DispatchDeps): DispatchService {
  const { database } = deps;
  const now = deps.now ?? (() => new Date());

  async function stateOf(userId: string, db: Drizzle = database.db): Promise<ResponderState> {
    const coalition = await deps.coalitions.current();
    const profile = await findProfile(db, userId);
    const shift = await openShift(db, userId);
    const own = await assignmentsOfUser(db, userId, true);
    const withIncidents = [];
    for (const row of own) {
      // Only incidents they are assigned to, and only their coarse place.
      const incident = await findIncidentSummary(db, coalition.id, row.incidentId);
      if (!incident) continue;
      const team = (await assignmentsOfIncident(db, row.incidentId))
        .filter(
          (other) =>
            other.assignment.id !== row.id &&
            !['declined', 'expired', 'withdrawn'].includes(other.assignment.state),
        )
        .map((other) => ({
          name: other.name,
          state: other.assignment.state as Assignment['state'],
          safety: other.assignment.safety as Assignment['safety'],
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
          center: incident.center,
          lastObservedAt: incident.lastObservedAt,
        },
      });
    }
    return {
      profile: {
        languages: (profile?.languages ?? []) as ResponderProfile['languages'],
        skills: (profile?.skills ?? []) as ResponderProfile['skills'],
        homeZoneIds: profile?.homeZoneIds ?? [],
        backupPhone: profile?.backupPhone
          ? `•••${deps.box.open(profile.backupPhone, `backup-phone:${userId}`).slice(-4)}`
          : null,
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

  async function rankFor(db: Drizzle, coalitionId: string, incidentId: string, exclude: ReadonlySet<string>) {
    const facts = await incidentFacts(db, coalitionId, incidentId);
    if (!facts) throw new AppError('NOT_FOUND', 'No incident with this id.');
    const candidates = (await respondersOnShift(db, coalitionId, now())).filter(
      (c) => !exclude.has(c.userId),
    );
    const ranked = rankResponders(candidates, {
      cell: facts.cell,
      zoneId: facts.zoneId,
      languages: facts.languages,
      skill: null,
    });
    return { ranked, candidates };
  }

  /** Everyone already asked for this incident: nobody is offered it twice. */
  async function alreadyAsked(db: Drizzle, incidentId: string) {
    return new Set((await assignmentsOfIncident(db, incidentId)).map((a) => a.assignment.userId));
  }

  async function createOffer(
    tx: Tx,
    coalitionId: string,
    incidentId: string,
    responderId: string,
    actorId: string | null,
  ): Promise<AssignmentRow> {
    const at = now();
    const row = {
      id: randomUUID(),
      coalitionId,
      incidentId,
      userId: responderId,
      state: 'offered',
      offeredBy: actorId,
      automatic: actorId === null,
      offeredAt: at,
      expiresAt: new Date(at.getTime() + deps.offerMinutes * 60_000),
      respondedAt: null,
      enRouteAt: null,
      onSceneAt: null,
      endedAt: null,
      outcome: null,
      present: [],
      notes: null,
      checkInDueAt: null,
      safety: 'ok',
    };
    await insertAssignment(tx.db, row);
    await recordEvents(tx.client, coalitionId, [
      { type: 'incident.updated', subjectId: incidentId },
      { type: 'responder.updated', subjectId: responderId },
    ]);
    await deps.onOffered?.({ id: row.id, expiresAt: row.expiresAt }, tx);
    return row;
  }

  /** After an offer expired or was declined: the next suggestion, if there is one. */
  async function offerNext(tx: Tx, coalitionId: string, incidentId: string): Promise<void> {
    const asked = await alreadyAsked(tx.db, incidentId);
    const { ranked } = await rankFor(tx.db, coalitionId, incidentId, asked);
    const next = ranked[0];
    if (next) await createOffer(tx, coalitionId, incidentId, next.userId, null);
  }

  async function nameOf(db: Drizzle, incidentId: string, assignmentId: string) {
    const rows = await assignmentsOfIncident(db, incidentId);
    const found = rows.find((r) => r.assignment.id === assignmentId);
    if (!found) throw new AppError('NOT_FOUND', 'No assignment with this id.');
    return toAssignment(found.assignment, found.name);
  }

  return {
    async profile(userId) {
      return (await stateOf(userId)).profile;
    },

    async setProfile(userId, profile) {
      const coalition = await deps.coalitions.current();
      const { backupPhone, ...rest } = profile;
      let sealed: string | null | undefined;
      if (backupPhone === '' || backupPhone === null) sealed = null;
      else if (backupPhone !== undefined) {
        const phone = toE164(backupPhone);
        if (!phone)
          throw new AppError('VALIDATION', 'Enter the backup contact’s mobile number with its area code.', {
            fields: [{ field: 'backupPhone', message: 'must be a mobile number' }],
          });
        sealed = deps.box.seal(phone, `backup-phone:${userId}`);
      }
      await upsertProfile(database.db, {
        userId,
        coalitionId: coalition.id,
        ...rest,
        ...(sealed !== undefined ? { backupPhone: sealed } : {}),
      });
      return (await stateOf(userId)).profile;
    },

    async startShift(userId, hours) {
      const coalition = await deps.coalitions.current();
      const at = now();
      await database.transaction(async (tx) => {
        if (await openShift(tx.db, userId)) throw new AppError('CONFLICT', 'You are on shift already.');
        await insertShift(tx.db, {
          coalitionId: coalition.id,
          userId,
          startedAt: at,
          plannedEndAt: new Date(at.getTime() + hours * 3_600_000),
        });
      });
      return stateOf(userId);
    },

    async endShift(userId) {
      await endShifts(database.db, { userId }, now());
      return stateOf(userId);
    },

    async shareLocation(userId, lat, lng) {
      const shift = await openShift(database.db, userId);
      if (!shift || shift.plannedEndAt <= now())
        throw new AppError(
          'INVALID_TRANSITION',
          'Location is shared only while on shift; go on shift first.',
        );
      // One coarse cell, overwritten: where they are now, never where they were.
      await setShiftLocation(database.db, shift.id, publicCellOf(lat, lng), now());
      return stateOf(userId);
    },

    async stopSharing(userId) {
      const shift = await openShift(database.db, userId);
      if (shift) await setShiftLocation(database.db, shift.id, null, null);
      return stateOf(userId);
    },

    state: (userId) => stateOf(userId),

    async suggestions(incidentId) {
      const coalition = await deps.coalitions.current();
      const asked = await alreadyAsked(database.db, incidentId);
      const { ranked, candidates } = await rankFor(database.db, coalition.id, incidentId, asked);
      const observers = ranked.filter((r) =>
        candidates.find((c) => c.userId === r.userId)?.skills.includes('legal_observer'),
      );
      const cells = new Map(candidates.map((c) => [c.userId, c.cell]));
      return {
        suggestions: ranked.map((r) => ({
          responder: { id: r.userId, name: r.name },
          km: r.km === null ? null : Math.round(r.km * 10) / 10,
          score: Math.round(r.score * 100) / 100,
          reasons: r.reasons,
        })),
        pairs: pairUp(observers, cells).map(([a, b]) => [a.userId, b.userId] as [string, string]),
      };
    },

    async assignments(incidentId) {
      return (await assignmentsOfIncident(database.db, incidentId)).map((r) =>
        toAssignment(r.assignment, r.name),
      );
    },

    async offer(incidentId, responderId, actorId) {
      const coalition = await deps.coalitions.current();
      const id = await database.transaction(async (tx) => {
        const onShift = await respondersOnShift(tx.db, coalition.id, now());
        if (!onShift.some((r) => r.userId === responderId))
          throw new AppError('INVALID_TRANSITION', 'This responder is not on shift.');
        const engaged = (await assignmentsOfIncident(tx.db, incidentId)).some(
          (r) =>
            r.assignment.userId === responderId && ENGAGED.includes(r.assignment.state as AssignmentState),
        );
        if (engaged) throw new AppError('CONFLICT', 'This responder already has this incident.');
        if (!(await incidentFacts(tx.db, coalition.id, incidentId)))
          throw new AppError('NOT_FOUND', 'No incident with this id.');
        return (await createOffer(tx, coalition.id, incidentId, responderId, actorId)).id;
      });
      deps.afterCommit?.();
      const row = (await assignmentsOfIncident(database.db, incidentId)).find((r) => r.assignment.id === id);
      if (!row) throw new AppError('NOT_FOUND', 'No assignment with this id.');
      return toAssignment(row.assignment, row.name);
    },

    async respond(assignmentId, userId, action, report) {
      const coalition = await deps.coalitions.current();
      const incidentId = await database.transaction(async (tx) => {
        const row = await findAssignment(tx.db, coalition.id, assignmentId);
        // Someone else's assignment does not exist, as far as this person can tell.
        if (!row || row.userId !== userId) throw new AppError('NOT_FOUND', 'No assignment with this id.');
        const at = now();
        const state = nextAssignmentState(row.state as AssignmentState, action, row.expiresAt, at);
        const stamp =
          action === 'accept' || action === 'decline'
            ? { respondedAt: at }
            : action === 'en_route'
              ? { enRouteAt: at }
              : action === 'on_scene'
                ? { onSceneAt: at, checkInDueAt: new Date(at.getTime() + deps.checkInMinutes * 60_000) }
                : {
                    endedAt: at,
                    checkInDueAt: null,
                    outcome: report?.outcome ?? null,
                    present: report?.present ?? [],
                    notes: report?.notes ? deps.box.seal(report.notes, `assignment-notes:${row.id}`) : null,
                  };
        if (!(await moveAssignment(tx.db, row.id, row.state, { state, ...stamp })))
          throw new AppError('CONFLICT', 'This assignment changed at the same moment; look again.');
        await recordEvents(tx.client, coalition.id, [
          { type: 'incident.updated', subjectId: row.incidentId },
          { type: 'responder.updated', subjectId: row.userId },
        ]);
        if (action === 'decline') await offerNext(tx, coalition.id, row.incidentId);
        return row.incidentId;
      });
      deps.afterCommit?.();
      return nameOf(database.db, incidentId, assignmentId);
    },

    async checkIn(assignmentId, userId, status) {
      const coalition = await deps.coalitions.current();
      const incidentId = await database.transaction(async (tx) => {
        const row = await findAssignment(tx.db, coalition.id, assignmentId);
        if (!row || row.userId !== userId) throw new AppError('NOT_FOUND', 'No assignment with this id.');
        if (row.state !== 'on_scene')
          throw new AppError('INVALID_TRANSITION', 'Check-ins are for while you are on scene.');
        const at = now();
        await moveAssignment(tx.db, row.id, 'on_scene', {
          safety: status === 'help' ? 'help' : 'ok',
          checkInDueAt: new Date(at.getTime() + deps.checkInMinutes * 60_000),
        });
        await recordEvents(tx.client, coalition.id, [
          { type: 'incident.updated', subjectId: row.incidentId },
          { type: 'responder.updated', subjectId: row.userId },
        ]);
        return row.incidentId;
      });
      return nameOf(database.db, incidentId, assignmentId);
    },

    async flagMissedCheckIns() {
      const missed = await flagMissed(database.db, now());
      for (const row of missed) {
        await recordEvents(database.pool, row.coalitionId, [
          { type: 'incident.updated', subjectId: row.incidentId },
          { type: 'responder.updated', subjectId: row.userId },
        ]);
        await deps.onMissedCheckIn?.(row);
      }
      if (missed.length > 0) deps.afterCommit?.();
      return missed.length;
    },

    async expireDue() {
      const due = await offersDue(database.db, now());
      let expired = 0;
      for (const offer of due) {
        await database.transaction(async (tx) => {
          if (!(await moveAssignment(tx.db, offer.id, 'offered', { state: 'expired', endedAt: now() })))
            return;
          expired += 1;
          await recordEvents(tx.client, offer.coalitionId, [
            { type: 'incident.updated', subjectId: offer.incidentId },
            { type: 'responder.updated', subjectId: offer.userId },
          ]);
          await offerNext(tx, offer.coalitionId, offer.incidentId);
        });
      }
      if (expired > 0) deps.afterCommit?.();
      return expired;
    },

    async endDueShifts() {
      return (await endShifts(database.db, { dueBy: now() }, now())).length;
    },
  };
}
