import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AlertLanguage } from '../../../shared/alert.js';
import { publicAlertListSchema } from '../../../shared/alert.js';
import { isPublicLanguage } from '../../../shared/languages.js';
import {
  PAGE_QUERIES,
  type SubscribeFormAnswer,
  type SubscribeFormField,
  type SubscribeFormValues,
} from '../../../shared/pages.js';
import {
  EMPTY_SUBSCRIBE_FORM,
  SCRIPTLESS_CHANNELS,
  subscribeFieldOf,
  subscribeInputOf,
} from '../../../shared/subscribe-form.js';
import { subscribeInputSchema } from '../../../shared/subscription.js';
import { clientKeyOf } from '../../http/client-address.js';
import { AppError } from '../../http/errors.js';
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
import type { PublicAlerts } from './public-alerts.js';
import { channelOffer } from './subscriptions.routes.js';
import type { SubscriptionService } from './subscriptions.service.js';

/** A subscribe form is a few short fields and the zones' ids: far less than this. */
const SUBSCRIBE_FORM_BODY_LIMIT = 16 * 1024;

/** The subscribe form's fields as posted (names are the inputs' names in SubscribePage). */
const subscribeFormValues = (body: FormBody): SubscribeFormValues => ({
  channel: formText(body, 'channel'),
  address: formText(body, 'address'),
  phone: formText(body, 'phone'),
  zones: formList(body, 'zones'),
});

type Echo = Extract<SubscribeFormAnswer, { values: unknown }>;

/**
 * What the subscription service refused, as the form's fields and sentences;
 * null for an error that is not the person's to fix (it goes to the error handler).
 */
function refusalOf(error: unknown): { echo: Omit<Echo, 'values'>; status: number } | null {
  if (!(error instanceof AppError)) return null;
  if (error.code === 'RATE_LIMITED') return { echo: { problems: [], failure: 'rateLimited' }, status: 429 };
  if (error.code === 'UNAVAILABLE') return { echo: { problems: [], failure: 'unavailable' }, status: 503 };
  if (error.code !== 'VALIDATION') return null;
  const fields = ((error.details?.fields ?? []) as { field: string }[]).flatMap(({ field }) => {
    const key = subscribeFieldOf(field);
    return key ? [key] : [];
  });
  const problems = [...new Set<SubscribeFormField>(fields)];
  const reasons: Echo['reasons'] = {};
  if (problems.includes('phone') && error.details?.reason) reasons.phone = 'smsNotServed';
  if (problems.includes('zones') && error.details?.maxZones) reasons.zones = 'tooManyZones';
  return problems.length > 0 ? { echo: { problems, reasons }, status: 400 } : null;
}

/**
 * The alerts module's public pages, rendered by the server with their data:
 * /alerts with the alerts in force (as `GET /api/alerts` gives them) and the
 * zones to choose from; /subscribe with the zones and the channels this
 * server can send on (none it cannot), and the same form posted without
 * scripts for e-mail and SMS — held to the stricter limit of forms that
 * carry no proof of work, and confirmed by the same double opt-in.
 */
