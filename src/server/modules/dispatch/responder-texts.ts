import type { Language } from '../../../shared/report-fields.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { fold } from '../sms/sms-text.js';
import type { DispatchService } from './dispatch.service.js';
import {
  assignmentsForTexts,
  forgetOfferPhone,
  offerPhonesWithoutDigest,
  respondersByOfferPhone,
  setOfferPhoneDigest,
} from './responder-texts.repo.js';
import { offerPhoneDigest } from './responders.service.js';
import { staffLanguage } from './staff-texts.js';

/**
 * A responder's answers by text, for when the app will not load in a parking
 * lot: "YES" / "SI" accepts an offer, "NO" declines it (with the incident's
 * number where several are open: "YES 12"); on scene, "SAFE" / "BIEN" is the
 * check-in and "HELP" / "AYUDA" the call for help. Each takes the same step
 * as the app's button, so the board sees it live — except that "SAFE" never
 * clears a call for help (a sender's number can be forged). Only texts from the number
 * a responder gave for offers are read this way, and only these few words:
 * anything else is a report, as from anyone.
 */
export interface ResponderTextReply {
  kind:
    | 'offerAccepted'
    | 'offerDeclined'
    | 'offerClosed'
    | 'offerWhich'
    | 'checkedIn'
    | 'helpSent'
    | 'helpStays'
    | 'notOnScene';
  language: Language;
  /** The incident answered about. */
  incident?: number;
  zone?: string;
  /** For offerWhich: the incidents with an offer open. */
  open?: number[];
}

type Word = { language: Language | null } & (
  | { kind: 'offer'; answer: 'accept' | 'decline' }
  | { kind: 'check-in'; status: 'safe' | 'help' }
);

const WORDS: Record<string, Word> = {
  yes: { kind: 'offer', answer: 'accept', language: 'en' },
  y: { kind: 'offer', answer: 'accept', language: 'en' },
  accept: { kind: 'offer', answer: 'accept', language: 'en' },
  ok: { kind: 'offer', answer: 'accept', language: null },
  okay: { kind: 'offer', answer: 'accept', language: 'en' },
  si: { kind: 'offer', answer: 'accept', language: 'es' },
  s: { kind: 'offer', answer: 'accept', language: 'es' },
  acepto: { kind: 'offer', answer: 'accept', language: 'es' },
  aceptar: { kind: 'offer', answer: 'accept', language: 'es' },
  no: { kind: 'offer', answer: 'decline', language: null },
  n: { kind: 'offer', answer: 'decline', language: null },
  decline: { kind: 'offer', answer: 'decline', language: 'en' },
  rechazo: { kind: 'offer', answer: 'decline', language: 'es' },
  safe: { kind: 'check-in', status: 'safe', language: 'en' },
  'im safe': { kind: 'check-in', status: 'safe', language: 'en' },
  'i m safe': { kind: 'check-in', status: 'safe', language: 'en' },
  'i am safe': { kind: 'check-in', status: 'safe', language: 'en' },
  bien: { kind: 'check-in', status: 'safe', language: 'es' },
  'estoy bien': { kind: 'check-in', status: 'safe', language: 'es' },
  help: { kind: 'check-in', status: 'help', language: 'en' },
  'need help': { kind: 'check-in', status: 'help', language: 'en' },
  sos: { kind: 'check-in', status: 'help', language: null },
  ayuda: { kind: 'check-in', status: 'help', language: 'es' },
  'necesito ayuda': { kind: 'check-in', status: 'help', language: 'es' },
};

/** "YES", "si 12", "No #12", "I'm safe", "AYUDA" → what it says and the incident's number; null for any other text. */
export function parseResponderText(body: string): (Word & { number: number | null }) | null {
  const match = /^([a-z ]+?)(?: (\d{1,9}))?$/.exec(fold(body));
  const word = match?.[1] ? WORDS[match[1]] : undefined;
  if (!word) return null;
  return { ...word, number: match?.[2] ? Number(match[2]) : null };
}

/** Offers older than this are not what a bare "YES" is about. */
const RECENT_MS = 2 * 3_600_000;

