import type { z } from 'zod';
import type { openCaseSchema } from '../../../shared/cases.js';
import { AppError } from '../../http/errors.js';
import type { Platform } from '../../platform.js';
import { recordAudit } from '../access/audit.js';
import type { FaroModule } from '../module.js';
import { createCaseCalendar } from './calendar.js';
import { createCaseWork } from './case-work.js';
import {
  deleteCase,
  expiredCases,
  findCase,
  insertFacility,
  legalOrganizations,
  legalOrganizationsOf,
} from './cases.repo.js';
import { registerCaseRoutes } from './cases.routes.js';
import type { OpenCaseInput } from './cases.service.js';
import {
  type CaseActor,
  type CaseDeps,
  createCaseCore,
  createCaseReading,
  invalid,
} from './cases.service.js';
import { type CaseDocumentStore, createCaseDocuments } from './documents.js';
import { registerCaseDocumentRoutes } from './documents.routes.js';
import { createFamilyStatus, type FamilyStatusDeps, familySmsJob } from './family-status.js';
import { registerFamilyStatusRoutes } from './family-status.routes.js';
import { createNewCaseNotice } from './new-case-notice.js';
import { createCaseReminders, type ReminderDeps } from './reminders.js';
import { registerScheduleRoutes } from './schedule.routes.js';
import { createScheduleWork } from './schedule-work.js';
import { createCaseDigester } from './search.js';

/**
 * Cases: the legal team follows a detained person to release (issue 16, "Follow-up"). Sealed,
 * found by keyed digests, visible only to the team holding it, every reading audited.
 */
export function createCasesService(
  deps: CaseDeps & {
    closedCaseDays: number;
    documentStore: CaseDocumentStore;
    family: FamilyStatusDeps;
    /** Tells a team of a case opened for them by nobody of theirs (an activated plan). */
    onOpenedForTeam?: (caseId: string, organizationId: string) => Promise<void>;
  },
) {
  const core = createCaseCore(deps);
  const reading = createCaseReading(core);
  const documents = createCaseDocuments(core, deps.documentStore);
  const family = createFamilyStatus(core, deps.family);
  return {
    ...reading,
    documents,
    ...createCaseWork(core),
    ...family,
    /** A person of a legal team opens a case for one of their organizations (the first by default). */
    async open(coalitionId: string, actor: CaseActor, body: z.infer<typeof openCaseSchema>) {
      const mine = await legalOrganizationsOf(deps.database.db, actor.userId);
      const organizationId = body.organizationId ?? mine[0];
      if (!organizationId || !mine.includes(organizationId))
        throw new AppError('FORBIDDEN', 'You can open a case only for a legal team you are on.');
      if (body.source === 'incident' && !body.incidentId)
        throw invalid('incidentId', 'Name the incident the case is opened from.');
      const input: OpenCaseInput = {
        organizationId,
        source: body.source,
        incidentId: body.incidentId,
        person: body.person,
        consent: body.consent,
        openedBy: actor.userId,
      };
      return reading.openCase(coalitionId, input);
    },
    /** The organizations with a legal team, for a plan's member to choose from (names only). */
    legalOrganizations(coalitionId: string) {
      return legalOrganizations(deps.database.db, coalitionId);
    },
    /**
     * Opens the case an activated plan asked for, once per activation (its id is the case's), with
     * the organization its member chose — or, if that one no longer has a legal team, the first
     * that has: a detained person's case is not lost to a reorganization. Null when the coalition
     * has no legal team at all.
     */
    async openForPlan(
      coalitionId: string,
      input: Omit<OpenCaseInput, 'source' | 'openedBy' | 'incidentId'> & { id: string },
    ): Promise<{ id: string; organizationId: string } | null> {
      const teams = await legalOrganizations(deps.database.db, coalitionId);
      const chosen = teams.find((team) => team.id === input.organizationId) ?? teams[0];
      if (!chosen) return null;
      const opened = await reading.openCase(coalitionId, {
        ...input,
        organizationId: chosen.id,
        source: 'plan',
        openedBy: null,
      });
      // Once: a retried job finds the case already open and tells nobody again.
      if (opened.created) await deps.onOpenedForTeam?.(opened.id, chosen.id);
      return { id: opened.id, organizationId: chosen.id };
    },
    /**
     * Deletes the closed cases past their retention that are not on hold, with everything in them;
     * the audit log keeps that each existed (its id, when), not what it held. Returns how many.
     */
    async purgeExpired(): Promise<number> {
      const at = deps.now();
      const before = new Date(at.getTime() - deps.closedCaseDays * 86_400_000);
      await family.purgeFamilyAttempts();
      let purged = 0;
      for (;;) {
        const due = await expiredCases(deps.database.db, before, 50);
        if (due.length === 0) return purged;
        for (const { id, coalitionId } of due) {
          const released: string[] = [];
          const deleted = await deps.database.transaction(async ({ db }) => {
            // Held or reopened since it was listed: left as it is.
            const row = await findCase(db, coalitionId, id, true);
            if (!row || row.holdAt || !row.closedAt || row.closedAt >= before) return false;
            // Its documents with it, their bytes in the evidence store too (their custody logs stay).
            released.push(...(await documents.deleteAllIn(db, coalitionId, id)));
            await deleteCase(db, id);
            await recordAudit(db, {
              coalitionId,
              actorId: null,
              action: 'case.deleted',
              subjectType: 'case',
              subjectId: id,
              at,
            });
            return true;
          });
          if (deleted) {
            purged += 1;
            await documents.release(released);
          }
        }
      }
    },
    /** An admin adds a facility to the list. */
    addFacility(coalitionId: string, actorId: string, name: string) {
      return deps.database.transaction(async ({ db }) => {
        const facility = await insertFacility(db, coalitionId, name);
        await recordAudit(db, {
          coalitionId,
          actorId,
          action: 'settings.case_facility_added',
          subjectType: 'coalition',
          subjectId: coalitionId,
          at: deps.now(),
        });
        return facility;
      });
    },
  };
}
export type CasesService = ReturnType<typeof createCasesService>;

