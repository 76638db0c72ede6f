import { randomUUID } from 'node:crypto';
import type { AuditAction } from '../../../shared/audit.js';
import type {
  CaseDetail,
  CaseList,
  CasePerson,
  CaseReferrals,
  CaseSource,
  CaseTeam,
  ConsentInput,
  CustodyStatus,
} from '../../../shared/cases.js';
import { normalizeANumber } from '../../../shared/cases.js';
import type { ErrorReason } from '../../../shared/errors.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { recordAudit } from '../access/audit.js';
import { holdsCase, seesCase } from './cases.policy.js';
import {
  type CaseRow,
  caseParts,
  casesByDigest,
  findCase,
  findFacility,
  insertCase,
  insertContact,
  insertCustodyEvent,
  insertLink,
  insertNote,
  isCaseMember,
  legalOrganizationsOf,
  legalPeopleOf,
  listFacilities,
  listOrganizations,
  listVisibleCases,
  organizationName,
  referralsFrom,
  replaceDigests,
  userName,
} from './cases.repo.js';
import { context, openJson, openOrNull, SEEKING_FIELDS, sealJson } from './sealing.js';
import type { CaseDigester } from './search.js';

/** The person acting on cases (a plan activated by its member has none: `userId` null). */
export interface CaseActor {
  userId: string;
  roles: readonly string[];
  permissions: readonly import('../../../shared/permissions.js').Permission[];
  tokenHash: string;
}

export interface CaseDeps {
  database: Database;
  box: SecretBox;
  digester: CaseDigester;
  now: () => Date;
  /** Whether an incident of the coalition exists (the incidents module's word). */
  incidentExists(coalitionId: string, incidentId: string): Promise<boolean>;
  /** Whether this person may know of this evidence item (the evidence module's word). */
  evidenceVisible(coalitionId: string, actor: CaseActor, itemId: string): Promise<boolean>;
}

export interface OpenCaseInput {
  organizationId: string;
  source: CaseSource;
  /** The incident it was opened from (linked to the case). */
  incidentId?: string | undefined;
  person: CasePerson;
  consent?: (ConsentInput & { method: ConsentInput['method'] }) | undefined;
  /** Who opened it: a person of the legal team, a hotline operator, or nobody (an activated plan). */
  openedBy: string | null;
  /**
   * The case's id, when the caller must open it at most once (an activated plan: its activation's
   * id) — opening again with the same id answers the case already there.
   */
  id?: string;
  /** Family contacts known when it opens (an activated plan's contacts); need consent. */
  contacts?: CaseContactInput[];
  /** A first note (an activated plan's instructions); needs consent. */
  note?: string;
}

export interface CaseContactInput {
  name: string;
  phone?: string | undefined;
  language?: string | undefined;
  relation?: string | undefined;
}

export const UPCOMING_DAYS = 14;
/** Bad input in one field: the message says what to do. */
export const invalid = (field: string, message: string) =>
  new AppError('VALIDATION', message, { fields: [{ field, message }] });
export const notFound = () => new AppError('NOT_FOUND', 'No case with this id.');

/**
 * A case exists but this person may not know it: answered exactly as a case that does not exist
 * (same code, same words), and written to the audit log once the request's transaction is over
 * (the routes' error hook), so probing for cases shows there and nowhere else.
 */
export class CaseRefused extends AppError {
  constructor(
    readonly coalitionId: string,
    readonly caseId: string,
    readonly actorId: string,
  ) {
    super('NOT_FOUND', 'No case with this id.');
  }
}
export const consentFirst = () =>
  new AppError('VALIDATION', 'Record the consent first: until then a case holds only a name and a contact.', {
    reason: 'consent_required' satisfies ErrorReason,
  });

/** Whether a person object carries anything beyond what seeking consent needs. */
const beyondSeeking = (person: Partial<CasePerson>) =>
  Object.entries(person).some(
    ([key, value]) =>
      !SEEKING_FIELDS.includes(key as keyof CasePerson) &&
      value !== undefined &&
      !(Array.isArray(value) && value.length === 0),
  );

const iso = (at: Date | null) => (at ? at.toISOString() : null);

