import { and, desc, eq, gt, isNotNull, isNull } from 'drizzle-orm';
import type { Language } from '../../../shared/report-fields.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database } from '../../db/database.js';
import { assignments, incidents, responderProfiles, zones } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import type { CoalitionService } from '../coalitions/coalitions.service.js';
import { fold } from '../sms/sms-text.js';
import type { DispatchService } from './dispatch.service.js';
import { offerPhoneDigest } from './responders.service.js';

/**
 * A responder's answer to an offer by text, for when the app will not load in
 * a parking lot: "YES" / "SI" accepts, "NO" declines, with the incident's
 * number where several are open ("YES 12"). It goes through the same step as
 * the app's button, so the board sees it live and the offer stops expiring.
 * Only texts from the number a responder gave for offers are read this way,
 * and only one-word answers: anything else is a report, as from anyone.
 */
export interface OfferAnswer {
  kind: 'offerAccepted' | 'offerDeclined' | 'offerClosed' | 'offerWhich';
  language: Language;
  /** The incident answered about. */
  incident?: number;
  zone?: string;
  /** For offerWhich: the incidents with an offer open. */
  open?: number[];
}

const ACCEPT: Record<string, Language | null> = {
  yes: 'en',
  y: 'en',
  accept: 'en',
  ok: null,
  okay: 'en',
  si: 'es',
  s: 'es',
  acepto: 'es',
  aceptar: 'es',
};
const DECLINE: Record<string, Language | null> = { no: null, n: null, decline: 'en', rechazo: 'es' };

/** "YES", "si 12", "No #12" → the answer and the incident's number, or null for any other text. */
export function parseOfferAnswer(
  body: string,
): { answer: 'accept' | 'decline'; number: number | null; language: Language | null } | null {
  const match = /^([a-z]+)(?: (\d{1,9}))?$/.exec(fold(body));
  if (!match?.[1]) return null;
  const word = match[1];
  const number = match[2] ? Number(match[2]) : null;
  if (word in ACCEPT) return { answer: 'accept', number, language: ACCEPT[word] ?? null };
  if (word in DECLINE) return { answer: 'decline', number, language: DECLINE[word] ?? null };
  return null;
}

/** Offers older than this are not what a bare "YES" is about. */
const RECENT_MS = 2 * 3_600_000;

export function createOfferReplies(deps: {
  database: Database;
  coalitions: CoalitionService;
  box: SecretBox;
  dispatch: () => DispatchService;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());

  return {
    /** Numbers given before their digest was kept get one (once, at a worker's start). */
    async backfill(): Promise<number> {
      const missing = await deps.database.db
        .select({ userId: responderProfiles.userId, offerPhone: responderProfiles.offerPhone })
        .from(responderProfiles)
        .where(and(isNotNull(responderProfiles.offerPhone), isNull(responderProfiles.offerPhoneDigest)));
      for (const row of missing) {
        if (!row.offerPhone) continue;
        const phone = deps.box.open(row.offerPhone, `offer-phone:${row.userId}`);
        await deps.database.db
          .update(responderProfiles)
          .set({ offerPhoneDigest: offerPhoneDigest(deps.box, phone) })
          .where(eq(responderProfiles.userId, row.userId));
      }
      return missing.length;
    },

    /** The reply to send, or null when this is not a responder answering an offer (the text is then a report). */
    async answer(from: string, body: string): Promise<OfferAnswer | null> {
      const parsed = parseOfferAnswer(body);
      if (!parsed) return null;
      const coalition = await deps.coalitions.current();
      const at = now();
      const offers = await deps.database.db
        .select({
          id: assignments.id,
          userId: assignments.userId,
          state: assignments.state,
          expiresAt: assignments.expiresAt,
          number: incidents.number,
          zone: zones.name,
          languages: responderProfiles.languages,
        })
        .from(responderProfiles)
        .innerJoin(assignments, eq(assignments.userId, responderProfiles.userId))
        .innerJoin(incidents, eq(incidents.id, assignments.incidentId))
        .leftJoin(zones, eq(zones.id, incidents.zoneId))
        .where(
          and(
            eq(responderProfiles.coalitionId, coalition.id),
            eq(responderProfiles.offerPhoneDigest, offerPhoneDigest(deps.box, from)),
            gt(assignments.offeredAt, new Date(at.getTime() - RECENT_MS)),
          ),
        )
        .orderBy(desc(assignments.offeredAt), desc(incidents.number))
        .limit(20);
      const asked = offers.filter((o) => parsed.number === null || o.number === parsed.number);
      const latest = asked[0];
      // Not a responder, or none offered anything lately: YES and NO mean what they mean to anyone.
      if (!latest) return null;
      const spoken = latest.languages ?? [];
      const language: Language =
        parsed.language ?? (spoken.includes('es') && !spoken.includes('en') ? 'es' : 'en');
      const about = (o: typeof latest) => ({ incident: o.number, ...(o.zone ? { zone: o.zone } : {}) });
      const open = asked.filter((o) => o.state === 'offered' && o.expiresAt > at);
      if (open.length > 1)
        return {
          kind: 'offerWhich',
          language,
          open: [...new Set(open.map((o) => o.number))].sort((a, b) => a - b),
        };
      const offer = open[0];
      if (!offer) {
        // Already answered so (the same text delivered twice, or the app was quicker): say so again.
        if (parsed.answer === 'accept' && ['accepted', 'en_route', 'on_scene'].includes(latest.state))
          return { kind: 'offerAccepted', language, ...about(latest) };
        if (parsed.answer === 'decline' && latest.state === 'declined')
          return { kind: 'offerDeclined', language, ...about(latest) };
        return { kind: 'offerClosed', language, ...about(latest) };
      }
      try {
        await deps.dispatch().respond(offer.id, offer.userId, parsed.answer);
      } catch (error) {
        // It expired or was answered in the app at the same moment.
        if (error instanceof AppError && ['INVALID_TRANSITION', 'CONFLICT'].includes(error.code))
          return { kind: 'offerClosed', language, ...about(offer) };
        throw error;
      }
      return {
        kind: parsed.answer === 'accept' ? 'offerAccepted' : 'offerDeclined',
        language,
        ...about(offer),
      };
    },
  };
}

export type OfferReplies = ReturnType<typeof createOfferReplies>;