export function createResponderTexts(deps: {
  database: Database;
  box: SecretBox;
  dispatch: Pick<DispatchService, 'respond' | 'checkIn'>;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const { db } = deps.database;

  /** Their assignments offered lately, or on scene now: newest first, with the incident's number and zone. */
  const assignmentsOf = (userIds: string[], which: Parameters<typeof assignmentsForTexts>[2]) =>
    assignmentsForTexts(db, userIds, which);
  type Row = Awaited<ReturnType<typeof assignmentsOf>>[number];
  const about = (row: Row) => ({ incident: row.number, ...(row.zone ? { zone: row.zone } : {}) });

  async function answerOffer(
    coalitionId: string,
    userIds: string[],
    parsed: { answer: 'accept' | 'decline'; number: number | null },
    language: Language,
  ): Promise<ResponderTextReply | null> {
    const at = now();
    const recent = await assignmentsOf(userIds, { offeredSince: new Date(at.getTime() - RECENT_MS) });
    const asked = recent.filter((o) => parsed.number === null || o.number === parsed.number);
    const latest = asked[0];
    // None offered anything lately: YES and NO mean what they mean to anyone.
    if (!latest) return null;
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
      await deps.dispatch.respond(coalitionId, offer.id, offer.userId, parsed.answer);
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
  }

  async function checkIn(
    coalitionId: string,
    userIds: string[],
    parsed: { status: 'safe' | 'help'; number: number | null },
    language: Language,
  ): Promise<ResponderTextReply | null> {
    const onScene = (await assignmentsOf(userIds, { onScene: true })).filter(
      (a) => parsed.number === null || a.number === parsed.number,
    );
    const first = onScene[0];
    if (!first) {
      // A call for help from someone not on scene is not lost: it goes on as a report, to the board.
      if (parsed.status === 'help') return null;
      return { kind: 'notOnScene', language };
    }
    if (parsed.status === 'safe') {
      // A sender's number can be spoofed: a text may answer a reminder, but it never
      // stands down a call for help — that takes the app's "I'm safe" or a dispatcher
      // who reached them. Nothing changes where help was called.
      const calledHelp = onScene.find((row) => row.safety === 'help');
      if (calledHelp) return { kind: 'helpStays', language, ...about(calledHelp) };
    }
    // It is the person who is safe, or in trouble, wherever they are on scene.
    for (const row of onScene) await deps.dispatch.checkIn(coalitionId, row.id, row.userId, parsed.status);
    return { kind: parsed.status === 'safe' ? 'checkedIn' : 'helpSent', language, ...about(first) };
  }

  return {
    /** Numbers given before their digest was kept get one (once, at a worker's start). */
    async backfill(): Promise<number> {
      const missing = await offerPhonesWithoutDigest(db);
      for (const row of missing) {
        if (!row.offerPhone) continue;
        const phone = deps.box.open(row.offerPhone, `offer-phone:${row.userId}`);
        await setOfferPhoneDigest(db, row.userId, offerPhoneDigest(deps.box, phone));
      }
      return missing.length;
    },

    /**
     * STOP from a responder's own number: Faro stops texting them offers and
     * reminders (the provider would refuse them anyway); their profile shows no
     * number until they give one again. Returns how many profiles had it.
     */
    async forget(from: string): Promise<number> {
      return forgetOfferPhone(db, offerPhoneDigest(deps.box, from), now());
    },

    /** Whether `from` is the number a responder of this coalition gave for offers. */
    async isResponder(coalitionId: string, from: string): Promise<boolean> {
      return (await respondersByOfferPhone(db, coalitionId, offerPhoneDigest(deps.box, from))).length > 0;
    },

    /**
     * The reply to send, or null when this is not a responder's answer (the
     * text is then a report): from a responder of this coalition, the one whose line got it.
     */
    async answer(coalitionId: string, from: string, body: string): Promise<ResponderTextReply | null> {
      const parsed = parseResponderText(body);
      if (!parsed) return null;
      const senders = await respondersByOfferPhone(db, coalitionId, offerPhoneDigest(deps.box, from));
      if (senders.length === 0) return null;
      const spoken = senders.flatMap((s) => s.languages);
      // The word they sent says which language they write in; a bare "OK" or "NO", their profile.
      const language: Language = parsed.language ?? staffLanguage({ spoken });
      const userIds = senders.map((s) => s.userId);
      return parsed.kind === 'offer'
        ? answerOffer(coalitionId, userIds, parsed, language)
        : checkIn(coalitionId, userIds, parsed, language);
    },
  };
}

export type ResponderTexts = ReturnType<typeof createResponderTexts>;
