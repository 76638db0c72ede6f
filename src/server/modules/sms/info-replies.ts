import type { PublicLanguage } from '../../../shared/languages.js';
import { smsMessage } from '../../locales/messages.js';
import { smsCost } from '../alerts/sms-segments.js';
import { MAX_REPLY_SEGMENTS } from './alert-replies.js';

/** The wallet card as a RIGHTS text carries it: the coalition's current card item, public. */
export interface SmsCard {
  /** The card's own language (English where the one asked for has no card yet). */
  language: PublicLanguage;
  title: string;
  /** "What to say", in order: the first matter most. */
  points: string[];
  /** False for a draft translation nobody has reviewed yet: the text says so. */
  reviewed: boolean;
}

const fits = (text: string) => smsCost(text).segments <= MAX_REPLY_SEGMENTS;

/**
 * Typographic punctuation an editor's keyboard puts in (’ “ ” – …) costs a whole text its
 * GSM-7 encoding — up to three times the segments — for no word: the plain marks say the same.
 */
export function plainPunctuation(text: string): string {
  return text
    .replace(/[‘’ʼ‚]/g, "'")
    .replace(/[“”„«»]/g, '"')
    .replace(/[‐‑‒–—]/g, '-')
    .replace(/…/g, '...')
    .replace(/[\u00a0\u202f\u2009]/g, ' ')
    .replace(/ +/g, ' ')
    .trim();
}

/**
 * RIGHTS: the card's "what to say" in its language, then "not legal advice" and the link to
 * /rights in that language — within three segments. A card too long for that loses its last
 * points first (whole sentences, never part of one), then the "not legal advice" line; the
 * title, a draft's note and the link always stay.
 */
export function rightsReplyText(card: SmsCard, publicUrl: string): string {
  const { language } = card;
  const title = plainPunctuation(card.title);
  const points = card.points.map(plainPunctuation).filter(Boolean);
  const draft = card.reviewed ? [] : [smsMessage(language, 'sms.rights.draft')];
  const link = smsMessage(language, 'sms.rights.more', { url: `${publicUrl}/rights?lang=${language}` });
  const advice = smsMessage(language, 'sms.rights.notAdvice');
  const compose = (n: number, withAdvice: boolean) =>
    [
      n > 0
        ? smsMessage(language, 'sms.rights.card', { title, points: points.slice(0, n).join(' ') })
        : `${title}.`,
      ...draft,
      ...(withAdvice ? [advice] : []),
      link,
    ].join(' ');
  for (const withAdvice of [true, false]) {
    for (let n = points.length; n >= 0; n--) {
      const text = compose(n, withAdvice);
      if (fits(text)) return text;
    }
  }
  return compose(0, false);
}

/** HELP: what the line does and its keywords, in the language of the word asked with. */
export function helpReplyText(language: PublicLanguage): string {
  return smsMessage(language, 'sms.help');
}