export function createCasesModule(
  platform: Platform,
  deps: Pick<CaseDeps, 'incidentExists' | 'evidenceVisible'> &
    Pick<FamilyStatusDeps, 'publicContacts'> & {
      documentStore: CaseDocumentStore;
      /** Staff push (the dispatch module's): reminders reach people's devices through it. */
      staffPush: ReminderDeps['staffPush'];
    },
) {
  const { database, box, now, config, jobs, sms } = platform;
  const { staffPush, publicContacts, ...caseDeps } = deps;
  const core = createCaseCore({ database, box, now, digester: createCaseDigester(box), ...caseDeps });
  const cases = createCasesService({
    database,
    box,
    now,
    digester: createCaseDigester(box),
    closedCaseDays: config.retention.closedCaseDays,
    onOpenedForTeam: createNewCaseNotice({
      database,
      staffPush,
      mailer: platform.mailer,
      publicUrl: config.publicUrl,
      logError: platform.logError,
    }),
    family: {
      jobs,
      smsEnabled: sms !== null,
      smsDestinations: config.subscriptions.sms,
      publicContacts,
      publicUrl: config.publicUrl,
      timeZone: config.timeZone,
    },
    ...caseDeps,
  });
  const schedule = createScheduleWork(core);
  const calendar = createCaseCalendar(core, { publicUrl: config.publicUrl });
  const reminders = createCaseReminders({
    database,
    box,
    now,
    jobs: platform.jobs,
    staffPush,
    mailer: platform.mailer,
    sms: platform.sms,
    timeZone: config.timeZone,
    publicUrl: config.publicUrl,
  });
  const familySms = sms ? familySmsJob({ sender: sms, box }) : null;
  return {
    services: { cases, reminders },
    jobDefinitions: {
      caseReminderSend: reminders.jobs.send,
      caseReminders: reminders.jobs.sweep,
      familySms,
    },
    jobs: [reminders.jobs.send, reminders.jobs.sweep, ...(familySms ? [familySms] : [])],
    routes(app, http) {
      registerCaseRoutes(app, { cases });
      registerScheduleRoutes(app, {
        schedule,
        calendar,
        readsPerMinute: config.rateLimits.lookupsPerMinute,
      });
      registerCaseDocumentRoutes(app, { documents: cases.documents });
      registerFamilyStatusRoutes(app, {
        cases,
        lookupsPerMinute: config.rateLimits.lookupsPerMinute,
        pages: http.pages,
        publicUrl: config.publicUrl,
      });
    },
  } satisfies FaroModule & Record<string, unknown>;
}
