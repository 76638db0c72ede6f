import { describe, expect, it } from 'vitest';
import { PUBLIC_LANGUAGES, type PublicLanguage } from '../../../shared/languages.js';
import type { RightsText } from '../../../shared/rights.js';
import { smsMessage } from '../../locales/messages.js';
import { smsCost } from '../alerts/sms-segments.js';
import { parseResponderText } from '../dispatch/responder-texts.js';
import { SHIPPED_TEXTS } from '../rights/shipped.js';
import { ALERT_KEYWORDS, parseAlertText } from './alert-keywords.js';
import { alertReplyText } from './alert-replies.js';
import { INFO_WORDS, parseInfoText } from './info-keywords.js';
import { helpReplyText, plainPunctuation, rightsReplyText, type SmsCard } from './info-replies.js';
import { ALERT_REPLY_KINDS } from './sms-reply.job.js';

const URL = 'https://faro.network.example';
/** Languages written within the GSM-7 alphabet (Spanish and Portuguese without á í ó ú ã ç): their replies stay GSM-7. */
const GSM_LANGUAGES: readonly PublicLanguage[] = ['en', 'es', 'tl', 'ht', 'pt', 'fr'];

const shippedCard = (language: PublicLanguage): SmsCard => {
  const text = SHIPPED_TEXTS.find((row) => row.slug === 'card' && row.language === language)
    ?.content as RightsText;
  return {
    language,
    title: text.title,
    points: text.points,
    reviewed: language === 'en' || language === 'es',
  };
};

describe('RIGHTS by text', () => {
  it.each(PUBLIC_LANGUAGES)(
    '%s: the shipped card fits in three segments, whole sentences, link kept',
    (language) => {
      const card = shippedCard(language);
      const reply = rightsReplyText(card, URL);
      const cost = smsCost(reply);
      expect(cost.segments).toBeLessThanOrEqual(3);
      expect(reply).toContain(`${URL}/rights?lang=${language}`);
      expect(reply.startsWith(plainPunctuation(card.title))).toBe(true);
      // The points it carries are the first ones, each whole; at least the first always fits the shipped cards.
      const carried = card.points.map(plainPunctuation).filter((point) => reply.includes(point));
      expect(carried.length).toBeGreaterThan(0);
      expect(carried).toEqual(card.points.map(plainPunctuation).slice(0, carried.length));
      // GSM-7 whenever the card's own words allow it (the shipped Spanish card has an á, the Portuguese ã).
      const cardCost = smsCost([card.title, ...carried].map(plainPunctuation).join(' '));
      if (GSM_LANGUAGES.includes(language) && cardCost.encoding === 'GSM-7')
        expect(cost.encoding).toBe('GSM-7');
      if (['en', 'tl', 'ht', 'fr'].includes(language)) expect(cost.encoding).toBe('GSM-7');
      expect(reply.includes(smsMessage(language, 'sms.rights.draft'))).toBe(!card.reviewed);
    },
  );

  it('drops the last points first, then the disclaimer, never part of a sentence', () => {
    const points = ['One short thing to say.', `${'A much longer sentence to say '.repeat(6)}end.`, 'Last.'];
    const card: SmsCard = { language: 'en', title: 'Know your rights', points, reviewed: true };
    const all = rightsReplyText(card, URL);
    expect(all).toContain(points[2]);
    const long = rightsReplyText({ ...card, points: [...points, 'x '.repeat(200).trim()] }, URL);
    expect(smsCost(long).segments).toBeLessThanOrEqual(3);
    expect(long).toContain('Last.');
    expect(long).not.toContain('x x');
    expect(long).toContain('Not legal advice.');
    const huge = rightsReplyText({ ...card, points: ['y '.repeat(300).trim()] }, URL);
    expect(huge).toBe(`Know your rights. Not legal advice. More: ${URL}/rights?lang=en`);
  });

  it('says so when the translation is a draft', () => {
    const reply = rightsReplyText({ ...shippedCard('ko') }, URL);
    expect(reply).toContain('(검토 전 번역 초안)');
  });

  it('keeps GSM-7 where only typographic punctuation stood in the way', () => {
    const card: SmsCard = {
      language: 'fr',
      title: 'Vos droits',
      points: ['J’exerce mon droit – «silence»…'],
      reviewed: true,
    };
    const reply = rightsReplyText(card, URL);
    expect(reply).toContain(`J'exerce mon droit - "silence"...`);
    expect(smsCost(reply).encoding).toBe('GSM-7');
  });
});

