import { z } from 'zod';
import {
  type AlertLanguage,
  type DeliveryChannel,
  deliveredLanguage,
  languagesOf,
} from '../../../shared/alert.js';
import type { PushSubscriptionJson } from '../../../shared/subscription.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database } from '../../db/database.js';
import { declareJob, defineJob, type JobDefinition, type JobQueue } from '../../jobs/queue.js';
import { recipientQueryOf, renderable } from './alert-views.js';
import { findAlertById, zonesOfAlerts } from './alerts.repo.js';
import type { EmailChannel } from './channels/email.js';
import type { DeliveryOutcome } from './channels/outcome.js';
import type { PushChannel } from './channels/push.js';
import type { SmsChannel } from './channels/sms.js';
import { advanceDeliveries, pendingChannels, startFanOut } from './delivery.repo.js';
import {
  type ClaimedDelivery,
  claimDeliveries,
  markFailed,
  markRetry,
  markSent,
  nextRetryAt,
  renewLease,
  renewLeases,
} from './delivery-claims.repo.js';
import { HALTED, type Pace, streamDeliveries } from './delivery-stream.js';
import { heldDeliveries } from './held-rows.js';
import { type Publishing, publicHost } from './publishing.js';
import { chainRoot, emailMessage, pushPayload, type RenderableAlert, smsText } from './render.js';
import { countRecipients } from './subscriptions.repo.js';
import { contactContext } from './subscriptions.service.js';

/**
 * The delivery pipeline on the job queue: a fan-out job says where each
 * channel's recipients are (delivery sources) and starts sender jobs (per
 * alert and channel, any number of workers); a sender takes the next page of
 * recipients, making their delivery rows already claimed for itself, sends,
 * and marks each batch — so the first pushes leave within a page of the
 * approval, and a push costs one insert and one update. Rows left to retry
 * (or by a worker that died, once its lease runs out) are claimed again. A
 * replayed job finds the rows already there or already sent; the same
 * message id (e-mail) and topic (push) go with a message sent again.
 */

export interface DeliveryChannels {
  push: PushChannel | null;
  sms: SmsChannel | null;
  email: EmailChannel | null;
}

export interface DeliverySettings {
  /** How long a worker holds the rows it claimed. */
  leaseSeconds: number;
  maxAttempts: number;
  backoffSeconds: number;
  /** A sender job hands over to a fresh job after this long, so no job runs for hours. */
  jobBudgetMs: number;
  /** Sender jobs each worker process runs side by side (default: `alertSendJob.concurrency`). */
  sendersPerProcess?: number;
  /** Push messages in flight to one push service (the others are never held back by it). */
  pushPerOrigin: number;
}

/**
 * How often a sender looks whether a follow-up has replaced its alert: then it stops at once (what it
 * holds and has not sent is withdrawn), and its slot goes to the follow-up's senders.
 */
const ENDED_CHECK_MS = 1000;

/** Recipients walked per page when a sender takes new ones (more when its channel is sparse). */
const PAGE_SCAN = 2000;
const PAGE_SCAN_MAX = 64_000;

/**
 * Rows per claim and messages in flight, per channel: push is fast and cheap
 * and goes to several push services, each with its share (a slow one is set
 * aside); SMS and e-mail are slow, costly and go to one server each.
 */
function paceOf(channel: DeliveryChannel, perOrigin: number): Pace {
  if (channel === 'push')
    return {
      batch: 2000,
      inFlight: 2 * perOrigin,
      perOrigin,
      startPerOrigin: 16,
      setAsideAfter: 8,
      markEach: false,
      lookahead: 8000,
    };
  const inFlight = channel === 'email' ? 5 : 4;
  return {
    batch: 20,
    inFlight,
    perOrigin: inFlight,
    startPerOrigin: inFlight,
    setAsideAfter: null,
    markEach: true,
    lookahead: 0,
  };
}

const UNSUBSCRIBE_MARK = '\u0000unsubscribe\u0000';

