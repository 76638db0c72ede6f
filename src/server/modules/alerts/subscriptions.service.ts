import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  ALERT_LANGUAGES,
  type AlertLanguage,
  DELIVERY_CHANNELS,
  type RecipientCounts,
} from '../../../shared/alert.js';
import { toE164 } from '../../../shared/phone.js';
import {
  type SubscriptionChannel,
  type SubscriptionView,
  type subscribeInputSchema,
  subscriptionLanguageSchema,
} from '../../../shared/subscription.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Drizzle, Tx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { isRefused } from '../../outbound/outbound.js';
import type { PushChannel } from './channels/push.js';
import { maskContact, type SmsDestinationPolicy, smsRefusal } from './subscription-contacts.js';
import { type Confirmation, sealConfirmation } from './subscriptions.confirm.js';
import {
  countRecipients,
  deleteSubscription,
  existingZones,
  findByDigest,
  findByToken,
  findSubscription,
  insertSubscription,
  PENDING_SUBSCRIPTION_DAYS,
  type RecipientQuery,
  type SubscriptionRow,
  setSubscriptionZones,
  takeAllowance,
  throttleState,
  updateSubscription,
  zonesOf,
} from './subscriptions.repo.js';
import { joinNames } from './templates.js';

export { maskAddress } from './subscription-contacts.js';
export { type Confirmation, subscriptionConfirmJob } from './subscriptions.confirm.js';

const isLanguage = (value: string): value is AlertLanguage =>
  (ALERT_LANGUAGES as readonly string[]).includes(value);
const hash = (value: string) => createHash('sha256').update(value).digest('hex');
export const contactContext = (id: string) => `subscription:${id}`;

/** The token of a subscription's manage link: a keyed digest of its id, so nothing more is stored. */
export const manageLinkToken = (box: SecretBox, id: string) =>
  Buffer.from(box.digest(id, 'subscription-manage'), 'hex').toString('base64url');
/** The hash of a link's token, as the subscriptions table keeps it. */
export const tokenHash = hash;

/** Who a subscription is for: the public, or a staff member's test subscription (the only audience of tests). */
export type Audience = 'public' | 'staff';

/** What one subscription may ask for, and how often anyone may ask (see docs/OPERATIONS.md). */
export interface SubscriptionRules {
  maxZones: number;
  sms: SmsDestinationPolicy;
  /** Requests per client address per hour (public requests). */
  perAddressPerHour: number;
  /** Confirmations per destination (an address, a number, a push endpoint) per day… */
  confirmationsPerDay: number;
  /** …and at least this long apart. */
  confirmationGapMinutes: number;
}

type SubscribeInput = z.output<typeof subscribeInputSchema>;

const fieldError = (field: string, text: string, problem: string, details: Record<string, unknown> = {}) =>
  new AppError('VALIDATION', text, { fields: [{ field, message: problem }], ...details });

/**
 * A request not yet confirmed: the zones and language asked for, and the
 * nonce its confirmation link is made from (so the same link can be sent
 * again without storing it).
 */
const pendingSchema = z.object({
  zoneIds: z.array(z.uuid()),
  language: subscriptionLanguageSchema,
  nonce: z.string().optional(),
  requestedAt: z.string().optional(),
  /** Asked by text from the number itself (subscriptions.text.ts): confirmed by a YES, never by a link. */
  via: z.literal('text').optional(),
  /** A text's neighborhood matched several zones: the numbered choice sent, waiting for its number. */
  choices: z.array(z.uuid()).optional(),
});
export type PendingRequest = z.infer<typeof pendingSchema>;
/** The requests waiting (oldest first); an earlier version kept one, not in a list. */
export const pendingListSchema = z.union([z.array(pendingSchema), pendingSchema.transform((one) => [one])]);
/** Requests kept waiting at once for one destination: each has its own link, none displaces another. */
const MAX_PENDING = 5;

