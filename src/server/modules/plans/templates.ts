import { PLAN_TASKS, type PlanTemplates } from '../../../shared/plan.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { message } from '../../locales/messages.js';

/** Each task's message template in every language (from the server's locale files). */
export function planTemplates(): PlanTemplates {
  return Object.fromEntries(
    LANGUAGES.map((language) => [
      language,
      Object.fromEntries(PLAN_TASKS.map((task) => [task, message(language, `plans.templates.${task}`)])),
    ]),
  ) as PlanTemplates;
}