/** The messages of one alert, made (and guarded) once per language, then addressed per recipient. */
function messagesOf(alert: RenderableAlert, ctx: Awaited<ReturnType<Publishing['context']>>) {
  // Every language the alert carries; a recipient whose language it does not carry gets English.
  const per = <T>(make: (language: AlertLanguage) => T) =>
    Object.fromEntries(languagesOf(alert.content).map((language) => [language, make(language)])) as Partial<
      Record<AlertLanguage, T>
    > & { en: T };
  return {
    push: per((language) => pushPayload(alert, language, ctx)),
    sms: per((language) => smsText(alert, language, ctx)),
    email: per((language) => emailMessage(alert, language, ctx, UNSUBSCRIBE_MARK)),
  };
}

/** A published alert's recipients, each a row to send to (and, per channel, its senders queued). */
export const alertFanOutJob = declareJob({
  name: 'alerts.fan-out',
  payload: z.object({ alertId: z.uuid() }),
  retryLimit: 10,
  retryDelaySeconds: 2,
});
/** One sender of one channel of an alert: it sends what is due until its time budget ends. */
export const alertSendJob = declareJob({
  name: 'alerts.send',
  payload: z.object({ alertId: z.uuid(), channel: z.enum(['push', 'sms', 'email']) }),
  retryLimit: 20,
  retryDelaySeconds: 5,
  // An alert's push sender must not wait behind its texts (paced at the number's rate): each
  // process runs a few senders side by side. A cancel's senders take the slots of the alert's,
  // which stop within `ENDED_CHECK_MS` of its publication.
  concurrency: 4,
});

export interface DeliveryJobs {
  fanOutJob: JobDefinition<typeof alertFanOutJob.payload>;
  sendJob: JobDefinition<typeof alertSendJob.payload>;
  /** After a start: senders for whatever a stopped or crashed worker left. */
  resume(): Promise<number>;
}

