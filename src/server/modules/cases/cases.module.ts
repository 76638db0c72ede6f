import type { z } from 'zod';
import type { openCaseSchema } from '../../../shared/cases.js';
import { AppError } from '../../http/errors.js';
import type { Platform } from '../../platform.js';
import { recordAudit } from '../access/audit.js';
import type { FaroModule } from '../module.js';
import { createCaseWork } from './case-work.js';
import { deleteCase, expiredCases, findCase, insertFacility, legalOrganizationsOf } from './cases.repo.js';
import { registerCaseRoutes } from './cases.routes.js';
import type { OpenCaseInput } from './cases.service.js';
import {
  type CaseActor,
  type CaseDeps,
  createCaseCore,
  createCaseReading,
  invalid,
} from './cases.service.js';
import { createFamilyStatus, type FamilyStatusDeps, familySmsJob } from './family-status.js';
import { registerFamilyStatusRoutes } from './family-status.routes.js';
import { createCaseDigester } from './search.js';

/**
 * Cases: the legal team follows a detained person to release (issue 16, "Follow-up"). Sealed,
 * found by keyed digests, visible only to the team holding it, every reading audited.
 */
export function createCasesService(deps: CaseDeps & { closedCaseDays: number; family: FamilyStatusDeps }) {
  const core = createCaseCore(deps);
  const reading = createCaseReading(core);
  const family = createFamilyStatus(core, deps.family);
  return {
    ...reading,
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
          const deleted = await deps.database.transaction(async ({ db }) => {
            // Held or reopened since it was listed: left as it is.
            const row = await findCase(db, coalitionId, id, true);
            if (!row || row.holdAt || !row.closedAt || row.closedAt >= before) return false;
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
          if (deleted) purged += 1;
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
  deps: Pick<CaseDeps, 'incidentExists' | 'evidenceVisible'> & Pick<FamilyStatusDeps, 'publicContacts'>,
) {
  const { database, box, now, config, jobs, sms } = platform;
  const { publicContacts, ...caseDeps } = deps;
  const cases = createCasesService({
    database,
    box,
    now,
    digester: createCaseDigester(box),
    closedCaseDays: config.retention.closedCaseDays,
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
  const familySms = sms ? familySmsJob({ sender: sms, box }) : null;
  return {
    services: { cases },
    jobDefinitions: { familySms },
    jobs: familySms ? [familySms] : [],
    routes(app, http) {
      registerCaseRoutes(app, { cases });
      registerFamilyStatusRoutes(app, {
        cases,
        lookupsPerMinute: config.rateLimits.lookupsPerMinute,
        pages: http.pages,
        publicUrl: config.publicUrl,
      });
    },
  } satisfies FaroModule & Record<string, unknown>;
}
