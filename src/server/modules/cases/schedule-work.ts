import type { z } from 'zod';
import type { hearingChangeSchema } from '../../../shared/case-calendar.js';
import type { CaseDetail } from '../../../shared/cases.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import type { CaseActor, CaseCore } from './cases.service.js';
import { consentFirst } from './cases.service.js';
import { textableContact } from './reminder-texts.js';
import { findContact, findHearing, updateContact, updateHearing } from './schedule.repo.js';
import { context, openJson, sealJson } from './sealing.js';

/**
 * What the schedule of a case needs besides adding to it: a hearing moved or corrected (a new time
 * is reminded again: the reminders' key holds the time), and whether a family contact wants hearing
 * reminders by text. Each change is one transaction with its audit row, like the rest of case work.
 */
export function createScheduleWork(core: CaseCore) {
  const { database, box, now, audit } = core;

  async function onCase(
    coalitionId: string,
    actor: CaseActor,
    id: string,
    apply: (db: Drizzle) => Promise<void>,
  ): Promise<CaseDetail> {
    const at = now();
    return database.transaction(async ({ db }) => {
      const { row } = await core.reach(db, coalitionId, actor, id, true);
      if (row.consentAt === null) throw consentFirst();
      await apply(db);
      await audit(db, coalitionId, actor.userId, 'case.changed', id, at);
      return core.detailOf(db, row);
    });
  }

  return {
    /** Moves or corrects a hearing of a case the person may know. */
    changeHearing(
      coalitionId: string,
      actor: CaseActor,
      id: string,
      hearingId: string,
      change: z.infer<typeof hearingChangeSchema>,
    ) {
      return onCase(coalitionId, actor, id, async (db) => {
        const hearing = await findHearing(db, id, hearingId);
        if (!hearing) throw new AppError('NOT_FOUND', 'No hearing with this id on this case.');
        const { at, ...fields } = change;
        const details = {
          ...openJson<{ court: string; type: string; judge?: string }>(
            box,
            hearing.details,
            context.hearing(hearingId),
          ),
          ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
        };
        if (details.judge === '') delete details.judge;
        await updateHearing(db, hearingId, {
          ...(at ? { at: new Date(at) } : {}),
          details: sealJson(box, details, context.hearing(hearingId)),
        });
      });
    },

    /** Ticks (or unticks) that a family contact wants hearing reminders by text. */
    setContactReminders(
      coalitionId: string,
      actor: CaseActor,
      id: string,
      contactId: string,
      textReminders: boolean,
    ) {
      return onCase(coalitionId, actor, id, async (db) => {
        const contact = await findContact(db, id, contactId);
        if (!contact) throw new AppError('NOT_FOUND', 'No contact with this id on this case.');
        const details = openJson<{ phone?: string; textReminders?: boolean }>(
          box,
          contact.details,
          context.contact(contactId),
        );
        if (textReminders) textableContact(details);
        await updateContact(
          db,
          contactId,
          sealJson(box, { ...details, textReminders }, context.contact(contactId)),
        );
      });
    },
  };
}