describe('HELP and the alert replies in every language', () => {
  it.each(PUBLIC_LANGUAGES)('%s: each reply fits in three segments', (language) => {
    const help = helpReplyText(language);
    expect(smsCost(help).segments).toBeLessThanOrEqual(3);
    if (GSM_LANGUAGES.includes(language)) expect(smsCost(help).encoding).toBe('GSM-7');
    expect(help).toContain('STOP');
    for (const kind of ALERT_REPLY_KINDS) {
      const text = alertReplyText({
        kind,
        language,
        zones: ['Boyle Heights', 'Pico-Union'],
        zone: 'Boyle Heights',
        max: 5,
      });
      expect(smsCost(text).segments, `${language} ${kind}`).toBeLessThanOrEqual(3);
      // Its own words, not English's (the fallback is only for replies not translated yet).
      if (language !== 'en')
        expect(text).not.toBe(
          alertReplyText({
            kind,
            language: 'en',
            zones: ['Boyle Heights', 'Pico-Union'],
            zone: 'Boyle Heights',
            max: 5,
          }),
        );
    }
  });
});

describe('keywords per language', () => {
  it('reads each language’s words, with or without accents', () => {
    expect(parseInfoText('RIGHTS')).toEqual({ kind: 'rights', language: 'en' });
    expect(parseInfoText('derechos')).toEqual({ kind: 'rights', language: 'es' });
    expect(parseInfoText('权利')).toEqual({ kind: 'rights', language: 'zh' });
    expect(parseInfoText('QUYỀN')).toEqual({ kind: 'rights', language: 'vi' });
    expect(parseInfoText('quyen')).toEqual({ kind: 'rights', language: 'vi' });
    expect(parseInfoText('권리')).toEqual({ kind: 'rights', language: 'ko' });
    expect(parseInfoText('Karapatan')).toEqual({ kind: 'rights', language: 'tl' });
    expect(parseInfoText('حقوق')).toEqual({ kind: 'rights', language: 'ar' });
    expect(parseInfoText('DWA')).toEqual({ kind: 'rights', language: 'ht' });
    expect(parseInfoText('Direitos')).toEqual({ kind: 'rights', language: 'pt' });
    expect(parseInfoText('droits?')).toEqual({ kind: 'rights', language: 'fr' });
    expect(parseInfoText('GIUP DO')).toEqual({ kind: 'help', language: 'vi' });
    expect(parseInfoText('Èd')).toEqual({ kind: 'help', language: 'ht' });
    expect(parseInfoText('help they are taking my neighbor at 5th and Main')).toBeNull();
    expect(parseInfoText('derechos humanos en la calle 5')).toBeNull();
  });

  it('reads the alert keywords of the other eight languages, typed with or without a space', () => {
    expect(parseAlertText('AVISOS BOYLE HEIGHTS')).toEqual({
      kind: 'subscribe',
      language: 'pt',
      zone: 'boyle heights',
    });
    expect(parseAlertText('警报Boyle Heights')).toEqual({
      kind: 'subscribe',
      language: 'zh',
      zone: 'boyle heights',
    });
    expect(parseAlertText('지역 2')).toEqual({ kind: 'zones', language: 'ko', page: 2 });
    expect(parseAlertText('تنبيهاتي')).toEqual({ kind: 'mine', language: 'ar' });
    expect(parseAlertText('canh bao Pico-Union')).toEqual({
      kind: 'subscribe',
      language: 'vi',
      zone: 'pico union',
    });
    expect(parseAlertText('ALET MWEN')).toEqual({ kind: 'mine', language: 'ht' });
    expect(parseAlertText('Quartiers')).toEqual({ kind: 'zones', language: 'fr', page: 1 });
    expect(parseAlertText('mga alerto boyle heights')).toEqual({
      kind: 'subscribe',
      language: 'tl',
      zone: 'boyle heights',
    });
  });

  it('gives no word to two languages or two meanings', () => {
    const seen = new Map<string, string>();
    const claim = (word: string, owner: string) => {
      expect(seen.get(word) ?? owner, `"${word}"`).toBe(owner);
      seen.set(word, owner);
    };
    for (const [word, info] of INFO_WORDS) claim(word, `${info.kind}:${info.language}`);
    for (const [language, words] of ALERT_KEYWORDS) {
      for (const word of words.subscribe) claim(word, `subscribe:${language}`);
      for (const word of words.zones) claim(word, `zones:${language}`);
      for (const word of words.mine) claim(word, `mine:${language}`);
    }
    // A responder's one-word answers keep their meaning, except HELP / AYUDA, which their sender decides.
    for (const word of seen.keys())
      if (!['help', 'ayuda'].includes(word)) expect(parseResponderText(word), word).toBeNull();
  });
});
