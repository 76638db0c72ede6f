import type { FamilyStatus } from './family-status.js';
import type { PublicLanguage } from './languages.js';

/**
 * The public pages: they speak every public language (`PUBLIC_LANGUAGES`, issue 17), chosen the
 * same way by the server and the browser. The staff pages speak English and Spanish.
 */
export const PUBLIC_PAGES = [
  '/',
  '/report',
  '/status',
  '/subscribe',
  '/subscribe/confirm',
  '/subscription',
  '/alerts',
  '/unsubscribe',
  '/plan',
  '/family',
  '/rights',
  '/rights/cards',
  '/rights/megaphone',
] as const;

/** The staff pages (and their sign-in): English and Spanish only. */
export const STAFF_PAGES = [
  '/alerting',
  '/responder',
  '/dispatch',
  '/hotline',
  '/field',
  '/signin',
  '/invite',
  '/account',
  '/admin',
  '/evidence',
] as const;

/** The paths of the web app; the server answers each with the app shell. */
export const WEB_PAGES = [...PUBLIC_PAGES, ...STAFF_PAGES] as const;

/** Staff areas whose pages the browser alone knows (no server route of their own). */
const STAFF_ONLY_IN_BROWSER = ['/cases'];

/**
 * Whether the page at `path` speaks every public language: a public page, or an address nobody has
 * (the "not found" page a person on a mistyped link reads); a staff page does not.
 */
export function speaksEveryLanguage(path: string): boolean {
  // Routers match the path decoded ("/%64ispatch" is /dispatch): so is it read here.
  const decoded = decodedPath(path);
  const page = decoded.length > 1 ? decoded.replace(/\/+$/, '') : decoded;
  if ((PUBLIC_PAGES as readonly string[]).includes(page)) return true;
  return ![...STAFF_PAGES, ...STAFF_ONLY_IN_BROWSER].some(
    (staff) => page === staff || page.startsWith(`${staff}/`),
  );
}

/** A path percent-decoded as a router reads it; one that does not decode stays as sent. */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The coalition's own numbers for people who would rather call or text, shown on the public pages. */
export interface PublicContacts {
  hotline?: string | undefined;
  sms?: string | undefined;
}

/** The public report form's fields as an HTML form posts them (names are the inputs' names). */
export interface ReportFormValues {
  activity: string;
  agents: string;
  vehicles: string;
  uniforms: string[];
  markings: string;
  equipment: string[];
  zone: string;
  place: string;
  when: string;
  observedAt: string;
  firsthand: string;
  description: string;
}

/** A report form posted without JavaScript, answered by the server: the form back with what to fix, or the receipt. */
export type ReportFormAnswer =
  | {
      values: ReportFormValues;
      /** The fields to fix, by their path in the report (`location.zoneId`, `size.agents`). */
      problems: string[];
      /** Why it was not taken when no field is to blame. */
      failure?: 'formLimited' | 'refused';
    }
  | { receipt: string };

/** The subscribe form's fields as an HTML form posts them (names are the inputs' names). */
export interface SubscribeFormValues {
  channel: string;
  address: string;
  phone: string;
  zones: string[];
}

/** The subscribe form's fields a person may be asked to fix (each links to its input). */
export const SUBSCRIBE_FORM_FIELDS = ['channel', 'address', 'phone', 'zones'] as const;
export type SubscribeFormField = (typeof SUBSCRIBE_FORM_FIELDS)[number];

/** Why a subscribe form posted without scripts was not taken when no field is to blame. */
export const SUBSCRIBE_FORM_FAILURES = [
  'formLimited',
  'rateLimited',
  'refused',
  'unavailable',
  'failed',
] as const;
export type SubscribeFormFailure = (typeof SUBSCRIBE_FORM_FAILURES)[number];

/**
 * A subscribe form posted without JavaScript, answered by the server: the
 * form back with what to fix, or the channel a confirmation was sent on
 * (the same "check your e-mail" the scripted form shows; nothing is on
 * until the person opens it).
 */
export type SubscribeFormAnswer =
  | {
      values: SubscribeFormValues;
      problems: SubscribeFormField[];
      /** A field's problem that has a sentence of its own (a number texts cannot go to, too many zones). */
      reasons?: Partial<Record<SubscribeFormField, 'smsNotServed' | 'tooManyZones' | 'needsScripts'>>;
      failure?: SubscribeFormFailure;
    }
  | { sent: 'email' | 'sms' };

/** The answer to the family status form posted without scripts: the status, or why not (never the code or PIN). */
export interface FamilyPageAnswer {
  status?: FamilyStatus;
  refusal?: 'noMatch' | 'blocked';
}

/**
 * What the server hands a page it renders, in the page itself (a JSON block
 * the browser reads before it takes the page over, so both render the same).
 */
export interface ServerPage {
  language: string;
  contacts: PublicContacts;
  /** The coalition's time zone: times are shown in it on the server and the phone alike. */
  timeZone: string;
  /** When the server made the page: what its data is "as of" (a page kept for offline is shown later). */
  renderedAt: string;
  report?: ReportFormAnswer;
  subscribe?: SubscribeFormAnswer;
  family?: FamilyPageAnswer;
  /** Data the page's queries already have, by query key. */
  queries: { key: readonly unknown[]; data: unknown }[];
  /**
   * The languages whose words on the public pages a member organization has reviewed (for this
   * coalition); a public page in another one says "not yet reviewed". Missing: as shipped (`SHIPPED_REVIEWED_LANGUAGES`).
   */
  uiReviewed?: PublicLanguage[];
}

/**
 * The queries a page rendered by the server starts with, by key: the server
 * fills them, the browser's hooks read them (one definition for both).
 */
export const PAGE_QUERIES = {
  zones: ['zones'],
  publicAlerts: (zoneId: string) => ['public-alerts', zoneId],
  subscriptionChannels: ['subscription-channels'],
  rights: (language: string) => ['rights', language],
  rightsCards: (languages: readonly string[], paper: string) => ['rights-cards', languages.join(','), paper],
  megaphone: () => ['rights', 'megaphone'],
} as const;

/** The id of the JSON block carrying the ServerPage. */
export const SERVER_PAGE_ID = 'faro-page';
