import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { isLanguage, LANGUAGE_COOKIE, pickLanguage } from '../../shared/language.js';
import {
  directionOf,
  isPublicLanguage,
  PUBLIC_LANGUAGES,
  type PublicLanguage,
  SHIPPED_REVIEWED_LANGUAGES,
} from '../../shared/languages.js';
import {
  type FamilyPageAnswer,
  type PublicContacts,
  type ReportFormAnswer,
  SERVER_PAGE_ID,
  type ServerPage,
  type SubscribeFormAnswer,
  speaksEveryLanguage,
} from '../../shared/pages.js';
import { newSendKey, SEND_KEY_SLOT } from '../../shared/report.js';
import { LANGUAGES, type Language } from '../../shared/report-fields.js';
import { publicMessage } from '../locales/messages.js';
import { errorBody } from './errors.js';

/**
 * The web app's pages as the server sends them. The public ones are
 * rendered here with the browser's own components (dist/ssr/ssr.js, built by
 * `vite build --ssr`): a phone sees the page, and can send the report form,
 * before its scripts arrive — or if they never run. The others are the app's
 * shell, which the scripts fill in. Every page carries what the server knew
 * when it made it (ServerPage) so the browser's first render is the same.
 */

/** The pages rendered on the server; the rest (staff pages, one-time links) are filled in by the browser. */
export const SERVER_RENDERED = new Set([
  '/',
  '/report',
  '/alerts',
  '/status',
  '/subscribe',
  '/plan',
  '/family',
  '/rights',
  '/rights/cards',
  '/rights/megaphone',
]);

export interface PageExtras {
  /** Data the page's queries start with (the zones, the alerts). */
  queries?: ServerPage['queries'];
  /** The answer to a report form posted without scripts. */
  report?: ReportFormAnswer;
  /** The answer to a subscribe form posted without scripts. */
  subscribe?: SubscribeFormAnswer;
  /** The answer to the family status form posted without scripts. */
  family?: FamilyPageAnswer;
  status?: number;
  /**
   * The page's language when its route chose it already (to read its data in it); by default a
   * public page's is the one `publicLanguageOf` picks, a staff page's the one `languageOf` picks.
   */
  language?: PublicLanguage;
}

export interface WebPages {
  /** A page's route options: hidden from the API's description, limited per client address. */
  route: { schema: { hide: true }; config: { rateLimit: { max: number; timeWindow: number } } };
  /** Sends the page at the request's address. */
  send(request: FastifyRequest, reply: FastifyReply, extras?: PageExtras): Promise<FastifyReply>;
  /** The page's language: a `?lang=` link, the person's choice (cookie), the phone's. */
  languageOf(request: FastifyRequest): Language;
  /** The same choice among other languages than every page speaks. */
  languageAmong<L extends PublicLanguage>(request: FastifyRequest, among: readonly L[]): L | 'en';
  /** A public page's language: the same choice among every public language (issue 17). */
  publicLanguageOf(request: FastifyRequest): PublicLanguage;
}

interface Renderer {
  renderPage(url: string, page: ServerPage): { html: string; title: string };
}

/** JSON inside a <script> block: nothing in it may close the block or open a comment. */
const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** The form's send key as rendered, for each page sent to fill with a key of its own. */
const KEY_SLOT = `name="sendKey" value="${SEND_KEY_SLOT}"`;

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Whether a page's address carries a receipt code (the links of an earlier version: `/status?code=…`). */
const carriesCode = (url: string) => new URLSearchParams(url.split('?')[1] ?? '').has('code');

/** How long the coalition's public numbers are reused between pages (they change when an admin edits them). */
const CONTACTS_TTL_MS = 30_000;

/**
 * A page made from the same data in the last few seconds is sent again as it
 * was (its data says when it was made), not rendered again: many phones
 * opening /alerts at once during a raid cost one render, not one each.
 */
const PAGE_REUSE_MS = 5_000;
const PAGES_KEPT = 200;

