import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Assignment, SuggestionList, sceneReportSchema } from '../../../shared/dispatch.js';
import type { ErrorReason } from '../../../shared/errors.js';
import type { Drizzle, Tx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { recordEvents } from '../../realtime/events.repo.js';
import { ENGAGED, nextAssignmentState, type ResponderAction } from './assignment-flow.js';
import {
  type AssignmentRow,
  assignmentsOfIncident,
  escalateMissed,
  findAssignment,
  flagMissed,
  incidentFacts,
  insertAssignment,
  moveAssignment,
  offersDue,
  respondersOnShift,
} from './dispatch.repo.js';
import {
  createResponderService,
  type ResponderDeps,
  type ResponderService,
  toAssignment,
} from './responders.service.js';
import { pairUp, rankResponders, type Skill } from './suggestions.js';

/** The dispatcher's side (suggestions, offers, their expiry, check-ins) over the responders' own. */
export interface DispatchService extends ResponderService {
  suggestions(coalitionId: string, incidentId: string): Promise<SuggestionList>;
  assignments(incidentId: string): Promise<Assignment[]>;
  offer(coalitionId: string, incidentId: string, responderId: string, actorId: string): Promise<Assignment>;
  /**
   * Offers the incident to two responders at once, to work as a pair (legal
   * observers do): if one declines or lets it expire, the next legal observer
   * is offered that place in the pair.
   */
  offerPair(
    coalitionId: string,
    incidentId: string,
    responderIds: readonly [string, string],
    actorId: string,
  ): Promise<Assignment[]>;
  /** The responder's own step: accept, decline, en route, on scene, reported. */
  respond(
    coalitionId: string,
    assignmentId: string,
    userId: string,
    action: ResponderAction,
    report?: z.output<typeof sceneReportSchema>,
  ): Promise<Assignment>;
  /** On scene: "I'm safe" resets the timer; "need help" flags it for the dispatcher at once. */
  checkIn(
    coalitionId: string,
    assignmentId: string,
    userId: string,
    status: 'safe' | 'help',
  ): Promise<Assignment>;
  /**
   * A dispatcher reached the responder another way (a call) and they are
   * safe: as if they had said so — the flag clears, the timer restarts, no
   * escalation to the backup contact follows.
   */
  reachedSafe(coalitionId: string, assignmentId: string): Promise<Assignment>;
  /** On-scene check-ins that did not come are flagged and dispatchers alerted; returns how many. */
  flagMissedCheckIns(): Promise<number>;
  /** Check-ins still missing `escalateMinutes` after that go to the backup contact; returns how many. */
  escalateMissedCheckIns(): Promise<number>;
  /** Offers past their time expire, and each goes to the next suggestion by itself. */
  expireDue(): Promise<number>;
}

export interface DispatchDeps extends ResponderDeps {
  /** How long an offer waits for an answer. */
  offerMinutes: number;
  /** How often a responder on scene must say they are safe. */
  checkInMinutes: number;
  /** How long a missed check-in waits for an answer before the backup contact is texted. */
  escalateMinutes: number;
  /**
   * A responder in trouble, in the change's transaction: a missed check-in
   * alerts dispatchers and reminds the responder (`missed`), later the backup
   * contact (`escalate`); "need help" alerts dispatchers at once (`help`).
   */
  onSafetyAlarm?: (kind: 'missed' | 'escalate' | 'help', assignmentId: string, tx: Tx) => Promise<void>;
  /** Runs after a change that queued notifications has committed (wakes the notifying worker). */
  afterCommit?: () => void;
  /** Queues the check of an offer at its expiry, in the offer's transaction. */
  onOffered?: (assignment: { id: string; expiresAt: Date }, tx: Tx) => Promise<void>;
}

export function createDispatchService(deps: DispatchDeps): DispatchService {
  const { database } = deps;
  const now = deps.now ?? (() => new Date());
  const responders = createResponderService(deps);

  async function rankFor(
    db: Drizzle,
    coalitionId: string,
    incidentId: string,
    exclude: ReadonlySet<string>,
    skill: Skill | null = null,
  ) {
    const facts = await incidentFacts(db, coalitionId, incidentId);
    if (!facts) throw new AppError('NOT_FOUND', 'No incident with this id.');
    const onShift = await respondersOnShift(db, coalitionId, now());
    const candidates = onShift.filter((c) => !exclude.has(c.userId));
    const ranked = rankResponders(candidates, {
      cell: facts.cell,
      zoneId: facts.zoneId,
      languages: facts.languages,
      skill,
    });
    return { ranked, candidates, onShift };
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
    pairId: string | null,
  ): Promise<AssignmentRow> {
    const at = now();
    const row: AssignmentRow = {
      id: randomUUID(),
      coalitionId,
      incidentId,
      userId: responderId,
      state: 'offered',
      offeredBy: actorId,
      automatic: actorId === null,
      pairId,
      offeredAt: at,
      expiresAt: new Date(at.getTime() + deps.offerMinutes * 60_000),
      respondedAt: null,
      enRouteAt: null,
      onSceneAt: null,
      endedAt: null,
      outcome: null,
      present: [],
      salute: null,
      notes: null,
      checkInDueAt: null,
      safety: 'ok',
      missedAt: null,
      escalatedAt: null,
    };
    await insertAssignment(tx.db, row);
    await recordEvents(tx.client, coalitionId, [
      { type: 'incident.updated', subjectId: incidentId },
      { type: 'responder.updated', subjectId: responderId },
    ]);
    await deps.onOffered?.({ id: row.id, expiresAt: row.expiresAt }, tx);
    return row;
  }

  /**
   * After an offer expired or was declined: the next suggestion, if there is
   * one. A place in a pair goes to the next legal observer (or, if none is
   * on shift, the next responder), in the same pair.
   */
  async function offerNext(tx: Tx, lost: AssignmentRow): Promise<void> {
    const asked = await alreadyAsked(tx.db, lost.incidentId);
    const skill = lost.pairId ? 'legal_observer' : null;
    const { ranked, candidates } = await rankFor(tx.db, lost.coalitionId, lost.incidentId, asked, skill);
    const skilled = (userId: string) =>
      skill !== null && !!candidates.find((c) => c.userId === userId)?.skills.includes(skill);
    const next = ranked.find((r) => skilled(r.userId)) ?? ranked[0];
    if (next) await createOffer(tx, lost.coalitionId, lost.incidentId, next.userId, null, lost.pairId);
  }

  /** Offers to each of `responderIds` in one transaction (a pair shares a pair id). */
  async function offerTo(
    coalitionId: string,
    incidentId: string,
    responderIds: readonly string[],
    actorId: string,
  ) {
    if (new Set(responderIds).size !== responderIds.length)
      throw new AppError('VALIDATION', 'A pair is two different responders.', {
        fields: [{ field: 'responderIds', message: 'must be two different responders' }],
      });
    const pairId = responderIds.length > 1 ? randomUUID() : null;
    const ids = await database.transaction(async (tx) => {
      if (!(await incidentFacts(tx.db, coalitionId, incidentId)))
        throw new AppError('NOT_FOUND', 'No incident with this id.');
      const onShift = await respondersOnShift(tx.db, coalitionId, now());
      const current = await assignmentsOfIncident(tx.db, incidentId);
      const made: string[] = [];
      for (const responderId of responderIds) {
        const name = onShift.find((r) => r.userId === responderId)?.name;
        if (!name)
          throw new AppError('INVALID_TRANSITION', 'This responder is not on shift.', {
            reason: 'not_on_shift' satisfies ErrorReason,
          });
        const engaged = current.some(
          (r) => r.assignment.userId === responderId && ENGAGED.includes(r.assignment.state),
        );
        if (engaged)
          throw new AppError('CONFLICT', `${name} already has this incident.`, {
            reason: 'already_assigned' satisfies ErrorReason,
          });
        made.push((await createOffer(tx, coalitionId, incidentId, responderId, actorId, pairId)).id);
      }
      return made;
    });
    deps.afterCommit?.();
    const rows = await assignmentsOfIncident(database.db, incidentId);
    return ids.map((id) => {
      const row = rows.find((r) => r.assignment.id === id);
      if (!row) throw new AppError('NOT_FOUND', 'No assignment with this id.');
      return toAssignment(row.assignment, row.name);
    });
  }

  /** "I'm safe" / "need help" from the responder (`allowed` checks who), or a dispatcher's "reached them, safe". */
  async function resetCheckIn(
    coalitionId: string,
    assignmentId: string,
    allowed: (row: AssignmentRow) => boolean,
    status: 'safe' | 'help',
  ): Promise<Assignment> {
    const { incidentId, alarmed } = await database.transaction(async (tx) => {
      const row = await findAssignment(tx.db, coalitionId, assignmentId);
      if (!row || !allowed(row)) throw new AppError('NOT_FOUND', 'No assignment with this id.');
      if (row.state !== 'on_scene')
        throw new AppError('INVALID_TRANSITION', 'Check-ins are for while the responder is on scene.', {
          reason: 'check_in_off_scene' satisfies ErrorReason,
        });
      const at = now();
      await moveAssignment(tx.db, row.id, 'on_scene', {
        safety: status === 'help' ? 'help' : 'ok',
        missedAt: null,
        escalatedAt: null,
        checkInDueAt: new Date(at.getTime() + deps.checkInMinutes * 60_000),
      });
      await recordEvents(tx.client, coalitionId, [
        { type: 'incident.updated', subjectId: row.incidentId },
        { type: 'responder.updated', subjectId: row.userId },
      ]);
      // A call for help reaches dispatchers' devices too, not only a board someone may not be watching.
      const alarm = status === 'help' && row.safety !== 'help';
      if (alarm) await deps.onSafetyAlarm?.('help', row.id, tx);
      return { incidentId: row.incidentId, alarmed: alarm };
    });
    if (alarmed) deps.afterCommit?.();
    return nameOf(database.db, incidentId, assignmentId);
  }

  async function nameOf(db: Drizzle, incidentId: string, assignmentId: string) {
    const rows = await assignmentsOfIncident(db, incidentId);
    const found = rows.find((r) => r.assignment.id === assignmentId);
    if (!found) throw new AppError('NOT_FOUND', 'No assignment with this id.');
    return toAssignment(found.assignment, found.name);
  }

  return {
    ...responders,

    async suggestions(coalitionId, incidentId) {
      const asked = await alreadyAsked(database.db, incidentId);
      const { ranked, candidates, onShift } = await rankFor(database.db, coalitionId, incidentId, asked);
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
        // Everyone on shift, those already asked for this incident too: the board says how many are free.
        onShift: { total: onShift.length, busy: onShift.filter((c) => c.load > 0).length },
      };
    },

    async assignments(incidentId) {
      return (await assignmentsOfIncident(database.db, incidentId)).map((r) =>
        toAssignment(r.assignment, r.name),
      );
    },

    async offer(coalitionId, incidentId, responderId, actorId) {
      const [made] = await offerTo(coalitionId, incidentId, [responderId], actorId);
      if (!made) throw new AppError('NOT_FOUND', 'No assignment with this id.');
      return made;
    },

    offerPair: (coalitionId, incidentId, responderIds, actorId) =>
      offerTo(coalitionId, incidentId, responderIds, actorId),

    async respond(coalitionId, assignmentId, userId, action, report) {
      const incidentId = await database.transaction(async (tx) => {
        const row = await findAssignment(tx.db, coalitionId, assignmentId);
        // Someone else's assignment does not exist, as far as this person can tell.
        if (!row || row.userId !== userId) throw new AppError('NOT_FOUND', 'No assignment with this id.');
        const at = now();
        const state = nextAssignmentState(row.state, action, row.expiresAt, at);
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
                    salute: report?.salute ?? null,
                    notes: report?.notes ? deps.box.seal(report.notes, `assignment-notes:${row.id}`) : null,
                  };
        if (!(await moveAssignment(tx.db, row.id, row.state, { state, ...stamp })))
          throw new AppError('CONFLICT', 'This assignment changed at the same moment; look again.');
        await recordEvents(tx.client, coalitionId, [
          { type: 'incident.updated', subjectId: row.incidentId },
          { type: 'responder.updated', subjectId: row.userId },
        ]);
        if (action === 'decline') await offerNext(tx, row);
        return row.incidentId;
      });
      deps.afterCommit?.();
      return nameOf(database.db, incidentId, assignmentId);
    },

    checkIn: (coalitionId, assignmentId, userId, status) =>
      resetCheckIn(coalitionId, assignmentId, (row) => row.userId === userId, status),

    reachedSafe: (coalitionId, assignmentId) => resetCheckIn(coalitionId, assignmentId, () => true, 'safe'),

    async flagMissedCheckIns() {
      const missed = await database.transaction(async (tx) => {
        const flagged = await flagMissed(tx.db, now());
        for (const row of flagged) {
          await recordEvents(tx.client, row.coalitionId, [
            { type: 'incident.updated', subjectId: row.incidentId },
            { type: 'responder.updated', subjectId: row.userId },
          ]);
          await deps.onSafetyAlarm?.('missed', row.id, tx);
        }
        return flagged.length;
      });
      if (missed > 0) deps.afterCommit?.();
      return missed;
    },

    async escalateMissedCheckIns() {
      const at = now();
      const escalated = await database.transaction(async (tx) => {
        const due = await escalateMissed(tx.db, new Date(at.getTime() - deps.escalateMinutes * 60_000), at);
        for (const row of due) {
          await recordEvents(tx.client, row.coalitionId, [
            { type: 'incident.updated', subjectId: row.incidentId },
            { type: 'responder.updated', subjectId: row.userId },
          ]);
          await deps.onSafetyAlarm?.('escalate', row.id, tx);
        }
        return due.length;
      });
      if (escalated > 0) deps.afterCommit?.();
      return escalated;
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
          await offerNext(tx, offer);
        });
      }
      if (expired > 0) deps.afterCommit?.();
      return expired;
    },
  };
}