/** What every cases use case shares: reach, sealing, audit, the detail as shown. */
export function createCaseCore(deps: CaseDeps) {
  const { box, now } = deps;

  const audit = (
    db: Drizzle,
    coalitionId: string,
    actorId: string | null,
    action: AuditAction,
    caseId: string | null,
    at = now(),
  ) => recordAudit(db, { coalitionId, actorId, action, subjectType: 'case', subjectId: caseId, at });

  /** The case if this person may know it (404 otherwise, whoever they are). */
  async function reach(db: Drizzle, coalitionId: string, actor: CaseActor, id: string, lock = false) {
    const row = await findCase(db, coalitionId, id, lock);
    if (!row) throw notFound();
    const legalOrganizationIds = await legalOrganizationsOf(db, actor.userId);
    const added = legalOrganizationIds.includes(row.organizationId)
      ? false
      : await isCaseMember(db, id, actor.userId);
    const who = { legalOrganizationIds, added };
    if (!seesCase(who, row)) throw new CaseRefused(coalitionId, id, actor.userId);
    return { row, holds: holdsCase(who, row) };
  }

  const personOf = (row: CaseRow) => openJson<CasePerson>(box, row.person, context.person(row.id));

  async function detailOf(db: Drizzle, row: CaseRow): Promise<CaseDetail> {
    const parts = await caseParts(db, row.id);
    const person = personOf(row);
    const facility = row.facilityId ? await findFacility(db, row.coalitionId, row.facilityId) : undefined;
    return {
      id: row.id,
      source: row.source,
      status: row.status,
      organizationId: row.organizationId,
      organizationName: (await organizationName(db, row.organizationId)) ?? '',
      attorneyId: row.attorneyId,
      attorneyName: row.attorneyId ? ((await userName(db, row.attorneyId)) ?? null) : null,
      person: {
        name: person.name,
        contact: person.contact ?? null,
        aliases: person.aliases ?? [],
        aNumber: person.aNumber ? normalizeANumber(person.aNumber) : null,
        countryOfBirth: person.countryOfBirth ?? null,
        dateOfBirth: person.dateOfBirth ?? null,
        language: person.language ?? null,
      },
      consent:
        row.consentGivenBy && row.consentMethod && row.consentAt
          ? {
              givenBy: box.open(row.consentGivenBy, context.consent(row.id)),
              method: row.consentMethod,
              at: row.consentAt.toISOString(),
              recordedBy: row.consentRecordedBy
                ? ((await userName(db, row.consentRecordedBy)) ?? null)
                : null,
            }
          : null,
      facilityId: row.facilityId,
      facilityName: facility?.name ?? null,
      facilityText: openOrNull(box, row.facilityText, context.facility(row.id)),
      openedAt: row.createdAt.toISOString(),
      closedAt: iso(row.closedAt),
      custody: parts.custody.map(({ event, facilityName, recordedBy }) => ({
        status: event.status,
        at: event.at.toISOString(),
        facilityName,
        facilityText: openOrNull(box, event.facilityText, context.custodyFacility(event.id)),
        recordedBy,
      })),
      hearings: parts.hearings.map((hearing) => {
        const details = openJson<{ court: string; type: string; judge?: string }>(
          box,
          hearing.details,
          context.hearing(hearing.id),
        );
        return {
          id: hearing.id,
          at: hearing.at.toISOString(),
          court: details.court,
          type: details.type,
          judge: details.judge ?? null,
        };
      }),
      contacts: parts.contacts.map((contact) => {
        const details = openJson<{
          name: string;
          phone?: string;
          language?: string;
          relation?: string;
          textReminders?: boolean;
        }>(box, contact.details, context.contact(contact.id));
        return {
          id: contact.id,
          name: details.name,
          phone: details.phone ?? null,
          language: details.language ?? null,
          relation: details.relation ?? null,
          textReminders: details.textReminders === true,
        };
      }),
      tasks: parts.tasks.map(({ task, assigneeName }) => ({
        id: task.id,
        text: box.open(task.text, context.task(task.id)),
        dueOn: task.dueOn,
        assigneeId: task.assigneeId,
        assigneeName,
        done: task.doneAt !== null,
      })),
      notes: parts.notes.map(({ note, author }) => ({
        id: note.id,
        text: box.open(note.text, context.note(note.id)),
        author,
        at: note.createdAt.toISOString(),
      })),
      links: parts.links.map((link) => ({
        kind: link.kind,
        targetId: link.targetId,
        at: link.createdAt.toISOString(),
      })),
      members: parts.members,
    };
  }

  return { ...deps, audit, reach, personOf, detailOf };
}
export type CaseCore = ReturnType<typeof createCaseCore>;

