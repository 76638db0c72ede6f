import { DELIVERY_CHANNELS, DELIVERY_STATES } from '../../../shared/alert.js';
import { setCounts } from '../../metrics/metrics.js';
import type { Platform } from '../../platform.js';
import type { IncidentService } from '../incidents/incidents.service.js';
import type { FaroModule } from '../module.js';
import type { TranslationReviews } from '../rights/translations.service.js';
import type { ZoneService } from '../zones/zones.service.js';
import { registerAlertPages } from './alerts.pages.js';
import { registerAlertRoutes, registerPublicAlertRoutes } from './alerts.routes.js';
import { createAlertService } from './alerts.service.js';
import { createEmailChannel } from './channels/email.js';
import { createSmsChannel } from './channels/sms.js';
import { alertFanOutJob, alertSendJob, deliveryJobs } from './delivery.js';
import { recentDeliveryCounts } from './delivery.repo.js';
import { createPublicAlerts, guardKinds } from './public-alerts.js';
import { createPublishing } from './publishing.js';
import { registerSubscriptionRoutes } from './subscriptions.routes.js';
import { createSubscriptionService, subscriptionConfirmJob } from './subscriptions.service.js';
import { createTextSubscriptions } from './subscriptions.text.js';

/** /metrics counts the deliveries of the alerts published this long ago or since. */
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Alerts: drafted, approved by a second person, published through the guard,
 * and delivered to every subscriber by push, e-mail and text; subscriptions
 * and their confirmations; the public pages and feeds.
 */
export function createAlertsModule(
  platform: Platform,
  deps: {
    incidents: Pick<IncidentService, 'summary'>;
    zones: Pick<ZoneService, 'list'>;
    /** Which languages alerts carry: those whose alert templates are reviewed (rights module). */
    translations: Pick<TranslationReviews, 'reviewedLanguages'>;
  },
) {
  const { config, database, box, now, jobs, mailer, sms, push } = platform;
  const publishing = createPublishing({
    db: database.db,
    publicUrl: config.publicUrl,
    smsFrom: config.sms?.from,
  });
  const alertLanguages = (coalitionId: string) => deps.translations.reviewedLanguages(coalitionId, 'alerts');
  const subscriptionConfirm = subscriptionConfirmJob({ box, mailer, sms, push });
  const subscriptions = createSubscriptionService({
    database,
    box,
    now,
    channels: ['push', ...(mailer ? (['email'] as const) : []), ...(sms ? (['sms'] as const) : [])],
    rules: config.subscriptions,
    push,
    enqueueConfirmation: (confirmation, tx, priority) =>
      jobs.send(subscriptionConfirm, confirmation, tx.client, { priority }),
  });
  const delivery = deliveryJobs({
    database,
    publishing,
    box,
    channels: {
      push,
      sms: sms ? createSmsChannel({ sender: sms }) : null,
      email: mailer ? createEmailChannel(mailer) : null,
    },
    settings: { ...config.alerts.delivery, pushPerOrigin: config.push.perOrigin },
    publicUrl: config.publicUrl,
    unsubscribeToken: (id) => subscriptions.unsubscribeToken(id),
    enqueue: jobs.send,
    wakeSenders: () => jobs.wake(alertSendJob),
    onOutcomes: (channel, outcomes) => {
      for (const outcome of outcomes) platform.metrics.alertSends.inc({ channel, outcome: outcome.kind });
    },
  });
  const alerts = createAlertService({
    database,
    publishing,
    incidentSummary: (coalitionId, id) => deps.incidents.summary(coalitionId, id),
    timeZone: config.timeZone,
    now,
    onPublished: async (alertId, tx) => void (await jobs.send(alertFanOutJob, { alertId }, tx.client)),
    afterPublished: () => jobs.wake(alertFanOutJob),
    recipientCounts: (query) => subscriptions.recipientCounts(query),
    alertLanguages,
  });
  const publicAlerts = createPublicAlerts({
    database,
    publishing,
    now,
    // The finding's text is what must not leak: the log gets its kinds only.
    onBlocked: (alertId, error) =>
      platform.log.error(
        { alertId, kinds: guardKinds(error) },
        'publishing guard stopped an alert on its way out',
      ),
  });

  return {
    services: {
      alerts,
      subscriptions,
      publishing,
      textSubscriptions: createTextSubscriptions({ database, box, rules: config.subscriptions, now }),
    },
    jobDefinitions: {
      subscriptionConfirm,
      alertFanOut: delivery.fanOutJob,
      alertSend: delivery.sendJob,
    },
    jobs: [subscriptionConfirm, delivery.fanOutJob, delivery.sendJob],
    routes(app, http) {
      registerAlertRoutes(app, { alerts, publishing });
      registerPublicAlertRoutes(app, {
        publicAlerts,
        publicUrl: config.publicUrl,
        readsPerMinute: config.rateLimits.alertReadsPerMinute,
      });
      registerSubscriptionRoutes(app, {
        subscriptions,
        pushKey: platform.pushKey,
        publicUrl: config.publicUrl,
        rateLimits: config.rateLimits,
        proofOfWork: platform.proofOfWork,
        alertLanguages,
      });
      registerAlertPages(app, {
        pages: http.pages,
        zones: deps.zones,
        publicAlerts,
        subscriptions,
        pushKey: platform.pushKey,
        readsPerMinute: config.rateLimits.alertReadsPerMinute,
        formLimit: platform.formLimit,
        publicUrl: config.publicUrl,
        lookupsPerMinute: config.rateLimits.lookupsPerMinute,
        now,
        alertLanguages,
      });
    },
    async resume() {
      // Whatever a stopped or crashed worker left unsent is taken up again.
      await delivery.resume();
    },
    async measure() {
      const at = now();
      const rows = await recentDeliveryCounts(database.pool, new Date(at.getTime() - DAY_MS));
      for (const channel of DELIVERY_CHANNELS)
        setCounts(
          platform.metrics.deliveries,
          'state',
          DELIVERY_STATES,
          rows.filter((row) => row.channel === channel).map((row) => ({ key: row.state, n: row.n })),
          { channel },
        );
      const oldest = rows.reduce<Date | null>(
        (min, row) => (row.oldest && (!min || row.oldest < min) ? row.oldest : min),
        null,
      );
      platform.metrics.oldestPendingDelivery.set(
        oldest ? Math.max(0, (at.getTime() - oldest.getTime()) / 1000) : 0,
      );
    },
  } satisfies FaroModule & Record<string, unknown>;
}
