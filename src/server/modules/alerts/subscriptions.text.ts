import { randomBytes, randomUUID } from 'node:crypto';
import { staffLanguageOf } from '../../../shared/languages.js';
import { toE164 } from '../../../shared/phone.js';
import type { Language } from '../../../shared/report-fields.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Drizzle, Tx } from '../../db/database.js';
import { smsRefusal } from './subscription-contacts.js';
import {
  existingZones,
  findByDigest,
  insertSubscription,
  type SubscriptionRow,
  setSubscriptionZones,
  takeAllowance,
  updateSubscription,
  zonesOf,
} from './subscriptions.repo.js';
import {
  contactContext,
  manageLinkToken,
  type PendingRequest,
  pendingListSchema,
  type SubscriptionRules,
  tokenHash,
} from './subscriptions.service.js';

/**
 * Subscribing to alerts from a flip phone: "ALERTAS BOYLE HEIGHTS", a
 * numbered choice when the name fits several zones, and a YES on the phone
 * itself to confirm (double opt-in, as the web form's link). The number is
 * the sender's own — a text cannot subscribe another number — and is kept as
 * the web path keeps it (sealed, and a keyed digest to find it). What waits
 * between texts (a choice, a request to confirm) is kept on the subscription
 * row, never in a process's memory: any Faro process may get the next text.
 */

/** What to text back; the SMS module words it in the language given. */
export type TextAnswer =
  | { kind: 'alertsAsk'; language: Language; zones: string[] }
  | { kind: 'alertsChoose'; language: Language; zones: string[] }
  | { kind: 'alertsConfirmed'; language: Language; zones: string[] }
  | { kind: 'alertsMine'; language: Language; zones: string[] }
  | { kind: 'alertsNone'; language: Language }
  | { kind: 'alertsTooMany'; language: Language; max: number }
  | { kind: 'alertsNotServed'; language: Language };

/** Queues the answer inside the transaction that changed what it reports. */
export type SendAnswer = (answer: TextAnswer, tx: Tx) => Promise<void>;

/** One inbound text: its sender and the provider's id for it (the same text delivered twice has one). */
export interface InboundText {
  from: string;
  messageSid: string;
}

/** `answered`: handled (or deliberately not answered); `duplicate`: seen before; `nothing`: not ours to answer. */
export type TextOutcome = 'answered' | 'duplicate' | 'nothing';

export interface TextSubscriptions {
  /** ALERTS + a neighborhood: `zoneIds` are the zones the name may mean (one: ask YES; several: a numbered choice). */
  ask(
    coalitionId: string,
    text: InboundText & { language: Language; zoneIds: string[] },
    send: SendAnswer,
  ): Promise<TextOutcome>;
  /** A number answering a waiting choice; `nothing` when no choice waits (the text is then something else). */
  choose(coalitionId: string, text: InboundText & { choice: number }, send: SendAnswer): Promise<TextOutcome>;
  /**
   * YES: confirms the request waiting for it if it was made after `otherSince`
   * (the sender's latest report: the most recent request is the one a YES answers).
   * Every YES is counted once here, so a YES delivered twice is answered once.
   */
  confirm(
    coalitionId: string,
    text: InboundText & { otherSince: Date | null },
    send: SendAnswer,
  ): Promise<TextOutcome>;
  /** MY ALERTS: the zones this number gets alerts for. */
  mine(
    coalitionId: string,
    text: InboundText & { language: Language },
    send: SendAnswer,
  ): Promise<TextOutcome>;
  /** Anything else said once per inbound text (the zone list): `send` runs only the first time. */
  once(text: InboundText, send: (tx: Tx) => Promise<void>): Promise<TextOutcome>;
}

/** A text's request waits a day for its YES (a link's waits a week: a YES is typed at once or not at all). */
const TEXT_PENDING_MS = 24 * 3_600_000;
/** At most this many zones in a numbered choice: a longer list is a sign to type more of the name. */
export const MAX_CHOICES = 5;
/** How long an inbound text's id is remembered, to answer a redelivery once (providers retry for hours). */
const SEEN_WINDOW_SECONDS = 3 * 86_400;

