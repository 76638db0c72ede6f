import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PUBLIC_LANGUAGES, type PublicLanguage } from '../../../shared/languages.js';
import { PAGE_QUERIES } from '../../../shared/pages.js';
import {
  PAPERS,
  type Paper,
  publicLanguageSchema,
  publicRightsSchema,
  type RightsCards,
  rightsCardsSchema,
  rightsEditSchema,
  rightsOverviewSchema,
  rightsReviewSchema,
  rightsTextDetailSchema,
} from '../../../shared/rights.js';
import { sessionOf } from '../../http/auth.js';
import { errorSchema } from '../../http/errors.js';
import type { WebPages } from '../../http/pages.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { RightsService } from './rights.service.js';

/**
 * The rights library's routes: the public page `/rights` (rendered on the server in any of the ten
 * languages, readable without scripts) and its data; the staff's editing and review.
 */
export function registerRightsRoutes(
  app: FastifyInstance,
  deps: {
    rights: RightsService;
    pages: WebPages;
    readsPerMinute: number;
    /** Making a PDF costs the server far more than a page: held to the stricter limit. */
    pdfsPerMinute: number;
    renderPdf: (cards: RightsCards) => Promise<Buffer>;
  },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/rights',
    {
      config: { access: 'public', rateLimit: { max: deps.readsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['rights'],
        summary: 'The rights library in one language (English where an item has none in it yet)',
        querystring: z.object({ language: publicLanguageSchema.default('en') }),
        response: { 200: publicRightsSchema },
      },
    },
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      // Edited rarely, read by many during a raid: a minute's copy is fine.
      reply.header('cache-control', 'public, max-age=60');
      return deps.rights.published(coalition.id, request.query.language);
    },
  );

  routes.get('/rights', deps.pages.route, async (request, reply) => {
    const coalition = await coalitionOf(request);
    const language = deps.pages.languageAmong(request, PUBLIC_LANGUAGES);
    const rights = await deps.rights.published(coalition.id, language);
    return deps.pages.send(request, reply, {
      language,
      queries: [{ key: PAGE_QUERIES.rights(language), data: rights }],
    });
  });

  /** The languages and paper a sheet of cards is asked for (`?languages=es&languages=zh&paper=a4`); unknown ones ignored. */
  const sheetOf = (query: unknown, fallback: PublicLanguage) => {
    const asked = (query as { languages?: string | string[]; paper?: string } | undefined) ?? {};
    const languages = PUBLIC_LANGUAGES.filter((code) =>
      ([] as string[]).concat(asked.languages ?? []).includes(code),
    );
    const paper: Paper = (PAPERS as readonly string[]).includes(asked.paper ?? '')
      ? (asked.paper as Paper)
      : 'letter';
    return { languages: languages.length > 0 ? languages : [fallback], paper };
  };

  routes.get('/rights/cards', deps.pages.route, async (request, reply) => {
    const coalition = await coalitionOf(request);
    const language = deps.pages.languageAmong(request, PUBLIC_LANGUAGES);
    const sheet = sheetOf(request.query, language);
    const cards = rightsCardsSchema.parse(
      await deps.rights.cards(coalition.id, sheet.languages, sheet.paper),
    );
    return deps.pages.send(request, reply, {
      language,
      queries: [{ key: PAGE_QUERIES.rightsCards(sheet.languages, sheet.paper), data: cards }],
    });
  });

  routes.get(
    '/api/rights/cards',
    {
      config: { access: 'public', rateLimit: { max: deps.readsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['rights'],
        summary: 'The wallet card in each language asked for (`languages` repeated), for a sheet on `paper`',
        querystring: z.object({
          languages: z.union([publicLanguageSchema, z.array(publicLanguageSchema)]).optional(),
          paper: z.enum(PAPERS).default('letter'),
        }),
        response: { 200: rightsCardsSchema },
      },
    },
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      const sheet = sheetOf(request.query, 'en');
      reply.header('cache-control', 'public, max-age=60');
      return deps.rights.cards(coalition.id, sheet.languages, sheet.paper);
    },
  );

  /** PDFs made lately, by what they were made from: a sheet many people download is made once a minute. */
  const made = new Map<string, { at: number; pdf: Promise<Buffer> }>();
  routes.get(
    '/rights/cards.pdf',
    {
      config: { access: 'public', rateLimit: { max: deps.pdfsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['rights'],
        summary: 'The wallet cards as a PDF (fonts embedded): each card folds, front and back side by side',
        querystring: z.object({
          languages: z.union([publicLanguageSchema, z.array(publicLanguageSchema)]).optional(),
          paper: z.enum(PAPERS).default('letter'),
        }),
      },
    },
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      const sheet = sheetOf(request.query, 'en');
      const cards = await deps.rights.cards(coalition.id, sheet.languages, sheet.paper);
      const key = JSON.stringify(cards);
      let entry = made.get(key);
      if (!entry || Date.now() - entry.at > 60_000) {
        entry = { at: Date.now(), pdf: deps.renderPdf(cards) };
        entry.pdf.catch(() => made.delete(key));
        made.delete(key);
        made.set(key, entry);
        if (made.size > 20) made.delete(made.keys().next().value as string);
      }
      const pdf = await entry.pdf;
      return reply
        .header('content-type', 'application/pdf')
        .header(
          'content-disposition',
          `attachment; filename="rights-cards-${sheet.languages.join('-')}-${sheet.paper}.pdf"`,
        )
        .header('cache-control', 'public, max-age=60')
        .send(pdf);
    },
  );

  const textParams = z.object({ id: z.uuid(), language: publicLanguageSchema });

  routes.get(
    '/api/admin/rights',
    {
      config: { access: 'rights:review' },
      schema: {
        tags: ['admin'],
        summary: 'Every item of the rights library and where each translation stands',
        response: { 200: rightsOverviewSchema },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return deps.rights.overview(session.coalitionId, session.userId);
    },
  );

  routes.get(
    '/api/admin/rights/:id/:language',
    {
      config: { access: 'rights:review' },
      schema: {
        tags: ['admin'],
        summary: 'One text of the rights library now, and every earlier version (who, when, what)',
        params: textParams,
        response: { 200: rightsTextDetailSchema, 404: errorSchema },
      },
    },
    async (request) =>
      deps.rights.detail(sessionOf(request).coalitionId, request.params.id, request.params.language),
  );

  routes.put(
    '/api/admin/rights/:id/:language',
    {
      config: { access: 'rights:manage' },
      schema: {
        tags: ['admin'],
        summary:
          'Save a new version of a text (a draft again until reviewed); refused by the publishing guard',
        params: textParams,
        body: rightsEditSchema,
        response: { 200: rightsTextDetailSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return deps.rights.edit(
        session.coalitionId,
        session.userId,
        request.params.id,
        request.params.language,
        request.body,
      );
    },
  );

  routes.post(
    '/api/admin/rights/:id/:language/review',
    {
      config: { access: 'rights:review' },
      schema: {
        tags: ['admin'],
        summary: 'Mark the version read as reviewed, for one of the reviewer’s member organizations',
        params: textParams,
        body: rightsReviewSchema.extend({ organizationId: z.uuid().optional() }),
        response: { 200: rightsTextDetailSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return deps.rights.review(
        session.coalitionId,
        session.userId,
        request.params.id,
        request.params.language,
        request.body,
      );
    },
  );
}