export async function createWebPages(options: {
  distDir: string;
  timeZone: string;
  secureCookie: boolean;
  contacts: (request: FastifyRequest) => Promise<PublicContacts>;
  /** Page views per client address per minute. */
  viewsPerMinute: number;
  /**
   * The languages whose public-page words are reviewed for the request's coalition; the others show
   * "not yet reviewed". By default as shipped (English and Spanish).
   */
  uiReviewed?: (request: FastifyRequest) => Promise<readonly PublicLanguage[]>;
  log: FastifyBaseLogger;
}): Promise<WebPages> {
  const shellFile = path.join(options.distDir, 'index.html');
  const template = existsSync(shellFile) ? readFileSync(shellFile, 'utf8') : null;
  const ssrFile = path.join(options.distDir, '..', 'ssr', 'ssr.js');
  let renderer: Renderer | null = null;
  if (template && existsSync(ssrFile)) {
    renderer = (await import(pathToFileURL(ssrFile).href)) as Renderer;
  } else if (template) {
    options.log.warn({ ssrFile }, 'the server renderer of the public pages is not built: pages start empty');
  }

  let contacts: { at: number; value: Promise<PublicContacts> } | undefined;
  const contactsOf = (request: FastifyRequest) => {
    if (!contacts || Date.now() - contacts.at > CONTACTS_TTL_MS) {
      const value = options.contacts(request);
      contacts = { at: Date.now(), value };
      // A failure (no coalition yet) is not kept: the next page asks again.
      value.catch(() => {
        contacts = undefined;
      });
    }
    return contacts.value.catch(() => ({}));
  };

  const languageAmong = <L extends PublicLanguage>(request: FastifyRequest, among: readonly L[]) =>
    pickLanguage(
      {
        query: (request.query as { lang?: string } | undefined)?.lang,
        chosen: request.cookies?.[LANGUAGE_COOKIE],
        accepted: request.headers['accept-language'],
      },
      among,
    );
  const languageOf = (request: FastifyRequest): Language => languageAmong(request, LANGUAGES);
  const publicLanguageOf = (request: FastifyRequest): PublicLanguage =>
    languageAmong(request, PUBLIC_LANGUAGES);
  const uiReviewedOf = async (request: FastifyRequest): Promise<PublicLanguage[]> => {
    if (!options.uiReviewed) return [...SHIPPED_REVIEWED_LANGUAGES];
    // Without its review status a page still shows, saying its draft words are not yet reviewed.
    return [...(await options.uiReviewed(request).catch(() => SHIPPED_REVIEWED_LANGUAGES))];
  };

  /** Pages made lately, by what they were made from (the address, the language, the data). */
  const made = new Map<string, { at: number; html: string; keyed: boolean }>();

  return {
    languageOf,
    languageAmong,
    publicLanguageOf,
    route: {
      schema: { hide: true },
      config: { rateLimit: { max: options.viewsPerMinute, timeWindow: 60_000 } },
    },
    async send(request, reply, extras = {}) {
      if (!template) {
        return reply
          .status(503)
          .send(errorBody('UNAVAILABLE', 'The web app is not built yet; run `npm run build`.'));
      }
      const pathname = request.url.split('?')[0] ?? '/';
      // A public page (and the "not found" page) speaks the ten; a staff page English and Spanish.
      const everyLanguage = speaksEveryLanguage(pathname) || extras.status === 404;
      const language = extras.language ?? (everyLanguage ? publicLanguageOf(request) : languageOf(request));
      const query = (request.query as { lang?: string } | undefined)?.lang;
      // A language chosen by a link is the person's choice from now on, as one chosen with the switch
      // (the public pages' ten are kept too: a staff page reads the cookie among its own two).
      if (query === language && (isLanguage(language) || (everyLanguage && isPublicLanguage(language)))) {
        reply.setCookie(LANGUAGE_COOKIE, language, {
          path: '/',
          maxAge: 365 * 24 * 3600,
          sameSite: 'lax',
          secure: options.secureCookie,
          httpOnly: false,
        });
      }
      const contacts = await contactsOf(request);
      const uiReviewed = await uiReviewedOf(request);
      const queries = extras.queries ?? [];
      const status = extras.status ?? 200;
      // Every address nobody has makes the same "not found" page; a form's answer is never reused.
      const reuseKey =
        extras.report || extras.subscribe || extras.family || carriesCode(request.url)
          ? null
          : `${status === 404 ? '404' : request.url}\n${language}\n${JSON.stringify([contacts, queries, uiReviewed])}`;
      const now = Date.now();
      let html = reuseKey ? made.get(reuseKey) : undefined;
      if (!html || now - html.at > PAGE_REUSE_MS) {
        const page: ServerPage = {
          language,
          contacts,
          timeZone: options.timeZone,
          renderedAt: new Date(now).toISOString(),
          queries,
          uiReviewed,
          ...(extras.report ? { report: extras.report } : {}),
          ...(extras.subscribe ? { subscribe: extras.subscribe } : {}),
          ...(extras.family ? { family: extras.family } : {}),
        };
        let rendered: { html: string; title: string } | null = null;
        if (renderer && (SERVER_RENDERED.has(pathname) || status === 404)) {
          try {
            rendered = renderer.renderPage(request.url, page);
          } catch (error) {
            // The browser can still render it: a page is never lost to the server's renderer.
            request.log.error({ err: error, page: pathname }, 'server rendering failed; sending the shell');
          }
        }
        // Each part is put in by a function: a replacement string would read "$`", "$'" and "$&" in
        // what people typed (a report's words, a receipt code in a link) as "the rest of the page".
        const markup = template
          .replace(/<html lang="[^"]*"/, () => `<html lang="${language}" dir="${directionOf(language)}"`)
          .replace(
            /<title>[^<]*<\/title>/,
            () =>
              `<title>${escapeText(rendered?.title ?? 'Faro')}</title>${everyLanguage ? `<meta name="description" content="${escapeText(publicMessage(language, 'pages.description')).replace(/"/g, '&quot;')}" />` : ''}`,
          )
          .replace(
            '<div id="root"></div>',
            () =>
              `<div id="root">${rendered?.html ?? ''}</div>${rendered ? '' : `<noscript><p>${escapeText(publicMessage(language, 'pages.needsScripts'))}</p></noscript>`}<script type="application/json" id="${SERVER_PAGE_ID}">${scriptJson(page)}</script>`,
          );
        // Whether it holds a form's send key slot: looked for once, not at each sending.
        html = { at: now, html: markup, keyed: markup.includes(KEY_SLOT) };
        if (reuseKey) {
          made.delete(reuseKey);
          made.set(reuseKey, html);
          // The oldest go first: addresses made up to fill this cost a render each, and no memory.
          if (made.size > PAGES_KEPT) made.delete(made.keys().next().value as string);
        }
      }
      // The form's send key, new in each page sent (a reused page would give every visitor one key).
      const { keyed } = html;
      const sent = keyed
        ? html.html.replace(KEY_SLOT, () => `name="sendKey" value="${newSendKey()}"`)
        : html.html;
      return (
        reply
          .status(status)
          .header('content-type', 'text/html; charset=utf-8')
          // A form's answer, or an address carrying a receipt code (`/status?code=`, rendered into the
          // page), is nobody's to keep: not the browser's cache, not the service worker's copy for offline.
          // A page with a form's send key is this visitor's alone: no shared cache (a CDN) may hand
          // it to another, whose report would then be answered as this one (the phone's own cache
          // and the service worker's offline copy may keep it).
          .header(
            'cache-control',
            extras.report || extras.subscribe || extras.family || carriesCode(request.url)
              ? 'no-store'
              : keyed
                ? 'private, no-cache'
                : 'no-cache',
          )
          .header('vary', [reply.getHeader('vary'), 'accept-language, cookie'].filter(Boolean).join(', '))
          .send(sent)
      );
    },
  };
}
