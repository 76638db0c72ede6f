import type { Language } from '../../../shared/report-fields.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Drizzle, Tx } from '../../db/database.js';
import type { TextAnswer, TextOutcome, TextSubscriptions } from '../alerts/subscriptions.text.js';
import type { PlanTexts } from '../plans/plan-texts.js';
import { parsePlanText } from '../plans/plan-texts.js';
import { sealCallback } from '../reports/callback.js';
import { reportFollowUps } from '../reports/follow-ups.js';
import type { ReportService } from '../reports/reports.service.js';
import type { ZoneService } from '../zones/zones.service.js';
import { type AlertText, parseAlertText } from './alert-keywords.js';
import { zonePages } from './alert-replies.js';
import { parseCodeText } from './code-text.js';
import { parseInfoText } from './info-keywords.js';
import type { SmsCard } from './info-replies.js';
import { INFO_QUOTA_KEY_HEX_DIGITS, INFO_REPLIES_PER_HOUR } from './reply-limit.js';
import type { SmsReply } from './sms-reply.job.js';
import {
  detectLanguage,
  findZoneNamed,
  findZonesLike,
  fold,
  guessActivity,
  soundsFirsthand,
} from './sms-text.js';

/** The fields of an inbound SMS webhook that Faro reads (Twilio's names). */
export interface InboundSms {
  From: string;
  Body: string;
  MessageSid: string;
  /** The MMS's media URLs (`MediaUrl0`…), on the provider's host. */
  media: string[];
}

export interface SmsIntake {
  /**
   * Turns a text into a report and queues the reply with its receipt code, in
   * one transaction. The same message delivered again changes nothing.
   */
  receive(coalitionId: string, sms: InboundSms): Promise<{ receipt: string | null; duplicate: boolean }>;
}

/** The longest text kept from one message (a long SMS is at most 10 segments). */
const BODY_LIMIT = 1600;
/** A YES opts in to the outcome of the sender's report of the last day. */
const FOLLOW_UP_WINDOW_MS = 24 * 3_600_000;

