import { LANGUAGES, type Language } from '../../../shared/report-fields.js';
import type { Database } from '../../db/database.js';
import { message } from '../../locales/messages.js';
import type { Mailer } from '../../mail/mailer.js';
import type { ReminderDeps } from './reminders.js';
import { activeEmail, casePeople } from './schedule.repo.js';

/**
 * Tells the legal team that a case was opened for them without anyone of theirs opening it (an
 * emergency plan was activated: someone was just detained, and the hours count). Push and e-mail
 * to everyone holding the case; like the reminders, it names nobody — a short reference and a link.
 * Best effort: the case is in the team's list whatever happens here.
 */
export function createNewCaseNotice(deps: {
  database: Database;
  staffPush: ReminderDeps['staffPush'];
  mailer: Mailer | null;
  publicUrl: string;
  logError: (message: string, error: unknown) => void;
}) {
  return async (caseId: string, organizationId: string): Promise<void> => {
    try {
      const people = await casePeople(deps.database.db, caseId, organizationId);
      const reference = caseId.slice(0, 8);
      const link = `${deps.publicUrl}/cases?case=${caseId}`;
      await deps.staffPush.notifyText(people, {
        text: (language) => ({
          title: message(language, 'caseOpened.title'),
          body: message(language, 'caseOpened.body', { reference }),
        }),
        url: `/cases?case=${caseId}`,
        urgency: 'high',
        ttlSeconds: 24 * 3600,
        tag: `case-opened-${caseId}`,
      });
      if (!deps.mailer) return;
      for (const person of people) {
        const to = await activeEmail(deps.database.db, person);
        if (!to) continue;
        const known = await deps.staffPush.readerLanguage(person);
        const languages: readonly Language[] = known ? [known] : LANGUAGES;
        await deps.mailer.send({
          to,
          subject: languages
            .map((language) => message(language, 'caseOpened.subject', { reference }))
            .join(' / '),
          text: languages
            .map((language) => message(language, 'caseOpened.mail', { reference, link }))
            .join('\n\n— — —\n\n'),
          messageId: `<case-opened.${caseId}.${person}@faro.invalid>`,
        });
      }
    } catch (error) {
      deps.logError('the legal team could not be told of a new case', error);
    }
  };
}
