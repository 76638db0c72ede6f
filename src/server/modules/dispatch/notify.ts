import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Language } from '../../../shared/report-fields.js';
import type { PushSubscriptionJson } from '../../../shared/subscription.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { defineJob } from '../../jobs/queue.js';
import { isRefused } from '../../outbound/outbound.js';
import { activeUserIdsWithRole } from '../access/users.repo.js';
import type { PushChannel } from '../alerts/channels/push.js';
import type { SmsSender } from '../sms/twilio.js';
import { notificationFacts } from './dispatch.repo.js';
import {
  deleteStaffPush,
  deleteStaffPushById,
  replaceStaffPush,
  staffPushTargets,
} from './staff-push.repo.js';
import {
  type StaffPushKind,
  type StaffTextFacts,
  staffLanguage,
  staffPushText,
  staffSmsText,
} from './staff-texts.js';

/**
 * Staff notifications: a responder's offer on their phone at once (and by
 * text where set up); a call for help or a missed safety check-in pushed to
 * every dispatcher — a missed one also reminds the responder, and if still
 * missing minutes later is texted to their backup contact. Staff register
 * their own push subscription.
 */

const context = (id: string) => `staff-push:${id}`;

export interface StaffPush {
  /** `language`: the app's language on the device, which its notifications are then written in. */
  register(userId: string, subscription: PushSubscriptionJson, language?: Language): Promise<void>;
  unregister(userId: string, endpoint: string): Promise<void>;
  /**
   * Sends to every subscription of these people, each in its reader's language
   * (`staffLanguage`); a push service's "gone" removes that subscription.
   */
  notify(
    userIds: readonly string[],
    message: {
      kind: StaffPushKind;
      facts: StaffTextFacts;
      url: string;
      urgency: 'high' | 'normal';
      ttlSeconds: number;
      tag: string;
    },
  ): Promise<number>;
  /**
   * Sends what another module writes (`text` in each reader's language, `staffLanguage`) to every
   * subscription of these people; the same delivery rules as `notify`.
   */
  notifyText(
    userIds: readonly string[],
    message: {
      text: (language: Language) => { title: string; body: string };
      url: string;
      urgency: 'high' | 'normal';
      ttlSeconds: number;
      tag: string;
    },
  ): Promise<number>;
  /**
   * The language Faro knows a person reads, for what reaches them off their devices (an e-mail):
   * their responder profile's, else the app language of the devices they registered, when those
   * agree; null when Faro cannot tell.
   */
  readerLanguage(userId: string): Promise<Language | null>;
}

export function createStaffPush(deps: { database: Database; box: SecretBox; push: PushChannel }): StaffPush {
  const { database, box } = deps;
  return {
    async register(userId, subscription, language) {
      // The same rule as the public's subscriptions: https on a known push service, a public address.
      await deps.push.checkEndpoint(subscription.endpoint).catch((error: unknown) => {
        if (!isRefused(error)) throw error;
        throw new AppError('VALIDATION', 'This browser’s push service is not one Faro can send to.', {
          fields: [{ field: 'subscription.endpoint', message: 'not a known push service' }],
        });
      });
      const digest = box.digest(subscription.endpoint, 'staff-push');
      const id = randomUUID();
      await database.transaction((tx) =>
        replaceStaffPush(tx.db, {
          id,
          userId,
          subscription: box.seal(JSON.stringify(subscription), context(id)),
          endpointDigest: digest,
          language: language ?? null,
        }),
      );
    },
    async unregister(userId, endpoint) {
      await deleteStaffPush(database.db, userId, box.digest(endpoint, 'staff-push'));
    },
    notify(userIds, message) {
      const { kind, facts, ...rest } = message;
      return this.notifyText(userIds, { ...rest, text: (language) => staffPushText(kind, language, facts) });
    },
    async readerLanguage(userId) {
      const rows = await staffPushTargets(database.db, [userId]);
      const spoken = rows[0]?.spoken;
      if (spoken && spoken.includes('es') !== spoken.includes('en')) return staffLanguage({ spoken });
      const devices = new Set(rows.map((row) => staffLanguage({ device: row.device })));
      return devices.size === 1 ? ([...devices][0] ?? null) : null;
    },
    async notifyText(userIds, message) {
      if (userIds.length === 0) return 0;
      const rows = await staffPushTargets(database.db, userIds);
      let sent = 0;
      // Every device gets its try; a push service that asks to retry later fails the job after the others.
      const retry: string[] = [];
      for (const row of rows) {
        const target = JSON.parse(box.open(row.subscription, context(row.id))) as PushSubscriptionJson;
        const text = message.text(staffLanguage(row));
        const outcome = await deps.push.send(target, {
          payload: JSON.stringify({
            type: 'staff',
            title: text.title,
            body: text.body,
            url: message.url,
            tag: message.tag,
          }),
          ttlSeconds: message.ttlSeconds,
          urgency: message.urgency,
          topic: message.tag.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32),
        });
        if (outcome.kind === 'sent') sent += 1;
        if (outcome.kind === 'gone') await deleteStaffPushById(database.db, row.id);
        if (outcome.kind === 'retry') retry.push(outcome.code);
      }
      if (retry.length > 0) throw new Error(`staff push: ${retry.join(', ')}`);
      return sent;
    },
  };
}