export function registerAlertPages(
  app: FastifyInstance,
  deps: {
    pages: WebPages;
    zones: Pick<ZoneService, 'list'>;
    publicAlerts: PublicAlerts;
    subscriptions: SubscriptionService;
    pushKey: string | null;
    readsPerMinute: number;
    /** The stricter limit on forms posted without scripts. */
    formLimit: FormPostLimit;
    publicUrl: string;
    lookupsPerMinute: number;
    now: () => Date;
    /** English, Spanish and the languages whose alert templates the coalition reviewed (the form offers them). */
    alertLanguages: (coalitionId: string) => Promise<AlertLanguage[]>;
  },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/alerts',
    {
      // Limited like the alert reads it makes.
      config: { access: 'public', rateLimit: { max: deps.readsPerMinute, timeWindow: 60_000 } },
      schema: { hide: true, querystring: z.object({ zone: z.string().max(64).optional() }) },
    },
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      const zones = await zonesPageQuery(deps.zones, coalition.id);
      // A zone that is not one (an old link) shows every alert, as the list does without one.
      const zone = zones.data.zones.find((z) => z.id === request.query.zone)?.id ?? '';
      const alerts = publicAlertListSchema.parse({
        alerts: await deps.publicAlerts.active(coalition.id, zone || undefined),
      });
      return deps.pages.send(request, reply, {
        queries: [zones, { key: PAGE_QUERIES.publicAlerts(zone), data: alerts }],
      });
    },
  );

  const subscribePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    answer?: { subscribe: SubscribeFormAnswer; status: number },
  ) => {
    const coalitionId = (await coalitionOf(request)).id;
    const languages = await deps.alertLanguages(coalitionId);
    return deps.pages.send(request, reply, {
      queries: [
        await zonesPageQuery(deps.zones, coalitionId),
        {
          key: PAGE_QUERIES.subscriptionChannels,
          data: channelOffer(deps.subscriptions, deps.pushKey, languages),
        },
      ],
      ...(answer ?? {}),
    });
  };

  routes.get('/subscribe', deps.pages.route, (request, reply) => subscribePage(request, reply));

  app.register(async (scope) => {
    acceptFormBodies(scope, SUBSCRIBE_FORM_BODY_LIMIT);
    scope.post(
      '/subscribe',
      {
        bodyLimit: SUBSCRIBE_FORM_BODY_LIMIT,
        schema: { hide: true },
        config: { access: 'public', rateLimit: { max: deps.lookupsPerMinute, timeWindow: 60_000 } },
      },
      async (request, reply) => {
        // A form, as a browser posts it: a program subscribes through the API, with its proof of work.
        if (!String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
          throw new AppError(
            'UNSUPPORTED_MEDIA_TYPE',
            'This page takes a form; programs subscribe with POST /api/subscriptions.',
          );
        const values = subscribeFormValues((request.body ?? {}) as FormBody);
        const echo = (answer: Omit<Echo, 'values'>, status: number, shown = values) =>
          subscribePage(request, reply, { subscribe: { values: shown, ...answer }, status });
        if (postedFromAnotherSite(request, deps.publicUrl)) {
          request.log.warn('subscribe form posted from another site: refused');
          // Not echoed: another site's address must not wait in this form for a person to send it.
          return echo({ problems: [], failure: 'refused' }, 403, EMPTY_SUBSCRIBE_FORM);
        }
        // Notifications on this device need the browser's scripts (a push subscription is made by them).
        if (values.channel === 'push')
          return echo({ problems: ['channel'], reasons: { channel: 'needsScripts' } }, 400);
        const channel = SCRIPTLESS_CHANNELS.find((c) => c === values.channel);
        if (!channel) return echo({ problems: ['channel'] }, 400);
        if (!deps.subscriptions.channels().includes(channel))
          return echo({ problems: [], failure: 'unavailable' }, 503);
        const posted = formText((request.body ?? {}) as FormBody, 'language');
        const language = isPublicLanguage(posted) ? posted : deps.pages.languageOf(request);
        const parsed = subscribeInputSchema.safeParse(subscribeInputOf(values, language));
        const problems = new Set<SubscribeFormField>();
        for (const issue of parsed.error?.issues ?? []) {
          const field = subscribeFieldOf(issue.path.join('.'));
          if (field) problems.add(field);
        }
        const tooMany = values.zones.length > deps.subscriptions.maxZones();
        if (tooMany) problems.add('zones');
        if (!parsed.success || problems.size > 0)
          return echo(
            { problems: [...problems], ...(tooMany ? { reasons: { zones: 'tooManyZones' } } : {}) },
            400,
          );
        // Counted only once the request is one: a mistake corrected does not use the person's allowance.
        if (!(await deps.formLimit.take('subscribe-form', request, deps.now())))
          return echo({ problems: [], failure: 'formLimited' }, 429);
        try {
          await deps.subscriptions.subscribe((await coalitionOf(request)).id, parsed.data, deps.publicUrl, {
            audience: 'public',
            address: clientKeyOf(request),
          });
        } catch (error) {
          const refusal = refusalOf(error);
          if (!refusal) throw error;
          return echo(refusal.echo, refusal.status);
        }
        // The same answer whether or not the contact was known: nobody learns who is subscribed.
        return subscribePage(request, reply, { subscribe: { sent: channel }, status: 200 });
      },
    );
  });
}
