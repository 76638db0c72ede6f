import { randomUUID } from 'node:crypto';
import type { CaseDetail, CasePerson, ConsentInput, CustodyStatus } from '../../../shared/cases.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import {
  activeUser,
  type CaseRow,
  deleteMembers,
  findFacility,
  insertContact,
  insertCustodyEvent,
  insertHearing,
  insertLink,
  insertMember,
  insertNote,
  insertReferral,
  insertTask,
  legalOrganizationsOf,
  legalPeopleOf,
  listOrganizations,
  replaceDigests,
  setTaskDone,
  unassignTasks,
  updateCase,
} from './cases.repo.js';
import {
  beyondSeeking,
  type CaseActor,
  type CaseCore,
  consentFirst,
  invalid,
  notFound,
} from './cases.service.js';
import { textableContact } from './reminder-texts.js';
import { context, sealJson } from './sealing.js';

/**
 * Work on a case: the person's details, consent, custody, hearings, contacts, tasks, notes,
 * links, the people on it, referral and closing. Each change is one transaction with its audit
 * row, and answers with the case as it now is.
 */
export function createCaseWork(core: CaseCore) {
  const { database, box, digester, now, audit } = core;

  /**
   * Runs a change on a case the person may know. `needsConsent`: refused until consent is recorded.
   * `team`: only the holding team (not people it added) may do it.
   */
  async function change(
    coalitionId: string,
    actor: CaseActor,
    id: string,
    options: {
      needsConsent?: boolean;
      team?: boolean;
      action?: 'case.changed' | 'case.consent_recorded' | 'case.referred' | 'case.closed';
    },
    apply: (db: Drizzle, row: CaseRow, at: Date) => Promise<void>,
  ): Promise<CaseDetail> {
    const at = now();
    return database.transaction(async ({ db }) => {
      const { row, holds } = await core.reach(db, coalitionId, actor, id, true);
      if (options.team && !holds)
        throw new AppError('FORBIDDEN', 'Only the legal team holding this case may do this.');
      if (options.needsConsent && row.consentAt === null) throw consentFirst();
      await apply(db, row, at);
      await audit(db, coalitionId, actor.userId, options.action ?? 'case.changed', id, at);
      const fresh = await core.reach(db, coalitionId, actor, id).catch(() => undefined);
      // After a referral the sender no longer sees the case: they get nothing of it back.
      return fresh ? core.detailOf(db, fresh.row) : (undefined as unknown as CaseDetail);
    });
  }

  async function checkFacility(db: Drizzle, coalitionId: string, facilityId: string | null | undefined) {
    if (facilityId && !(await findFacility(db, coalitionId, facilityId)))
      throw invalid('facilityId', 'No facility with this id in the list.');
  }

  async function checkTeamPerson(db: Drizzle, row: CaseRow, userId: string, field: string) {
    const people = await legalPeopleOf(db, [row.organizationId]);
    if (!people.some((p) => p.id === userId))
      throw invalid(field, 'That person is not on the legal team holding this case.');
  }

  return {
    /** Changes the person's fields (those given); beyond name and contact only with consent. */
    updatePerson(coalitionId: string, actor: CaseActor, id: string, changes: Partial<CasePerson>) {
      return change(coalitionId, actor, id, {}, async (db, row) => {
        if (row.consentAt === null && beyondSeeking(changes)) throw consentFirst();
        const person = { ...core.personOf(row), ...changes };
        await updateCase(db, id, { person: sealJson(box, person, context.person(id)) });
        await replaceDigests(db, id, digester.of(person));
      });
    },

    recordConsent(coalitionId: string, actor: CaseActor, id: string, consent: ConsentInput) {
      return change(coalitionId, actor, id, { action: 'case.consent_recorded' }, async (db, _row, at) => {
        await updateCase(db, id, {
          consentGivenBy: box.seal(consent.givenBy, context.consent(id)),
          consentMethod: consent.method,
          consentAt: consent.at ? new Date(consent.at) : at,
          consentRecordedBy: actor.userId,
        });
      });
    },

    changeCustody(
      coalitionId: string,
      actor: CaseActor,
      id: string,
      input: {
        status: CustodyStatus;
        facilityId?: string | null | undefined;
        facilityText?: string | undefined;
        at?: string | undefined;
      },
    ) {
      return change(coalitionId, actor, id, { needsConsent: true }, async (db, row, at) => {
        await checkFacility(db, coalitionId, input.facilityId);
        const facilityId = input.facilityId === undefined ? row.facilityId : input.facilityId;
        const eventId = randomUUID();
        await insertCustodyEvent(db, {
          id: eventId,
          caseId: id,
          status: input.status,
          at: input.at ? new Date(input.at) : at,
          facilityId,
          facilityText: input.facilityText
            ? box.seal(input.facilityText, context.custodyFacility(eventId))
            : null,
          recordedBy: actor.userId,
        });
        await updateCase(db, id, {
          status: input.status,
          facilityId,
          ...(input.facilityText !== undefined
            ? { facilityText: input.facilityText ? box.seal(input.facilityText, context.facility(id)) : null }
            : {}),
        });
      });
    },

    addHearing(
      coalitionId: string,
      actor: CaseActor,
      id: string,
      input: { at: string; court: string; type: string; judge?: string | undefined },
    ) {
      return change(coalitionId, actor, id, { needsConsent: true }, async (db) => {
        const hearingId = randomUUID();
        const { at, ...details } = input;
        await insertHearing(db, {
          id: hearingId,
          caseId: id,
          at: new Date(at),
          details: sealJson(box, details, context.hearing(hearingId)),
          createdBy: actor.userId,
        });
      });
    },

    addContact(
      coalitionId: string,
      actor: CaseActor,
      id: string,
      input: {
        name: string;
        phone?: string | undefined;
        language?: string | undefined;
        relation?: string | undefined;
        textReminders?: boolean | undefined;
      },
    ) {
      if (input.textReminders) textableContact(input);
      return change(coalitionId, actor, id, { needsConsent: true }, async (db) => {
        const contactId = randomUUID();
        await insertContact(db, {
          id: contactId,
          caseId: id,
          details: sealJson(box, input, context.contact(contactId)),
        });
      });
    },

    /** A task (allowed before consent: seeking it is work too). */
    addTask(
      coalitionId: string,
      actor: CaseActor,
      id: string,
      input: { text: string; dueOn?: string | undefined; assigneeId?: string | undefined },
    ) {
      return change(coalitionId, actor, id, {}, async (db, row) => {
        if (input.assigneeId) await checkTeamPerson(db, row, input.assigneeId, 'assigneeId');
        const taskId = randomUUID();
        await insertTask(db, {
          id: taskId,
          caseId: id,
          text: box.seal(input.text, context.task(taskId)),
          dueOn: input.dueOn ?? null,
          assigneeId: input.assigneeId ?? null,
        });
      });
    },

    setTaskDone(coalitionId: string, actor: CaseActor, id: string, taskId: string, done: boolean) {
      return change(coalitionId, actor, id, {}, async (db, _row, at) => {
        if (!(await setTaskDone(db, id, taskId, done ? at : null)))
          throw new AppError('NOT_FOUND', 'No task with this id on this case.');
      });
    },

    addNote(coalitionId: string, actor: CaseActor, id: string, text: string) {
      return change(coalitionId, actor, id, { needsConsent: true }, async (db, _row, at) => {
        const noteId = randomUUID();
        await insertNote(db, {
          id: noteId,
          caseId: id,
          text: box.seal(text, context.note(noteId)),
          authorId: actor.userId,
          createdAt: at,
        });
      });
    },

    /**
     * Links an incident or an evidence item, as their own modules say they exist for this person:
     * asked before the change's transaction (they read on their own connections), and only once the
     * case is known to be this person's, so nobody else can probe with it.
     */
    async addLink(
      coalitionId: string,
      actor: CaseActor,
      id: string,
      link: { kind: 'incident' | 'evidence'; targetId: string },
    ) {
      const { row } = await core.reach(database.db, coalitionId, actor, id);
      if (row.consentAt === null) throw consentFirst();
      const known =
        link.kind === 'incident'
          ? await core.incidentExists(coalitionId, link.targetId)
          : await core.evidenceVisible(coalitionId, actor, link.targetId);
      if (!known)
        throw invalid(
          'targetId',
          `No ${link.kind === 'incident' ? 'incident' : 'evidence item'} with this id.`,
        );
      return change(coalitionId, actor, id, { needsConsent: true }, async (db) => {
        await insertLink(db, {
          caseId: id,
          kind: link.kind,
          targetId: link.targetId,
          linkedBy: actor.userId,
        });
      });
    },

    /** The holding team adds someone of the coalition to the case. */
    addMember(coalitionId: string, actor: CaseActor, id: string, userId: string) {
      return change(coalitionId, actor, id, { team: true }, async (db) => {
        if (!(await activeUser(db, coalitionId, userId)))
          throw invalid('userId', 'No active account with this id.');
        await insertMember(db, { caseId: id, userId, addedBy: actor.userId });
      });
    },

    /** The holding team takes someone it added off the case. */
    removeMember(coalitionId: string, actor: CaseActor, id: string, userId: string) {
      return change(coalitionId, actor, id, { team: true }, async (db) => {
        if ((await deleteMembers(db, id, userId)) === 0)
          throw new AppError('NOT_FOUND', 'This person is not on the case.');
      });
    },

    assignAttorney(coalitionId: string, actor: CaseActor, id: string, attorneyId: string | null) {
      return change(coalitionId, actor, id, { team: true }, async (db, row) => {
        if (attorneyId) await checkTeamPerson(db, row, attorneyId, 'attorneyId');
        await updateCase(db, id, { attorneyId });
      });
    },

    /**
     * Refers the case to another member organization's legal team: the case moves with everything
     * in it, the people the sender added lose it too (and its tasks their assignees), and the
     * sender keeps the referral record. Only to an organization with a legal team.
     */
    async refer(
      coalitionId: string,
      actor: CaseActor,
      id: string,
      input: { organizationId: string; note: string },
    ) {
      await change(coalitionId, actor, id, { team: true, action: 'case.referred' }, async (db, row, at) => {
        if (input.organizationId === row.organizationId)
          throw invalid('organizationId', 'The case is already with this organization.');
        const organizations = await listOrganizations(db, coalitionId);
        if (!organizations.some((o) => o.id === input.organizationId))
          throw invalid('organizationId', 'No member organization with this id.');
        // A case referred to an organization nobody there could open would be nobody's.
        if ((await legalPeopleOf(db, [input.organizationId])).length === 0)
          throw invalid('organizationId', 'That organization has no legal team to take the case.');
        const referralId = randomUUID();
        await insertReferral(db, {
          id: referralId,
          coalitionId,
          caseId: id,
          fromOrganizationId: row.organizationId,
          toOrganizationId: input.organizationId,
          note: box.seal(input.note, context.referral(referralId)),
          referredBy: actor.userId,
          createdAt: at,
        });
        // The sending team's people lose it: those it added, its attorney, the tasks' assignees.
        await deleteMembers(db, id);
        await unassignTasks(db, id);
        await updateCase(db, id, { organizationId: input.organizationId, attorneyId: null });
      });
      return { referred: true as const };
    },

    /** Closes (or reopens) a case; `hold` keeps a closed case past its retention. */
    setClosed(
      coalitionId: string,
      actor: CaseActor,
      id: string,
      input: { closed: boolean; hold?: boolean | undefined },
    ) {
      return change(coalitionId, actor, id, { team: true, action: 'case.closed' }, async (db, row, at) => {
        await updateCase(db, id, {
          closedAt: input.closed ? (row.closedAt ?? at) : null,
          ...(input.hold !== undefined ? { holdAt: input.hold ? at : null } : {}),
        });
      });
    },
  };
}

export { legalOrganizationsOf, notFound };
