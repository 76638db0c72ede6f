import type { PublicLanguage } from '../../../shared/languages.js';
import { smsMessage as message } from '../../locales/messages.js';
import { smsCost } from '../alerts/sms-segments.js';

/**
 * The replies of subscribing by text, worded from the locale files. Lists of
 * neighborhoods are the coalition's own names, of any length: a reply never
 * costs more than three segments, so the zone list is cut into pages and any
 * other list is shortened to fit.
 */

/** The most segments one reply may cost (a long text is split and billed per segment). */
export const MAX_REPLY_SEGMENTS = 3;

export type AlertReplyKind =
  | 'alertsAsk'
  | 'alertsChoose'
  | 'alertsConfirmed'
  | 'alertsMine'
  | 'alertsNone'
  | 'alertsHowTo'
  | 'alertsNoZone'
  | 'alertsZones'
  | 'alertsTooMany'
  | 'alertsNotServed';

export interface AlertReply {
  kind: AlertReplyKind;
  language: PublicLanguage;
  zones?: string[] | undefined;
  /** ZONES: which page of how many. */
  page?: number | undefined;
  pages?: number | undefined;
  /** The zone shown as an example ("ALERTS BOYLE HEIGHTS"). */
  zone?: string | undefined;
  max?: number | undefined;
}

const fits = (text: string) => smsCost(text).segments <= MAX_REPLY_SEGMENTS;
const key = (name: string) => `sms.alerts.${name}`;

function zonesPage(language: PublicLanguage, zones: string[], page: number, pages: number): string {
  const list = message(language, key('zones'), {
    page: String(page),
    pages: String(pages),
    zones: zones.join(', '),
  });
  return page < pages ? `${list} ${message(language, key('more'), { next: String(page + 1) })}` : list;
}

/** The reply with as many of `names` as fit in the segment budget (the first ones; at least one). */
function fitted(names: string[], make: (names: string[]) => string): string {
  for (let n = names.length; n > 1; n--) {
    const text = make(names.slice(0, n));
    if (fits(text)) return text;
  }
  return make(names.slice(0, 1));
}

/** The zone list cut into pages that each fit in the budget, in the given order. */
export function zonePages(language: PublicLanguage, names: readonly string[]): string[][] {
  const pages: string[][] = [];
  let current: string[] = [];
  for (const name of names) {
    // Two-digit page numbers while measuring: the real ones are never longer.
    if (current.length > 0 && !fits(zonesPage(language, [...current, name], 10, 99))) {
      pages.push(current);
      current = [];
    }
    current.push(name);
  }
  if (current.length > 0) pages.push(current);
  return pages;
}

/** The reply's text in its language. */
export function alertReplyText(reply: AlertReply): string {
  const { language } = reply;
  const zones = reply.zones ?? [];
  const joined = (names: string[]) => names.join(', ');
  switch (reply.kind) {
    case 'alertsAsk':
      return fitted(zones, (names) => message(language, key('ask'), { zones: joined(names) }));
    case 'alertsConfirmed':
      return fitted(zones, (names) => message(language, key('confirmed'), { zones: joined(names) }));
    case 'alertsMine':
      return fitted(zones, (names) => message(language, key('mine'), { zones: joined(names) }));
    case 'alertsChoose':
      return fitted(zones, (names) =>
        message(language, key('choose'), { choices: names.map((name, i) => `${i + 1} ${name}`).join(', ') }),
      );
    case 'alertsZones':
      return fitted(zones, (names) => zonesPage(language, names, reply.page ?? 1, reply.pages ?? 1));
    case 'alertsHowTo':
      return message(language, key('howTo'), { example: (reply.zone ?? '').toUpperCase() });
    case 'alertsTooMany':
      return message(language, key('tooMany'), { max: String(reply.max ?? 1) });
    case 'alertsNone':
      return message(language, key('none'));
    case 'alertsNoZone':
      return message(language, key('noZone'));
    case 'alertsNotServed':
      return message(language, key('notServed'));
  }
}
