import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isLanguage } from '../../../shared/language.js';
import type { ReportFormAnswer, ReportFormValues } from '../../../shared/pages.js';
import { reportInputSchema } from '../../../shared/report.js';
import {
  EMPTY_REPORT_FORM,
  observedAtOf,
  reportInputOf,
  zonedLocalTime,
} from '../../../shared/report-form.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database } from '../../db/database.js';
import { clientKeyOf, widerNetworks } from '../../http/client-address.js';
import { acceptFormBodies, type FormBody, formList, formText } from '../../http/forms.js';
import type { WebPages } from '../../http/pages.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import { type ZoneService, zonesPageQuery } from '../zones/zones.service.js';
import { FORM_KEY_HEX_DIGITS, takeFormPost } from './form-throttle.repo.js';
import { REPORT_BODY_LIMIT } from './reports.routes.js';
import type { ReportService } from './reports.service.js';

/** Undoes the allowances already taken when a later one is refused. */
class FormLimitReached extends Error {}

/** How many clients' allowances an IPv6 /56 and a /48 get (a building, a small provider's customer). */
const WIDER_NETWORK_FACTOR = [4, 16] as const;

/** The window of the stricter limit on reports posted without scripts. */
const FORM_WINDOW_SECONDS = 3600;

/** The form's fields as posted (names are the inputs' names in ReportPage). */
function formValues(body: FormBody): ReportFormValues {
  return {
    activity: formText(body, 'activity'),
    agents: formText(body, 'agents'),
    vehicles: formText(body, 'vehicles'),
    uniforms: formList(body, 'uniforms'),
    markings: formText(body, 'markings'),
    equipment: formList(body, 'equipment'),
    zone: formText(body, 'zone'),
    place: formText(body, 'place'),
    when: formText(body, 'when') || 'now',
    observedAt: formText(body, 'observedAt'),
    firsthand: formText(body, 'firsthand') || 'yes',
    description: formText(body, 'description'),
  };
}

/**
 * A post from another site's page (a visitor's browser made to send reports
 * for someone else). Browsers say where a form came from: Sec-Fetch-Site
 * (only "same-origin" is this Faro's own page), else Origin — this Faro's
 * pages send theirs (Referrer-Policy same-origin), and "null" is what a
 * sandboxed frame or a data: page of another site sends. A client that says
 * nothing is let through; the limits still hold it. Refusing keeps no
 * state: a script can lie in both, and meets the limits.
 */
function crossSite(request: FastifyRequest, publicUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site) return site !== 'same-origin';
  const origin = request.headers.origin;
  if (!origin) return false;
  if (origin === 'null') return true;
  try {
    const host = new URL(origin).host;
    return host !== new URL(publicUrl).host && host !== request.headers.host;
  } catch {
    return true;
  }
}

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
    database: Database;
    box: SecretBox;
    publicUrl: string;
    timeZone: string;
    rateLimits: {
      reportsPerMinute: number;
      reportFormPostsPerHour: number;
      reportFormPostsPerHourTotal: number;
    };
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
        if (crossSite(request, deps.publicUrl)) {
          request.log.warn('report form posted from another site: refused');
          // Not echoed: another site's words must not wait in this form for a person to send them.
          return answer(request, reply, { values: EMPTY_REPORT_FORM, problems: [], failure: 'refused' }, 403);
        }
        // The language the form was shown in; the page's language if the field is missing.
        const posted = formText(body, 'language');
        const now = new Date();
        const input = reportInputOf(values, {
          language: isLanguage(posted) ? posted : deps.pages.languageOf(request),
          observedAt: observedAtOf(values, now, (text) => zonedLocalTime(text, deps.timeZone)),
        });
        const parsed = reportInputSchema.safeParse(input);
        if (!parsed.success) {
          const problems = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))];
          return answer(request, reply, { values, problems }, 400);
        }
        const coalition = await coalitionOf(request);
        // Counted only once the report is one: a mistake corrected does not use the person's allowance.
        // The digest changes every day (windows start on the clock, so a new day is a new window too)
        // and only its first few digits are kept (form-throttle.repo.ts): no row points to one address.
        const day = `report-form:${now.toISOString().slice(0, 10)}`;
        const short = (value: string) => deps.box.digest(value, day).slice(0, FORM_KEY_HEX_DIGITS);
        const perClient = deps.rateLimits.reportFormPostsPerHour;
        // The client; for IPv6 also its /56 and /48 (a client may hop between thousands of /64s);
        // and the whole network, so a flood from many addresses cannot bury the board during a raid
        // (past it the page gives the hotline and text numbers; the scripted form is not held by it).
        const limits = [
          { key: `report-form:${short(clientKeyOf(request))}`, max: perClient },
          ...widerNetworks(request.ip).map((network, index) => ({
            key: `report-form:${short(network)}`,
            max: perClient * (WIDER_NETWORK_FACTOR[index] ?? 16),
          })),
          { key: 'report-form:all', max: deps.rateLimits.reportFormPostsPerHourTotal },
        ];
        const allowed = await deps.database
          .transaction(async ({ db }) => {
            for (const limit of limits) {
              const taken = await takeFormPost(db, limit.key, now, {
                windowSeconds: FORM_WINDOW_SECONDS,
                max: limit.max,
              });
              if (!taken) throw new FormLimitReached();
            }
            return true;
          })
          .catch((error: unknown) => {
            if (error instanceof FormLimitReached) return false;
            throw error;
          });
        if (!allowed) return answer(request, reply, { values, problems: [], failure: 'formLimited' }, 429);
        const { receipt } = await deps.reports.create(coalition.id, parsed.data, 'web');
        return answer(request, reply, { receipt }, 200);
      },
    );
  });
}