/** YES in each language a reply asks for it in (sí, oui, sim, wi, oo, có, 是, 네, نعم), compared folded. */
const YES = new Set(
  ['yes', 'y', 'si', 'ok', 'sim', 'oui', 'wi', 'oo', 'có', '是', '是的', '好', '네', '예', 'نعم'].map(fold),
);
const STOP = new Set(['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'alto', 'parar', 'baja']);

/** `STATUS <code> <PIN>` / `ESTADO …`: a family reads a case's stage (the keyword says the language). */
const FAMILY_KEYWORDS = { status: 'en', estado: 'es' } as const;

/** A one-word reply that is a command, not a report. */
function keywordOf(body: string): 'yes' | 'stop' | null {
  const word = fold(body);
  if (YES.has(word)) return 'yes';
  if (STOP.has(word)) return 'stop';
  return null;
}

export function createSmsIntake(deps: {
  reports: ReportService;
  zones: ZoneService;
  box: SecretBox;
  db: Drizzle;
  /** STOP also ends every alert subscription of the number, and offers texted to a responder there. */
  onStop?: (coalitionId: string, from: string) => Promise<unknown>;
  /**
   * A responder's answer from their own number — to an offer ("YES", "NO 12")
   * or a check-in ("SAFE", "HELP"): the reply to send, or null when the text
   * is not that (it is then read as anyone's).
   */
  answerResponder?: (
    coalitionId: string,
    from: string,
    body: string,
  ) => Promise<Omit<SmsReply, 'ref' | 'to'> | null>;
  /** `PLAN <code> <PIN>` from any phone: activates an emergency plan (once per message). */
  plans?: Pick<PlanTexts, 'activate' | 'answerFormat'>;
  /**
   * `STATUS <code> <PIN>` from any phone: the cases module texts the family the case's stage (or
   * why not) itself, sealed; false when this message was answered already.
   */
  family?: {
    answerFamilyText(
      coalitionId: string,
      sms: { from: string; messageSid: string; code: string; pin: string; language: Language },
    ): Promise<boolean>;
    /** Whether to answer a garbled status text (false when this message was answered already). */
    answerFamilyFormat(messageSid: string): Promise<boolean>;
  };
  /**
   * Subscribing to alerts by text (ALERTS + a neighborhood, its YES, MY ALERTS, ZONES): the
   * alerts module keeps the requests and answers each inbound text once.
   */
  alertTexts?: TextSubscriptions;
  /** RIGHTS: the coalition's wallet card in `language` (English where it has none in it), null when it has no card. */
  rightsCard?: (coalitionId: string, language: SmsReply['language']) => Promise<SmsCard | null>;
  /** Whether the number is a responder's (their HELP is a call for help, or else a report: never the keyword list). */
  isResponder?: (coalitionId: string, from: string) => Promise<boolean>;
  /**
   * Answers an inbound text once: runs `send` (queuing the reply) in the transaction that
   * marks the message answered, and only the first time it arrives; false for a redelivery.
   */
  answerOnce: (messageSid: string, send: (tx: Tx) => Promise<void>) => Promise<boolean>;
  /** One more answer of what the line offers to a number's quota key, in the answer's transaction: false past `max`. */
  takeInfoReply: (tx: Tx, key: string, max: number) => Promise<boolean>;
  /** Queues a reply inside the report's transaction. */
  enqueueReply: (reply: SmsReply, tx: Tx | null) => Promise<void>;
  /** Queues fetching an MMS's pictures inside the report's transaction. */
  enqueueMedia: (media: { coalitionId: string; reportId: string; urls: string[] }, tx: Tx) => Promise<void>;
}): SmsIntake {
  const sealTo = (to: string, ref: string) => deps.box.seal(to, `sms-reply:${ref}`);

  const senderDigestOf = (from: string) => deps.box.digest(from, 'sms-sender');
  /**
   * Answers what the line offers once per message, and only a few times an hour per number
   * (reply-limit.ts, counted in the database for every process): past that the message is
   * marked answered and nothing is sent.
   */
  const answerInfo = (sms: InboundSms, queue: (tx: Tx) => Promise<void>) =>
    deps.answerOnce(sms.MessageSid, async (tx) => {
      const key = senderDigestOf(sms.From).slice(0, INFO_QUOTA_KEY_HEX_DIGITS);
      if (await deps.takeInfoReply(tx, key, INFO_REPLIES_PER_HOUR)) await queue(tx);
    });

  /** ALERTS, ZONES, MY ALERTS or a choice's number, answered; null when the text is not that after all. */
  async function answerAlertText(
    alerts: TextSubscriptions,
    coalitionId: string,
    sms: InboundSms,
    asked: AlertText,
  ): Promise<TextOutcome | null> {
    const text = { from: sms.From, messageSid: sms.MessageSid };
    const send = (answer: TextAnswer | Omit<SmsReply, 'ref' | 'to'>, tx: Tx) =>
      deps.enqueueReply({ ref: sms.MessageSid, to: sealTo(sms.From, sms.MessageSid), ...answer }, tx);
    const answered = (outcome: TextOutcome) => (outcome === 'nothing' ? null : outcome);
    const once = async (queue: (tx: Tx) => Promise<void>): Promise<TextOutcome> =>
      (await answerInfo(sms, queue)) ? 'answered' : 'duplicate';
    switch (asked.kind) {
      case 'mine':
        return answered(await alerts.mine(coalitionId, { ...text, language: asked.language }, send));
      case 'choice':
        return answered(await alerts.choose(coalitionId, { ...text, choice: asked.choice }, send));
      case 'zones': {
        const names = (await deps.zones.list(coalitionId)).map((zone) => zone.name);
        const pages = zonePages(asked.language, names);
        const page = Math.min(Math.max(asked.page, 1), Math.max(pages.length, 1));
        return once((tx) =>
          send(
            {
              kind: 'alertsZones',
              language: asked.language,
              zones: pages[page - 1] ?? [],
              page,
              pages: Math.max(pages.length, 1),
            },
            tx,
          ),
        );
      }
      case 'subscribe': {
        const zones = await deps.zones.list(coalitionId);
        const language = asked.language;
        if (!asked.zone)
          return once((tx) => send({ kind: 'alertsHowTo', language, zone: zones[0]?.name ?? '' }, tx));
        const like = findZonesLike(asked.zone, zones);
        if (like.length === 0) {
          // Three words and more that name no zone were most likely not a neighborhood: a report, kept as one.
          if (asked.zone.split(' ').length >= 3) return null;
          return once((tx) => send({ kind: 'alertsNoZone', language }, tx));
        }
        return answered(
          await alerts.ask(coalitionId, { ...text, language, zoneIds: like.map((zone) => zone.id) }, send),
        );
      }
    }
  }

  return {
    async receive(coalitionId, sms) {
      const body = sms.Body.trim().slice(0, BODY_LIMIT);
      const language = detectLanguage(body);
      const reply = (kind: SmsReply['kind'], extra: Partial<SmsReply> = {}, tx: Tx | null = null) =>
        deps.enqueueReply(
          { ref: sms.MessageSid, to: sealTo(sms.From, sms.MessageSid), language, kind, ...extra },
          tx,
        );
      if (!body && sms.media.length === 0) {
        // Nothing to report: say what the line is for.
        await reply('empty');
        return { receipt: null, duplicate: false };
      }
      // A plan's keyword comes first: the text holds a PIN, and is never kept as a report.
      const planText = deps.plans ? parsePlanText(body) : null;
      if (planText && 'malformed' in planText) {
        // Perhaps a code and a PIN, typed another way: never a report; the format in reply, once.
        const first = !deps.plans || (await deps.plans.answerFormat(sms.MessageSid));
        if (first) await reply('planFormat', { language: planText.language ?? language });
        return { receipt: null, duplicate: !first };
      }
      if (planText && deps.plans) {
        const answer = await deps.plans.activate(coalitionId, {
          from: sms.From,
          messageSid: sms.MessageSid,
          code: planText.code,
          pin: planText.pin,
        });
        if (answer) await reply(answer.kind, { language: planText.language ?? language, ...answer });
        return { receipt: null, duplicate: answer === null };
      }
      // So does a family's: never a report, answered once per message.
      const familyText = deps.family ? parseCodeText(body, FAMILY_KEYWORDS) : null;
      if (familyText && 'malformed' in familyText) {
        const first = !deps.family || (await deps.family.answerFamilyFormat(sms.MessageSid));
        if (first) await reply('familyFormat', { language: familyText.language ?? language });
        return { receipt: null, duplicate: !first };
      }
      if (familyText && deps.family) {
        const answered = await deps.family.answerFamilyText(coalitionId, {
          from: sms.From,
          messageSid: sms.MessageSid,
          code: familyText.code,
          pin: familyText.pin,
          language: familyText.language ?? language,
        });
        return { receipt: null, duplicate: !answered };
      }
      const answered = await deps.answerResponder?.(coalitionId, sms.From, body);
      if (answered) {
        await reply(answered.kind, answered);
        return { receipt: null, duplicate: false };
      }
      const info = parseInfoText(body);
      // A responder's HELP that was no check-in goes on as a report, as before: a call for help is never lost.
      const asked = info?.kind === 'help' && (await deps.isResponder?.(coalitionId, sms.From)) ? null : info;
      if (asked) {
        const card = asked.kind === 'rights' ? await deps.rightsCard?.(coalitionId, asked.language) : null;
        const first = await answerInfo(sms, (tx) =>
          reply(asked.kind, { language: card?.language ?? asked.language, ...(card ? { card } : {}) }, tx),
        );
        return { receipt: null, duplicate: !first };
      }
      const alertText = deps.alertTexts ? parseAlertText(body) : null;
      if (alertText && deps.alertTexts) {
        const outcome = await answerAlertText(deps.alertTexts, coalitionId, sms, alertText);
        if (outcome) return { receipt: null, duplicate: outcome === 'duplicate' };
      }
      const keyword = keywordOf(body);
      if (keyword === 'stop') {
        // The provider confirms STOP to the sender itself; Faro forgets the number and sends nothing more.
        await reportFollowUps.optOut(deps.db, senderDigestOf(sms.From));
        await deps.onStop?.(coalitionId, sms.From);
        return { receipt: null, duplicate: false };
      }
      if (keyword === 'yes') {
        const latest = await reportFollowUps.latestFromSender(
          deps.db,
          coalitionId,
          senderDigestOf(sms.From),
          new Date(Date.now() - FOLLOW_UP_WINDOW_MS),
        );
        if (deps.alertTexts) {
          // A YES answers the sender's most recent request: a text subscription, or else their report.
          const outcome = await deps.alertTexts.confirm(
            coalitionId,
            {
              from: sms.From,
              messageSid: sms.MessageSid,
              otherSince: latest?.receivedAt ?? null,
            },
            (answer, tx) =>
              deps.enqueueReply({ ref: sms.MessageSid, to: sealTo(sms.From, sms.MessageSid), ...answer }, tx),
          );
          if (outcome !== 'nothing') return { receipt: null, duplicate: outcome === 'duplicate' };
        }
        if (!latest) {
          await reply('nothingToFollow');
          return { receipt: null, duplicate: false };
        }
        await reportFollowUps.optIn(deps.db, latest.id, sealCallback(deps.box, latest.id, sms.From));
        await reply('optedIn', {
          receipt: latest.receipt,
          language: latest.language,
        });
        return { receipt: latest.receipt, duplicate: false };
      }
      const zone = findZoneNamed(body, await deps.zones.list(coalitionId));
      const created = await deps.reports.create(
        coalitionId,
        {
          language,
          activity: guessActivity(body),
          size: {},
          uniforms: [],
          equipment: [],
          firsthand: soundsFirsthand(body),
          observedAt: new Date().toISOString(),
          // A text may say nothing usable about where; it is kept, and the reply asks.
          location: zone ? { zoneId: zone.id } : {},
          ...(body ? { description: body } : {}),
          photoIds: [],
        },
        'sms',
        {
          sourceRef: sms.MessageSid,
          senderDigest: senderDigestOf(sms.From),
          afterStore: async (tx, report) => {
            await reply('receipt', { receipt: report.receipt, askLocation: !zone }, tx);
            if (sms.media.length > 0)
              await deps.enqueueMedia({ coalitionId, reportId: report.id, urls: sms.media }, tx);
          },
        },
      );
      return { receipt: created.receipt, duplicate: created.duplicate };
    },
  };
}