export function createTextSubscriptions(deps: {
  database: Database;
  box: SecretBox;
  rules: SubscriptionRules;
  now?: () => Date;
}): TextSubscriptions {
  const { database, box, rules } = deps;
  const now = deps.now ?? (() => new Date());
  const digestOf = (phone: string) => box.digest(phone, 'subscription:sms');

  /** The first time this inbound text is seen (in the caller's transaction), true; after that, false. */
  const firstTime = async (db: Drizzle, messageSid: string) =>
    (await takeAllowance(db, `sms-message:${messageSid}`, now(), {
      windowSeconds: SEEN_WINDOW_SECONDS,
      max: 1,
      gapSeconds: 0,
    })) !== null;

  /** Requests from texts still waiting, newest last. */
  const textRequests = (row: SubscriptionRow | undefined): PendingRequest[] => {
    const at = now().getTime();
    const parsed = pendingListSchema.safeParse(row?.pending ?? []);
    return (parsed.data ?? []).filter(
      (r) => r.via === 'text' && r.requestedAt && at - Date.parse(r.requestedAt) < TEXT_PENDING_MS,
    );
  };
  /** What else waits on the row: the web form's requests, untouched by texts. */
  const linkRequests = (row: SubscriptionRow | undefined): PendingRequest[] => {
    const parsed = pendingListSchema.safeParse(row?.pending ?? []);
    return (parsed.data ?? []).filter((r) => r.via !== 'text');
  };

  const namesOf = async (db: Drizzle, coalitionId: string, ids: readonly string[]) => {
    const found = await existingZones(db, coalitionId, ids);
    // In the order given (a choice is numbered in it).
    return ids.flatMap((id) => found.find((z) => z.id === id) ?? []);
  };

  /** Keeps `request` as the one text request of this number (a new text replaces an older one). */
  async function keep(
    db: Drizzle,
    coalitionId: string,
    phone: string,
    row: SubscriptionRow | undefined,
    request: PendingRequest,
  ) {
    const pending = [...linkRequests(row), request];
    if (row) return updateSubscription(db, row.id, { pending });
    const id = randomUUID();
    await insertSubscription(db, {
      id,
      coalitionId,
      channel: 'sms',
      contact: box.seal(phone, contactContext(id)),
      contactDigest: digestOf(phone),
      language: request.language,
      audience: 'public',
      pending,
      manageTokenHash: tokenHash(manageLinkToken(box, id)),
    });
  }

  /** The request to confirm one zone (added to those the number has), or why not. */
  async function askFor(
    db: Drizzle,
    coalitionId: string,
    phone: string,
    row: SubscriptionRow | undefined,
    language: Language,
    zone: { id: string; name: string },
  ): Promise<TextAnswer> {
    const current = row?.status === 'active' ? (await zonesOf(db, row.id)).map((z) => z.id) : [];
    const zoneIds = [...new Set([...current, zone.id])];
    if (zoneIds.length > rules.maxZones) return { kind: 'alertsTooMany', language, max: rules.maxZones };
    await keep(db, coalitionId, phone, row, {
      zoneIds,
      language,
      via: 'text',
      nonce: randomBytes(16).toString('base64url'),
      requestedAt: now().toISOString(),
    });
    return { kind: 'alertsAsk', language, zones: [zone.name] };
  }

  return {
    async ask(coalitionId, text, send) {
      const phone = toE164(text.from);
      if (!phone) return 'nothing';
      return database.transaction(async (tx) => {
        if (!(await firstTime(tx.db, text.messageSid))) return 'duplicate';
        const { language } = text;
        if (smsRefusal(phone, rules.sms)) {
          await send({ kind: 'alertsNotServed', language }, tx);
          return 'answered';
        }
        // However often a number asks, it gets the web path's number of confirmations, spaced as there.
        const destination = `destination:${box.digest(phone, 'subscription-destination:sms')}`;
        const allowed = await takeAllowance(tx.db, destination, now(), {
          windowSeconds: 86_400,
          max: rules.confirmationsPerDay,
          gapSeconds: rules.confirmationGapMinutes * 60,
        });
        if (allowed === null) return 'answered';
        const zones = await namesOf(tx.db, coalitionId, text.zoneIds.slice(0, MAX_CHOICES));
        const row = await findByDigest(tx.db, coalitionId, 'sms', digestOf(phone));
        const [only] = zones;
        if (!only) return 'nothing';
        if (zones.length === 1) {
          await send(await askFor(tx.db, coalitionId, phone, row, language, only), tx);
          return 'answered';
        }
        await keep(tx.db, coalitionId, phone, row, {
          zoneIds: [],
          choices: zones.map((z) => z.id),
          language,
          via: 'text',
          nonce: randomBytes(16).toString('base64url'),
          requestedAt: now().toISOString(),
        });
        await send({ kind: 'alertsChoose', language, zones: zones.map((z) => z.name) }, tx);
        return 'answered';
      });
    },

    async choose(coalitionId, text, send) {
      const phone = toE164(text.from);
      if (!phone) return 'nothing';
      return database.transaction(async (tx) => {
        // Counted first: the delivery that takes the choice must not leave its twin to read as something else.
        if (!(await firstTime(tx.db, text.messageSid))) return 'duplicate';
        const row = await findByDigest(tx.db, coalitionId, 'sms', digestOf(phone));
        const waiting = textRequests(row).at(-1);
        if (!waiting?.choices) return 'nothing';
        const zones = await namesOf(tx.db, coalitionId, waiting.choices);
        const chosen = zones[text.choice - 1];
        if (!chosen) {
          // Not one of the numbers offered: the same choice again.
          await send(
            {
              kind: 'alertsChoose',
              language: staffLanguageOf(waiting.language),
              zones: zones.map((z) => z.name),
            },
            tx,
          );
          return 'answered';
        }
        await send(
          await askFor(tx.db, coalitionId, phone, row, staffLanguageOf(waiting.language), chosen),
          tx,
        );
        return 'answered';
      });
    },

    async confirm(coalitionId, text, send) {
      const phone = toE164(text.from);
      if (!phone) return 'nothing';
      return database.transaction(async (tx) => {
        if (!(await firstTime(tx.db, text.messageSid))) return 'duplicate';
        const row = await findByDigest(tx.db, coalitionId, 'sms', digestOf(phone));
        const request = textRequests(row).at(-1);
        if (!row || !request || request.zoneIds.length === 0) return 'nothing';
        if (text.otherSince && Date.parse(request.requestedAt ?? '') < text.otherSince.getTime())
          return 'nothing';
        await setSubscriptionZones(tx.db, row.id, request.zoneIds);
        await updateSubscription(tx.db, row.id, {
          status: 'active',
          language: request.language,
          // What the web form asked for stays waiting for its link.
          pending: linkRequests(row),
          confirmedAt: now(),
        });
        const zones = await namesOf(tx.db, coalitionId, request.zoneIds);
        await send(
          {
            kind: 'alertsConfirmed',
            language: staffLanguageOf(request.language),
            zones: zones.map((z) => z.name),
          },
          tx,
        );
        return 'answered';
      });
    },

    async mine(coalitionId, text, send) {
      const phone = toE164(text.from);
      if (!phone) return 'nothing';
      return database.transaction(async (tx) => {
        if (!(await firstTime(tx.db, text.messageSid))) return 'duplicate';
        const row = await findByDigest(tx.db, coalitionId, 'sms', digestOf(phone));
        const zones = row?.status === 'active' ? await zonesOf(tx.db, row.id) : [];
        // The language the alerts come in, which the keyword of MY ALERTS need not be.
        const language = row?.status === 'active' ? staffLanguageOf(row.language) : text.language;
        await send(
          zones.length > 0
            ? { kind: 'alertsMine', language, zones: zones.map((z) => z.name) }
            : { kind: 'alertsNone', language },
          tx,
        );
        return 'answered';
      });
    },

    async once(text, send) {
      return database.transaction(async (tx) => {
        if (!(await firstTime(tx.db, text.messageSid))) return 'duplicate';
        await send(tx);
        return 'answered';
      });
    },
  };
}
