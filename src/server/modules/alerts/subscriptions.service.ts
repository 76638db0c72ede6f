import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Language } from '../../../shared/report-fields.js';
import type {
  PushSubscriptionJson,
  SubscriptionChannel,
  SubscriptionView,
  subscribeInputSchema,
} from '../../../shared/subscription.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Drizzle, Tx } from '../../db/database.js';
import { subscriptions } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { defineJob } from '../../jobs/queue.js';
import { message } from '../../locales/messages.js';
import type { Mailer } from '../../mail/mailer.js';
import type { CoalitionService } from '../coalitions/coalitions.service.js';
import type { SmsSender } from '../sms/twilio.js';
import type { PushChannel } from './channels/push.js';
import {
  deleteSubscription,
  existingZones,
  findByDigest,
  findByToken,
  insertSubscription,
  type SubscriptionRow,
  setSubscriptionZones,
  updateSubscription,
  zonesOf,
} from './subscriptions.repo.js';
import { joinNames } from './templates.js';

const token = () => randomBytes(32).toString('base64url');
const hash = (value: string) => createHash('sha256').update(value).digest('hex');
export const contactContext = (id: string) => `subscription:${id}`;

/** Who a subscription is for: the public, or a staff member's test subscription (the only audience of tests). */
export type Audience = 'public' | 'staff';