export interface SubscriptionService {
  /**
   * Records a request and sends the confirmation (double opt-in) on the
   * channel itself. Answers the same whether or not the contact was known,
   * so nobody learns who is subscribed; a request for a contact already
   * subscribed (or asked for) changes nothing until it is confirmed, and a
   * destination gets a limited number of confirmations.
   */
  subscribe(
    coalitionId: string,
    input: SubscribeInput,
    base: string,
    from: { audience: Audience; address?: string },
  ): Promise<void>;
  confirm(token: string): Promise<SubscriptionView>;
  view(token: string): Promise<SubscriptionView>;
  /** Unsubscribe in one step: the subscription and its contact are deleted. */
  remove(token: string): Promise<void>;
  /** The link in every alert: its token is a keyed digest of the subscription, so nothing more is stored. */
  unsubscribeToken(subscriptionId: string): string;
  unsubscribe(id: string, token: string): Promise<void>;
  /** STOP by SMS: every subscription of that number is deleted. */
  stopSms(coalitionId: string, from: string): Promise<number>;
  /** The channels this server can confirm and deliver on. */
  channels(): SubscriptionChannel[];
  /**
   * How many active subscriptions an alert would reach if sent now, per channel and language:
   * numbers only, for the approver — no contact is read or returned.
   */
  recipientCounts(query: RecipientQuery): Promise<RecipientCounts>;
  /** How many zones one subscription may cover. */
  maxZones(): number;
}

