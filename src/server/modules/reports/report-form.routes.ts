import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isLanguage } from '../../../shared/language.js';
import type { ReportFormAnswer, ReportFormValues } from '../../../shared/pages.js';
import { reportInputSchema, SEND_KEY } from '../../../shared/report.js';
import {
  EMPTY_REPORT_FORM,
  observedAtOf,
  reportFormValuesOf,
  reportInputOf,
  zonedLocalTime,
} from '../../../shared/report-form.js';
import type { FormPostLimit } from '../../http/form-limit.js';
import {
  acceptFormBodies,
  type FormBody,
  formList,
  formText,
  postedFromAnotherSite,
} from '../../http/forms.js';
import type { WebPages } from '../../http/pages.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import { type ZoneService, zonesPageQuery } from '../zones/zones.service.js';
import { REPORT_BODY_LIMIT } from './reports.routes.js';
import type { ReportService } from './reports.service.js';

/** The form's fields as posted (names are the inputs' names in ReportPage). */
const formValues = (body: FormBody): ReportFormValues =>
  reportFormValuesOf({ text: (name) => formText(body, name), list: (name) => formList(body, name) });

/**
 * `/report` as a page: rendered by the server with the zones (so it works
 * before or without scripts), and the same form posted without scripts.
 * Such a post cannot carry the proof of work the scripts solve, so it gets
 * a stricter limit per address, held in the database for every process; a
 * refused or invalid post comes back with everything typed still in it.
 */
export function registerReportFormRoutes(
  app: FastifyInstance,
  deps: {
    pages: WebPages;
    reports: ReportService;
    zones: ZoneService;
    /** The stricter limit on forms posted without scripts. */
    formLimit: FormPostLimit;
    publicUrl: string;
    timeZone: string;
    rateLimits: { reportsPerMinute: number };
  },
): void {
  const zonesQuery = async (request: FastifyRequest) =>
    zonesPageQuery(deps.zones, (await coalitionOf(request)).id);
  const answer = async (
    request: FastifyRequest,
    reply: FastifyReply,
    report: ReportFormAnswer,
    status: number,
  ) => deps.pages.send(request, reply, { queries: [await zonesQuery(request)], report, status });

  app.get('/report', deps.pages.route, async (request, reply) =>
    deps.pages.send(request, reply, { queries: [await zonesQuery(request)] }),
  );

  app.register(async (scope) => {
    acceptFormBodies(scope, REPORT_BODY_LIMIT);
    scope.post(
      '/report',
      {
        bodyLimit: REPORT_BODY_LIMIT,
        schema: { hide: true },
        config: {
          access: 'public',
          rateLimit: { max: deps.rateLimits.reportsPerMinute, timeWindow: 60_000 },
        },
      },
      async (request, reply) => {
        const body = (request.body ?? {}) as FormBody;
        if (typeof body !== 'object' || Array.isArray(body)) return reply.status(415).send();
        const values = formValues(body);
        if (postedFromAnotherSite(request, deps.publicUrl)) {
          request.log.warn('report form posted from another site: refused');
          // Not echoed: another site's words must not wait in this form for a person to send them.
          return answer(request, reply, { values: EMPTY_REPORT_FORM, problems: [], failure: 'refused' }, 403);
        }
        // The language the form was shown in; the page's language if the field is missing.
        const posted = formText(body, 'language');
        const now = new Date();
        // The page's send key, if it is one: posted twice (a double tap, a reload), one report.
        // One not of that shape is left out, not refused: the form has no field to point at.
        const sendKey = formText(body, 'sendKey');
        const input = {
          ...reportInputOf(values, {
            language: isLanguage(posted) ? posted : deps.pages.languageOf(request),
            observedAt: observedAtOf(values, now, (text) => zonedLocalTime(text, deps.timeZone)),
          }),
          ...(SEND_KEY.test(sendKey) ? { sendKey } : {}),
        };
        const parsed = reportInputSchema.safeParse(input);
        if (!parsed.success) {
          const problems = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))];
          return answer(request, reply, { values, problems }, 400);
        }
        const coalition = await coalitionOf(request);
        // Counted only once the report is one: a mistake corrected does not use the person's allowance.
        const allowed = await deps.formLimit.take('report-form', request, now);
        if (!allowed) return answer(request, reply, { values, problems: [], failure: 'formLimited' }, 429);
        const { receipt } = await deps.reports.create(coalition.id, parsed.data, 'web', { scriptless: true });
        return answer(request, reply, { receipt }, 200);
      },
    );
  });
}