/** "m***@example.org": enough for its owner to recognise, nothing for anyone else. */
export function maskAddress(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

/** A subscriber's number in E.164, as SMS providers send and expect it (10 digits: North America). */
export function toE164(raw: string): string | null {
  const digits = raw.replace(/[^\d]/g, '');
  if (raw.trim().startsWith('+')) return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return null;
}

/** The contact as its owner sees it: masked. */
export function maskContact(channel: SubscriptionChannel, contact: string): string {
  if (channel === 'email') return maskAddress(contact);
  if (channel === 'sms') return `•••${contact.slice(-4)}`;
  return new URL((JSON.parse(contact) as PushSubscriptionJson).endpoint).host;
}

type SubscribeInput = z.output<typeof subscribeInputSchema>;

/** The contact to keep (sealed) and the value its digest is made of. */
function contactOf(input: SubscribeInput): { contact: string; identity: string } {
  switch (input.channel) {
    case 'email': {
      const address = input.address.trim().toLowerCase();
      return { contact: address, identity: address };
    }
    case 'sms': {
      const phone = toE164(input.phone);
      if (!phone) {
        throw new AppError('VALIDATION', 'Enter a mobile number with its area code.', {
          fields: [{ field: 'phone', message: 'must be a mobile number' }],
        });
      }
      return { contact: phone, identity: phone };
    }
    case 'push':
      return { contact: JSON.stringify(input.subscription), identity: input.subscription.endpoint };
  }
}

const pendingSchema = z.object({ zoneIds: z.array(z.uuid()), language: z.enum(['en', 'es']) });

export interface SubscriptionService {
  /**
   * Records a request and sends the confirmation (double opt-in) on the
   * channel itself. Answers the same whether or not the contact was known,
   * so nobody learns who is subscribed.
   */
  subscribe(input: SubscribeInput, base: string, audience?: Audience): Promise<void>;
  confirm(token: string): Promise<SubscriptionView>;
  view(token: string): Promise<SubscriptionView>;
  /** Unsubscribe in one step: the subscription and its contact are deleted. */
  remove(token: string): Promise<void>;
  /** The link in every alert: its token is a keyed digest of the subscription, so nothing more is stored. */
  unsubscribeToken(subscriptionId: string): string;
  unsubscribe(id: string, token: string): Promise<void>;
  /** STOP by SMS: every subscription of that number is deleted. */
  stopSms(from: string): Promise<number>;
  /** The channels this server can confirm and deliver on. */
  channels(): SubscriptionChannel[];
}

const confirmationSchema = z.object({
  subscriptionId: z.uuid(),
  channel: z.enum(['email', 'sms', 'push']),
  sealed: z.string(),
  language: z.enum(['en', 'es']),
});
export type Confirmation = z.infer<typeof confirmationSchema>;
const sealedContext = (id: string) => `subscription-confirm:${id}`;

/** The confirmation, on the channel being subscribed, in the subscriber's language; links travel sealed. */
export function subscriptionConfirmJob(deps: {
  box: SecretBox;
  mailer: Mailer | null;
  sms: SmsSender | null;
  push: PushChannel | null;
}) {
  return defineJob({
    name: 'subscriptions.confirm',
    payload: confirmationSchema,
    retryLimit: 8,
    retryDelaySeconds: 30,
    async handler(payload) {
      const opened = JSON.parse(deps.box.open(payload.sealed, sealedContext(payload.subscriptionId))) as {
        to: string;
        confirm: string;
        manage: string;
        token: string;
        zones: string;
      };
      const language = payload.language;
      if (payload.channel === 'email' && deps.mailer) {
        await deps.mailer.send({
          to: opened.to,
          subject: message(language, 'subscriptionMail.subject'),
          text: message(language, 'subscriptionMail.body', opened),
        });
      } else if (payload.channel === 'sms' && deps.sms) {
        await deps.sms.send(opened.to, message(language, 'subscriptionSms.confirm', opened));
      } else if (payload.channel === 'push' && deps.push) {
        const outcome = await deps.push.send(JSON.parse(opened.to) as PushSubscriptionJson, {
          payload: JSON.stringify({
            type: 'confirm',
            token: opened.token,
            title: message(language, 'subscriptionPush.confirm'),
            url: opened.confirm,
          }),
          ttlSeconds: 24 * 3600,
          urgency: 'normal',
          topic: 'faro-confirm',
        });
        if (outcome.kind === 'retry') throw new Error(`push confirmation: ${outcome.code}`);
      }
    },
  });
}

export function createSubscriptionService(deps: {
  database: Database;
  coalitions: CoalitionService;
  box: SecretBox;
  now?: () => Date;
  /** The channels that can be confirmed (and so delivered) here. */
  channels: SubscriptionChannel[];
  enqueueConfirmation: (confirmation: Confirmation, tx: Tx) => Promise<unknown>;
}): SubscriptionService {
  const { database, box } = deps;
  const now = deps.now ?? (() => new Date());

  // On PGlite a transaction holds the only connection: reads inside one must use its db.
  async function viewOf(row: SubscriptionRow, db: Drizzle = database.db): Promise<SubscriptionView> {
    const channel = row.channel as SubscriptionChannel;
    return {
      channel,
      contact: maskContact(channel, box.open(row.contact, contactContext(row.id))),
      language: row.language as Language,
      status: row.status as SubscriptionView['status'],
      zones: await zonesOf(db, row.id),
    };
  }

  async function byManageToken(value: string) {
    const row = await findByToken(database.db, 'manage', hash(value));
    if (!row)
      throw new AppError('NOT_FOUND', 'This link is not valid any more. Subscribe again to get a new one.');
    return row;
  }

  const unsubscribeToken = (id: string) => box.digest(id, 'unsubscribe').slice(0, 43);

  return {
    channels: () => deps.channels,
    unsubscribeToken,

    async subscribe(input, base, audience = 'public') {
      if (!deps.channels.includes(input.channel)) {
        throw new AppError('UNAVAILABLE', `Alerts by ${input.channel} are not set up on this server.`);
      }
      const coalition = await deps.coalitions.current();
      const zoneIds = [...new Set(input.zoneIds)];
      const found = await existingZones(database.db, coalition.id, zoneIds);
      if (found.length !== zoneIds.length) {
        throw new AppError('VALIDATION', 'One of the zones does not exist; choose from the list.', {
          fields: [{ field: 'zoneIds', message: 'unknown zone' }],
        });
      }
      const { contact, identity } = contactOf(input);
      // A staff test subscription is a separate subscription of the same contact.
      const digest = box.digest(
        identity,
        `subscription:${input.channel}${audience === 'staff' ? ':staff' : ''}`,
      );
      const confirm = token();
      const manage = token();
      const pending = { zoneIds, language: input.language };
      await database.transaction(async (tx) => {
        const existing = await findByDigest(tx.db, coalition.id, input.channel, digest);
        const id = existing?.id ?? randomUUID();
        if (existing) {
          await updateSubscription(tx.db, id, {
            pending,
            confirmTokenHash: hash(confirm),
            manageTokenHash: hash(manage),
          });
        } else {
          await insertSubscription(tx.db, {
            id,
            coalitionId: coalition.id,
            channel: input.channel,
            contact: box.seal(contact, contactContext(id)),
            contactDigest: digest,
            language: input.language,
            audience,
            pending,
            confirmTokenHash: hash(confirm),
            manageTokenHash: hash(manage),
          });
        }
        const opened = {
          to: contact,
          confirm: `${base}/subscribe/confirm?token=${confirm}`,
          manage: `${base}/subscription?token=${manage}`,
          token: confirm,
          zones: joinNames(
            found.map((z) => z.name),
            input.language,
          ),
        };
        await deps.enqueueConfirmation(
          {
            subscriptionId: id,
            channel: input.channel,
            sealed: box.seal(JSON.stringify(opened), sealedContext(id)),
            language: input.language,
          },
          tx,
        );
      });
    },

    async confirm(value) {
      return database.transaction(async (tx) => {
        const row = await findByToken(tx.db, 'confirm', hash(value));
        if (!row) throw new AppError('NOT_FOUND', 'This confirmation link was used already or is not valid.');
        const pending = pendingSchema.parse(row.pending);
        await setSubscriptionZones(tx.db, row.id, pending.zoneIds);
        await updateSubscription(tx.db, row.id, {
          status: 'active',
          language: pending.language,
          pending: null,
          confirmTokenHash: null,
          confirmedAt: now(),
        });
        return viewOf({ ...row, language: pending.language, status: 'active' }, tx.db);
      });
    },

    async view(value) {
      return viewOf(await byManageToken(value));
    },

    async remove(value) {
      const row = await byManageToken(value);
      await deleteSubscription(database.db, row.id);
    },

    async unsubscribe(id, value) {
      const expected = Buffer.from(unsubscribeToken(id));
      const given = Buffer.from(value);
      if (expected.length !== given.length || !timingSafeEqual(expected, given))
        throw new AppError('NOT_FOUND', 'This link is not valid.');
      // Already gone is fine: the link does what it says either way.
      await deleteSubscription(database.db, id);
    },

    async stopSms(from) {
      const phone = toE164(from);
      if (!phone) return 0;
      const coalition = await deps.coalitions.current();
      let removed = 0;
      for (const audience of ['', ':staff']) {
        const row = await findByDigest(
          database.db,
          coalition.id,
          'sms',
          box.digest(phone, `subscription:sms${audience}`),
        );
        if (row) {
          await database.db.delete(subscriptions).where(eq(subscriptions.id, row.id));
          removed += 1;
        }
      }
      return removed;
    },
  };
}