/** Opening, reading, listing and finding cases. */
export function createCaseReading(core: CaseCore) {
  const { database, box, digester, now, audit } = core;
  return {
    /**
     * Opens a case for an organization's legal team: from an incident, a family member's call, or
     * an activated plan (its member gave consent in the plan). The caller checks who may open it.
     */
    async openCase(coalitionId: string, input: OpenCaseInput): Promise<{ id: string; created: boolean }> {
      if (!input.consent && (beyondSeeking(input.person) || input.contacts?.length || input.note))
        throw consentFirst();
      if (input.incidentId && !(await core.incidentExists(coalitionId, input.incidentId)))
        throw invalid('incidentId', 'No incident with this id.');
      const at = now();
      const id = input.id ?? randomUUID();
      return database.transaction(async ({ db }) => {
        if (input.id && (await findCase(db, coalitionId, input.id))) return { id, created: false };
        await insertCase(db, {
          id,
          coalitionId,
          organizationId: input.organizationId,
          source: input.source,
          person: sealJson(box, input.person, context.person(id)),
          openedBy: input.openedBy,
          ...(input.consent
            ? {
                consentGivenBy: box.seal(input.consent.givenBy, context.consent(id)),
                consentMethod: input.consent.method,
                consentAt: input.consent.at ? new Date(input.consent.at) : at,
                consentRecordedBy: input.openedBy,
              }
            : {}),
        });
        await replaceDigests(db, id, digester.of(input.person));
        await insertCustodyEvent(db, { caseId: id, status: 'unknown', at, recordedBy: input.openedBy });
        if (input.incidentId)
          await insertLink(db, {
            caseId: id,
            kind: 'incident',
            targetId: input.incidentId,
            linkedBy: input.openedBy,
          });
        for (const contact of input.contacts ?? []) {
          const contactId = randomUUID();
          await insertContact(db, {
            id: contactId,
            caseId: id,
            details: sealJson(box, contact, context.contact(contactId)),
          });
        }
        if (input.note) {
          const noteId = randomUUID();
          await insertNote(db, {
            id: noteId,
            caseId: id,
            text: box.seal(input.note, context.note(noteId)),
            authorId: input.openedBy,
            createdAt: at,
          });
        }
        await audit(db, coalitionId, input.openedBy, 'case.opened', id, at);
        if (input.consent) await audit(db, coalitionId, input.openedBy, 'case.consent_recorded', id, at);
        return { id, created: true };
      });
    },

    /** A case as its team sees it; every reading is audited. */
    async detail(coalitionId: string, actor: CaseActor, id: string): Promise<CaseDetail> {
      return database.transaction(async ({ db }) => {
        const { row } = await core.reach(db, coalitionId, actor, id);
        await audit(db, coalitionId, actor.userId, 'case.viewed', id);
        return core.detailOf(db, row);
      });
    },

    /** The cases a person may know, filtered; each listed case audited; counts over the open ones. */
    async list(
      coalitionId: string,
      actor: CaseActor,
      filter: {
        status?: CustodyStatus | undefined;
        facilityId?: string | undefined;
        organizationId?: string | undefined;
        hearingWithinDays?: number | undefined;
        closed?: boolean | undefined;
        ids?: readonly string[] | undefined;
      },
      /** An export writes its own audit action; the CSV adds the A-number to each row. */
      purpose: 'case.listed' | 'case.exported' = 'case.listed',
    ): Promise<CaseList & { aNumbers: Record<string, string | null> }> {
      const at = now();
      return database.transaction(async ({ db }) => {
        const orgs = await legalOrganizationsOf(db, actor.userId);
        const rows = await listVisibleCases(db, coalitionId, actor.userId, orgs, at);
        const open = rows.filter(({ row }) => row.closedAt === null);
        const counts: Record<string, number> = {};
        for (const { row } of open) counts[row.status] = (counts[row.status] ?? 0) + 1;
        const soon = at.getTime() + UPCOMING_DAYS * 86_400_000;
        const upcomingHearings = open.filter(
          ({ nextHearingAt }) => nextHearingAt && new Date(nextHearingAt).getTime() <= soon,
        ).length;
        const within = filter.hearingWithinDays;
        const shown = rows.filter(
          ({ row, nextHearingAt }) =>
            (filter.closed ? row.closedAt !== null : row.closedAt === null) &&
            (!filter.ids || filter.ids.includes(row.id)) &&
            (!filter.status || row.status === filter.status) &&
            (!filter.facilityId || row.facilityId === filter.facilityId) &&
            (!filter.organizationId || row.organizationId === filter.organizationId) &&
            (within === undefined ||
              (nextHearingAt !== null &&
                new Date(nextHearingAt).getTime() <= at.getTime() + within * 86_400_000)),
        );
        for (const { row } of shown) await audit(db, coalitionId, actor.userId, purpose, row.id, at);
        const aNumbers: Record<string, string | null> = {};
        if (purpose === 'case.exported')
          for (const { row } of shown) {
            const number = core.personOf(row).aNumber;
            aNumbers[row.id] = number ? normalizeANumber(number) : null;
          }
        return {
          aNumbers,
          cases: shown.map(({ row, organizationName, facilityName, nextHearingAt }) => ({
            id: row.id,
            name: core.personOf(row).name,
            status: row.status,
            consent: row.consentAt !== null,
            organizationId: row.organizationId,
            organizationName,
            facilityId: row.facilityId,
            facilityName,
            nextHearingAt: nextHearingAt ? new Date(nextHearingAt).toISOString() : null,
            closedAt: iso(row.closedAt),
            openedAt: row.createdAt.toISOString(),
          })),
          counts,
          upcomingHearings,
        };
      });
    },

    /** Cases found by exact A-number or normalized name, among those the person may know. */
    async search(
      coalitionId: string,
      actor: CaseActor,
      query: { aNumber?: string | undefined; name?: string | undefined },
    ) {
      const ids = new Set<string>();
      if (query.aNumber) {
        const digest = digester.aNumber(query.aNumber);
        if (!digest) throw invalid('aNumber', 'An A-number has 8 or 9 digits.');
        for (const id of await casesByDigest(database.db, coalitionId, 'a_number', digest)) ids.add(id);
      }
      if (query.name) {
        const digest = digester.name(query.name);
        if (digest)
          for (const id of await casesByDigest(database.db, coalitionId, 'name', digest)) ids.add(id);
      }
      if (!query.aNumber && !query.name) throw invalid('name', 'Search by an A-number or a name.');
      const found = await this.list(coalitionId, actor, { ids: [...ids] });
      const closed = await this.list(coalitionId, actor, { ids: [...ids], closed: true });
      return {
        cases: [...found.cases, ...closed.cases],
        counts: found.counts,
        upcomingHearings: found.upcomingHearings,
      };
    },

    /** The team's organizations and people, every member organization (for referrals), the facilities. */
    /** A refused request for a case (CaseRefused), written once its request is over. */
    async recordRefusal(refused: CaseRefused): Promise<void> {
      await audit(database.db, refused.coalitionId, refused.actorId, 'case.access_refused', refused.caseId);
    },

    async team(coalitionId: string, actor: CaseActor): Promise<CaseTeam> {
      const db = database.db;
      const mine = await legalOrganizationsOf(db, actor.userId);
      const organizations = await listOrganizations(db, coalitionId);
      const people = await legalPeopleOf(db, mine);
      const facilities = await listFacilities(db, coalitionId);
      return {
        organizations: organizations.map((o) => ({ ...o, mine: mine.includes(o.id) })),
        people,
        facilities,
      };
    },

    /** What an organization keeps of the cases it referred: the referral records only. */
    async referrals(coalitionId: string, actor: CaseActor): Promise<CaseReferrals> {
      const db = database.db;
      const mine = await legalOrganizationsOf(db, actor.userId);
      const names = new Map((await listOrganizations(db, coalitionId)).map((o) => [o.id, o.name]));
      const rows = await referralsFrom(db, coalitionId, mine);
      const at = now();
      for (const { referral } of rows)
        await audit(db, coalitionId, actor.userId, 'case.referrals_viewed', referral.caseId, at);
      return {
        referrals: rows.map(({ referral }) => ({
          id: referral.id,
          caseId: referral.caseId,
          fromOrganizationName: names.get(referral.fromOrganizationId) ?? '',
          toOrganizationName: names.get(referral.toOrganizationId) ?? '',
          note: box.open(referral.note, `case-referral:${referral.id}`),
          at: referral.createdAt.toISOString(),
        })),
      };
    },
  };
}

export { beyondSeeking };