export function createSubscriptionService(deps: {
  database: Database;
  box: SecretBox;
  now?: () => Date;
  /** The channels that can be confirmed (and so delivered) here. */
  channels: SubscriptionChannel[];
  rules: SubscriptionRules;
  /** Checks push endpoints (https, a known push service, a public address). */
  push: Pick<PushChannel, 'checkEndpoint'> | null;
  enqueueConfirmation: (confirmation: Confirmation, tx: Tx, priority: number) => Promise<unknown>;
}): SubscriptionService {
  const { database, box, rules } = deps;
  const now = deps.now ?? (() => new Date());
  // Links are keyed digests: the same link can be sent again, and only its hash is stored.
  const linkToken = (value: string, purpose: string) =>
    Buffer.from(box.digest(value, purpose), 'hex').toString('base64url');
  const manageToken = (id: string) => manageLinkToken(box, id);
  const confirmToken = (id: string, nonce: string) => linkToken(`${id}:${nonce}`, 'subscription-confirm');

  // On PGlite a transaction holds the only connection: reads inside one must use its db.
  async function viewOf(
    row: SubscriptionRow & { status: SubscriptionView['status'] },
    db: Drizzle = database.db,
  ): Promise<SubscriptionView> {
    const channel = row.channel;
    return {
      channel,
      contact: maskContact(channel, box.open(row.contact, contactContext(row.id))),
      language: row.language,
      status: row.status,
      zones: await zonesOf(db, row.id),
    };
  }

  const linkGone = () =>
    new AppError('NOT_FOUND', 'This link is not valid any more. Subscribe again to get a new one.');

  async function byManageToken(value: string) {
    const row = await findByToken(database.db, 'manage', hash(value));
    if (!row) throw linkGone();
    return row;
  }

  /** The contact to keep (sealed) and the value its digest is made of; refuses what may not be subscribed. */
  async function contactOf(input: SubscribeInput): Promise<{ contact: string; identity: string }> {
    switch (input.channel) {
      case 'email': {
        const address = input.address.trim().toLowerCase();
        return { contact: address, identity: address };
      }
      case 'sms': {
        const phone = toE164(input.phone);
        const refusal = phone ? smsRefusal(phone, rules.sms) : 'invalid';
        if (!phone || refusal === 'invalid')
          throw fieldError('phone', 'Enter a mobile number with its area code.', 'must be a mobile number');
        if (refusal)
          throw fieldError('phone', 'Alerts by text cannot be sent to this number.', 'number not served', {
            reason: refusal,
          });
        return { contact: phone, identity: phone };
      }
      case 'push': {
        try {
          await deps.push?.checkEndpoint(input.subscription.endpoint);
        } catch (error) {
          // A resolver that did not answer says nothing about the endpoint: ask again later.
          if (!isRefused(error))
            throw new AppError(
              'UNAVAILABLE',
              'The push service could not be checked just now. Try again in a minute.',
            );
          throw fieldError(
            'subscription.endpoint',
            'This browser’s push service is not one alerts can be sent to; choose e-mail or SMS.',
            'not a known push service',
            { reason: error.reason },
          );
        }
        return { contact: JSON.stringify(input.subscription), identity: input.subscription.endpoint };
      }
    }
  }

  /** One more request from a client address (its key changes daily); the count this hour, or 429. */
  async function countSource(address: string): Promise<number> {
    const at = now();
    const key = `source:${box.digest(address, `subscribe-source:${at.toISOString().slice(0, 10)}`)}`;
    const rule = { windowSeconds: 3600, max: rules.perAddressPerHour, gapSeconds: 0 };
    const count = await takeAllowance(database.db, key, at, rule);
    if (count !== null) return count;
    const state = await throttleState(database.db, key);
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil(((state?.windowStart.getTime() ?? at.getTime()) + 3600_000 - at.getTime()) / 1000),
    );
    throw new AppError(
      'RATE_LIMITED',
      `Too many requests from your connection. Try again in ${retryAfterSeconds} seconds.`,
      {
        retryAfterSeconds,
      },
    );
  }

  /** Requests still waiting: those with a link, fewer than seven days old. */
  const waiting = (pending: unknown, at: Date): PendingRequest[] => {
    const parsed = pendingListSchema.safeParse(pending);
    return parsed.success ? parsed.data.filter((request) => fresh(request, at)) : [];
  };
  /**
   * A confirmation link's token: the subscription's id (32 hex digits) and a
   * keyed digest of one request's nonce — letters a link and a reader keep whole.
   */
  const confirmLinkToken = (id: string, nonce: string) =>
    `${id.replaceAll('-', '')}${confirmToken(id, nonce)}`;

  const fresh = (pending: PendingRequest | null, at: Date) =>
    pending?.nonce && pending.requestedAt
      ? at.getTime() - Date.parse(pending.requestedAt) < PENDING_SUBSCRIPTION_DAYS * 86_400_000
      : false;

  /** The subscription and the one request a confirmation link is for, or NOT_FOUND. */
  async function confirming(db: Drizzle, value: string) {
    const gone = () => new AppError('NOT_FOUND', 'This confirmation link was used already or is not valid.');
    const hex = /^[0-9a-f]{32}/.exec(value)?.[0];
    if (!hex || value.length <= 43) {
      // A link sent by an earlier version: the token's hash names the subscription and its one request.
      const row = await findByToken(db, 'confirm', hash(value));
      const request = row ? pendingListSchema.safeParse(row.pending).data?.at(-1) : undefined;
      if (!row || !request) throw gone();
      return { row, request };
    }
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    const row = await findSubscription(db, id);
    const given = Buffer.from(value);
    const request = row
      ? waiting(row.pending, now()).find((r) => {
          if (r.via === 'text') return false;
          const expected = Buffer.from(confirmLinkToken(id, r.nonce ?? ''));
          return expected.length === given.length && timingSafeEqual(expected, given);
        })
      : undefined;
    if (!row || !request) throw gone();
    return { row, request };
  }

  const unsubscribeToken = (id: string) => box.digest(id, 'unsubscribe').slice(0, 43);

  return {
    channels: () => deps.channels,
    maxZones: () => rules.maxZones,

    async recipientCounts(query) {
      const zero = () =>
        Object.fromEntries(ALERT_LANGUAGES.map((l) => [l, 0])) as Record<AlertLanguage, number>;
      const counts: RecipientCounts = {
        audience: query.publicToo ? 'public' : 'staff',
        total: 0,
        channels: Object.fromEntries(
          DELIVERY_CHANNELS.map((channel) => [channel, { total: 0, languages: zero() }]),
        ) as RecipientCounts['channels'],
        languages: zero(),
      };
      for (const { channel, language, n } of await countRecipients(database.db, query)) {
        const perChannel = counts.channels[channel];
        if (!perChannel || !isLanguage(language)) continue;
        perChannel.total += n;
        perChannel.languages[language] += n;
        counts.languages[language] += n;
        counts.total += n;
      }
      return counts;
    },
    unsubscribeToken,

    async subscribe(coalitionId, input, base, from) {
      if (!deps.channels.includes(input.channel)) {
        throw new AppError('UNAVAILABLE', `Alerts by ${input.channel} are not set up on this server.`);
      }
      const zoneIds = [...new Set(input.zoneIds)];
      if (zoneIds.length > rules.maxZones)
        throw fieldError('zoneIds', `Choose at most ${rules.maxZones} zones.`, 'too many zones', {
          maxZones: rules.maxZones,
        });
      const found = await existingZones(database.db, coalitionId, zoneIds);
      if (found.length !== zoneIds.length)
        throw fieldError('zoneIds', 'One of the zones does not exist; choose from the list.', 'unknown zone');
      const { contact, identity } = await contactOf(input);
      // A staff member's own test subscriptions are not limited per address (they are signed in).
      const fromSource = from.address && from.audience === 'public' ? await countSource(from.address) : 1;
      // A staff test subscription is a separate subscription of the same contact, with its own counts.
      const audience = from.audience === 'staff' ? ':staff' : '';
      const digest = box.digest(identity, `subscription:${input.channel}${audience}`);
      const destination = `destination:${box.digest(identity, `subscription-destination:${input.channel}${audience}`)}`;
      const at = now();
      await database.transaction(async (tx) => {
        // However many ask, a destination gets few confirmations, and never two in quick succession.
        const allowed = await takeAllowance(tx.db, destination, at, {
          windowSeconds: 86_400,
          max: rules.confirmationsPerDay,
          gapSeconds: rules.confirmationGapMinutes * 60,
        });
        if (allowed === null) return;
        const existing = await findByDigest(tx.db, coalitionId, input.channel, digest);
        const asked: PendingRequest = {
          zoneIds,
          language: input.language,
          nonce: randomBytes(16).toString('base64url'),
          requestedAt: at.toISOString(),
        };
        const id = existing?.id ?? randomUUID();
        // Each request waits with its own link, beside any others: a request made by someone else
        // for this destination neither breaks the owner's link nor is sent in place of theirs
        // (seen in review). What exists — zones, language, manage link — changes only on confirming.
        const requests = [...waiting(existing?.pending, at), asked].slice(-MAX_PENDING);
        const confirmTokenHash = hash(confirmLinkToken(id, asked.nonce ?? ''));
        if (!existing) {
          await insertSubscription(tx.db, {
            id,
            coalitionId: coalitionId,
            channel: input.channel,
            contact: box.seal(contact, contactContext(id)),
            contactDigest: digest,
            language: input.language,
            audience: from.audience,
            pending: requests,
            confirmTokenHash,
            manageTokenHash: hash(manageToken(id)),
          });
        } else {
          await updateSubscription(tx.db, id, { pending: requests, confirmTokenHash });
        }
        const request = asked;
        const names = found;
        const token = confirmLinkToken(id, request.nonce ?? '');
        const content = {
          to: contact,
          confirm: `${base}/subscribe/confirm?token=${token}`,
          manage: `${base}/subscription?token=${manageToken(id)}`,
          token,
          zones: joinNames(
            names.map((z) => z.name),
            request.language,
          ),
        };
        // A source's first requests go first: a flood from one place waits behind everyone else.
        await deps.enqueueConfirmation(
          {
            subscriptionId: id,
            channel: input.channel,
            sealed: sealConfirmation(box, id, content),
            language: request.language,
          },
          tx,
          1 - fromSource,
        );
      });
    },

    async confirm(value) {
      return database.transaction(async (tx) => {
        const { row, request } = await confirming(tx.db, value);
        await setSubscriptionZones(tx.db, row.id, request.zoneIds);
        await updateSubscription(tx.db, row.id, {
          status: 'active',
          language: request.language,
          pending: null,
          confirmTokenHash: null,
          confirmedAt: now(),
          // The link every confirmation carries (a subscription from before these links changes to it now).
          manageTokenHash: hash(manageToken(row.id)),
        });
        return viewOf({ ...row, language: request.language, status: 'active' }, tx.db);
      });
    },

    async view(value) {
      const row = await byManageToken(value);
      // Its push service said the endpoint is gone: the contact is erased, nothing is left to show.
      if (row.status === 'expired') throw linkGone();
      return viewOf({ ...row, status: row.status });
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

    async stopSms(coalitionId, from) {
      const phone = toE164(from);
      if (!phone) return 0;
      let removed = 0;
      for (const audience of ['', ':staff']) {
        const row = await findByDigest(
          database.db,
          coalitionId,
          'sms',
          box.digest(phone, `subscription:sms${audience}`),
        );
        if (row) {
          await deleteSubscription(database.db, row.id);
          removed += 1;
        }
      }
      return removed;
    },
  };
}