export function deliveryJobs(deps: {
  database: Database;
  publishing: Publishing;
  box: SecretBox;
  channels: DeliveryChannels;
  settings: DeliverySettings;
  /** This Faro's public address (config, no trailing slash). */
  publicUrl: string;
  unsubscribeToken: (subscriptionId: string) => string;
  enqueue: JobQueue['send'];
  /** After senders are queued: workers fetch them now rather than at their next poll. */
  wakeSenders?: () => void;
  /** Progress for the coordinator's live view. */
  onProgress?: (alertId: string) => void;
  /** What each attempt came to, as a batch is marked (counted in /metrics). */
  onOutcomes?: (channel: DeliveryChannel, outcomes: readonly DeliveryOutcome[]) => void;
}): DeliveryJobs {
  const { database, settings } = deps;
  const enqueueSend = (
    send: { alertId: string; channel: DeliveryChannel },
    options?: { startAfter?: Date },
  ) => deps.enqueue(alertSendJob, send, undefined, options);

  const fanOutJob = defineJob({
    ...alertFanOutJob,
    async handler({ alertId }) {
      const channels = await database.transaction((tx) => startFanOut(tx.client, alertId));
      // One sender per channel at once: the first page's messages leave while the others are counted.
      for (const channel of channels) await enqueueSend({ alertId, channel });
      deps.wakeSenders?.();
      deps.onProgress?.(alertId);
      const row = await findAlertById(database.db, alertId);
      if (row?.state !== 'published') return;
      const zones = (await zonesOfAlerts(database.db, [alertId])).get(alertId) ?? [];
      const counts = new Map<string, number>();
      for (const { channel, n } of await countRecipients(database.db, recipientQueryOf(row, zones)))
        counts.set(channel, (counts.get(channel) ?? 0) + n);
      for (const channel of channels) {
        // One sender per started 5,000 recipients, four at most: other workers share the rest.
        const senders = Math.min(4, Math.ceil((counts.get(channel) ?? 0) / 5000));
        for (let i = 1; i < senders; i++) await enqueueSend({ alertId, channel });
      }
    },
  });

  /** A claimed row with its contact opened, and where it goes (a push service's origin). */
  interface Addressed {
    row: ClaimedDelivery;
    contact: string | null;
    push?: PushSubscriptionJson;
    origin: string;
    unreadable?: boolean;
  }

  function address(channel: DeliveryChannel, row: ClaimedDelivery): Addressed {
    try {
      const contact = row.contact ? deps.box.open(row.contact, contactContext(row.subscriptionId)) : null;
      if (channel !== 'push' || !contact || !deps.channels.push) return { row, contact, origin: channel };
      const push = JSON.parse(contact) as PushSubscriptionJson;
      return { row, contact, push, origin: deps.channels.push.originOf(push.endpoint) };
    } catch {
      return { row, contact: null, origin: channel, unreadable: true };
    }
  }

  async function deliverOne(
    channel: DeliveryChannel,
    messages: ReturnType<typeof messagesOf>,
    alert: RenderableAlert,
    { row, contact, push, unreadable }: Addressed,
    heldUntil: number,
  ): Promise<DeliveryOutcome> {
    const language = deliveredLanguage(alert.content, row.language);
    if (unreadable) return { kind: 'failed', code: 'contact_unreadable' };
    if (!contact) return { kind: 'gone', code: 'no_contact' };
    if (channel === 'push' && deps.channels.push && push) {
      const root = chainRoot(alert);
      return deps.channels.push.send(push, {
        payload: messages.push[language] ?? messages.push.en,
        ttlSeconds: Math.max(60, Math.round((alert.expiresAt.getTime() - Date.now()) / 1000)),
        urgency: alert.urgency === 'Immediate' ? 'high' : 'normal',
        // The same for an alert and its follow-ups: a cancel replaces an original still waiting.
        topic: root.replace(/-/g, ''),
        leaveBy: heldUntil,
      });
    }
    // Texts and e-mails wait their turn (the number's pace, shared by every worker; the mail
    // server's few connections): a row claimed long ago may have passed its lease and been taken
    // by another worker meanwhile — then it is theirs to send, not sent twice. The lease is renewed
    // at the last moment (for a text, after its wait for the pace), or the message is not sent.
    // A follow-up may have replaced the alert during that wait: then nothing leaves either, and the
    // row goes back as the sender's halt hands back what it holds (withdrawn).
    let ended = false;
    const stillMine = async () => {
      const lease = await renewLease(database.pool, alert.id, row, settings.leaseSeconds);
      ended = lease === 'ended';
      return lease === 'held';
    };
    if (channel === 'sms' && deps.channels.sms) {
      const outcome = await deps.channels.sms.send(
        contact,
        messages.sms[language] ?? messages.sms.en,
        stillMine,
      );
      return ended ? HALTED : outcome;
    }
    if (channel === 'email' && deps.channels.email) {
      if (!(await stillMine())) return ended ? HALTED : { kind: 'lost' };
      const unsubscribeUrl = `${deps.publicUrl}/unsubscribe?s=${row.subscriptionId}&t=${deps.unsubscribeToken(row.subscriptionId)}`;
      const message = messages.email[language] ?? messages.email.en;
      return deps.channels.email.send({
        to: contact,
        subject: message.subject,
        text: message.text.replace(UNSUBSCRIBE_MARK, unsubscribeUrl),
        messageId: `<alert-${alert.id}.${row.subscriptionId}@${publicHost(deps.publicUrl)}>`,
        unsubscribeUrl,
      });
    }
    return { kind: 'retry', code: `${channel}_not_configured` };
  }

  async function record(alertId: string, claimed: ClaimedDelivery[], outcomes: DeliveryOutcome[]) {
    await markSent(
      database.pool,
      alertId,
      claimed.filter((_, i) => outcomes[i]?.kind === 'sent'),
    );
    const failures = new Map<string, { rows: ClaimedDelivery[]; kind: DeliveryOutcome['kind'] }>();
    claimed.forEach((row, i) => {
      const outcome = outcomes[i];
      if (!outcome || outcome.kind === 'sent' || outcome.kind === 'lost') return;
      const key = `${outcome.kind}:${outcome.code}`;
      const entry = failures.get(key) ?? { rows: [], kind: outcome.kind };
      entry.rows.push(row);
      failures.set(key, entry);
    });
    for (const [key, { rows, kind }] of failures) {
      const code = key.slice(kind.length + 1);
      if (kind === 'retry') await markRetry(database.pool, alertId, rows, code, settings);
      else await markFailed(database.pool, alertId, rows, code, kind === 'gone');
    }
  }

  /**
   * Claims, sends and marks an alert's rows of one channel until none are left or the job's time
   * is up; a follow-up's (`chain`: the alerts it follows) wait for their recipient's earlier
   * message still on its way.
   */
  async function stream(
    alertId: string,
    channel: DeliveryChannel,
    chain: readonly string[],
    send: (delivery: Addressed, heldUntil: number) => Promise<DeliveryOutcome>,
  ): Promise<'done' | 'budget'> {
    const pace = paceOf(channel, settings.pushPerOrigin);
    const started = Date.now();
    let overBudget = false;
    const held = heldDeliveries({
      leaseMs: settings.leaseSeconds * 1000,
      sendingMs: channel === 'push' ? (deps.channels.push?.timeoutMs ?? 0) : 0,
      renew: (rows) => renewLeases(database.pool, alertId, rows, settings.leaseSeconds),
    });
    // A follow-up published meanwhile: nothing more of this alert leaves, and the job ends now
    // rather than at its budget — its slot is what the follow-up's senders wait for.
    const ended = new AbortController();
    const watch = setInterval(() => {
      findAlertById(database.db, alertId)
        .then((row) => {
          if (!row || row.endedAt) ended.abort();
        })
        .catch(() => undefined);
    }, ENDED_CHECK_MS);
    let scan = PAGE_SCAN;
    /** Rows to retry (or left by a dead worker) first; then the next page of recipients, while any remain. */
    const claimNext = async (): Promise<ClaimedDelivery[]> => {
      for (;;) {
        const ready = await claimDeliveries(
          database.pool,
          alertId,
          channel,
          pace.batch,
          settings.leaseSeconds,
          chain,
        );
        if (ready.length > 0) return ready;
        const page = await advanceDeliveries(database, alertId, channel, {
          scan,
          batch: pace.batch,
          leaseSeconds: settings.leaseSeconds,
        });
        if (page.claimed.length > 0) {
          scan = PAGE_SCAN;
          return page.claimed;
        }
        if (!page.open) return [];
        // A page with none of this channel's recipients: walk further next time.
        if (page.walked > 0) scan = Math.min(PAGE_SCAN_MAX, scan * 4);
      }
    };
    try {
      await streamDeliveries<Addressed>({
        pace,
        halt: ended.signal,
        async claim() {
          if (Date.now() - started > settings.jobBudgetMs) {
            overBudget = true;
            return [];
          }
          const asked = performance.now();
          const claimed = await claimNext();
          held.hold(claimed, asked);
          return claimed.map((row) => address(channel, row));
        },
        originOf: (item) => item.origin,
        send: (item) => send(item, held.until(item.row.subscriptionId)),
        record: (items, outcomes) => {
          for (const item of items) held.release(item.row);
          deps.onOutcomes?.(channel, outcomes);
          return record(
            alertId,
            items.map((item) => item.row),
            outcomes,
          );
        },
      });
    } finally {
      held.stop();
      clearInterval(watch);
    }
    return overBudget ? 'budget' : 'done';
  }

  const sendJob = defineJob({
    ...alertSendJob,
    concurrency: settings.sendersPerProcess ?? alertSendJob.concurrency,
    async handler({ alertId, channel }) {
      const row = await findAlertById(database.db, alertId);
      if (row?.state !== 'published') return;
      const alert = await renderable(database.db, row);
      // Made and guarded before anything is claimed: a blocked alert sends nothing to anyone.
      const messages = messagesOf(alert, await deps.publishing.context(row.coalitionId));
      const chain = alert.references.map((earlier) => earlier.id);
      const finished = await stream(alertId, channel, chain, (delivery, heldUntil) =>
        deliverOne(channel, messages, alert, delivery, heldUntil),
      );
      deps.onProgress?.(alertId);
      if (finished === 'budget') {
        await enqueueSend({ alertId, channel });
        return;
      }
      // Rows backing off (or held by a worker that may have died) are picked up when they are ready.
      const next = await nextRetryAt(database.pool, alertId, channel);
      if (next) await enqueueSend({ alertId, channel }, { startAfter: next });
    },
  });

  return {
    fanOutJob,
    sendJob,
    async resume() {
      const pending = await pendingChannels(database.pool);
      for (const { alertId, channel } of pending)
        await enqueueSend({ alertId, channel: channel as DeliveryChannel });
      return pending.length;
    },
  };
}