/** The notification job: what happened is read again when it runs, so nothing personal sits in the queue. */
export function dispatchNotifyJob(deps: {
  database: Database;
  box: SecretBox;
  staffPush: StaffPush;
  sms: SmsSender | null;
  offerMinutes: number;
  /** Where the responder app is, for the link in a texted offer. */
  /** This Faro's public address (config, no trailing slash). */
  publicUrl: string;
}) {
  return defineJob({
    name: 'dispatch.notify',
    payload: z.object({
      kind: z.enum(['offer', 'missed', 'escalate', 'help']),
      assignmentId: z.uuid(),
      /**
       * One job per channel, each retried on its own: a dispatcher's broken push
       * endpoint must not hold back the text to a backup contact, nor a failed
       * text repeat a push. (Absent in jobs queued by earlier versions: both.)
       */
      channel: z.enum(['push', 'sms']).optional(),
    }),
    retryLimit: 5,
    retryDelaySeconds: 5,
    async handler({ kind, assignmentId, channel }) {
      const push = channel !== 'sms';
      const text = channel !== 'push';
      const row = await notificationFacts(deps.database.db, assignmentId);
      if (!row) return;
      const facts: StaffTextFacts = { number: row.number, zone: row.zone, name: row.name };
      const sms = { ...facts, offerMinutes: deps.offerMinutes, publicUrl: deps.publicUrl };
      // A text reaches a phone, not a device with an app language: the responder's profile decides
      // (and for their backup contact too, whom they chose and who most likely reads as they do).
      const language = staffLanguage({ spoken: row.languages });
      const ownPhone = (sealed: string) => deps.box.open(sealed, `offer-phone:${row.userId}`);
      if (kind === 'offer') {
        if (row.state !== 'offered') return;
        if (push)
          await deps.staffPush.notify([row.userId], {
            kind: 'offer',
            facts,
            url: '/responder',
            urgency: 'high',
            ttlSeconds: Math.round(deps.offerMinutes * 60),
            tag: `offer-${assignmentId}`,
          });
        // And by text, where the network has SMS and the responder gave their number for it:
        // the incident's number and zone only — never its place — and the way back to the app.
        // Answered by text too (a one-word reply, read by the SMS intake) when the app will not load.
        if (text && row.offerPhone && deps.sms)
          await deps.sms.send(ownPhone(row.offerPhone), staffSmsText('staffOffer', language, sms));
        return;
      }
      // Read again now: a check-in that came meanwhile means there is nothing to say.
      if (row.safety !== (kind === 'help' ? 'help' : 'missed') || row.state !== 'on_scene') return;
      const dispatchers = await activeUserIdsWithRole(deps.database.db, row.coalitionId, 'dispatcher');
      const alarm = (alarmKind: StaffPushKind) =>
        deps.staffPush.notify(dispatchers, {
          kind: alarmKind,
          facts,
          url: '/dispatch',
          urgency: 'high',
          ttlSeconds: 3600,
          tag: `${kind}-${assignmentId}`,
        });
      if (kind === 'help') {
        if (push) await alarm('help');
        return;
      }
      if (kind === 'missed') {
        // The dispatchers, and the responder themselves: an answer now saves their family a scare.
        if (push) {
          await alarm('missed');
          await deps.staffPush.notify([row.userId], {
            kind: 'checkIn',
            facts,
            url: '/responder',
            urgency: 'high',
            ttlSeconds: 3600,
            tag: `check-in-${assignmentId}`,
          });
        }
        if (text && row.offerPhone && deps.sms)
          await deps.sms.send(ownPhone(row.offerPhone), staffSmsText('checkInMissed', language, sms));
        return;
      }
      // Still missing minutes later: the responder's own backup contact, if they gave one and SMS is set up.
      if (push) await alarm(row.backupPhone && deps.sms ? 'escalated' : 'noBackup');
      if (text && row.backupPhone && deps.sms) {
        const phone = deps.box.open(row.backupPhone, `backup-phone:${row.userId}`);
        await deps.sms.send(phone, staffSmsText('backupContact', language, sms));
      }
    },
  });
}
