import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PUBLIC_LANGUAGES, type PublicLanguage } from '../../../shared/languages.js';
import { PAGE_QUERIES } from '../../../shared/pages.js';
import {
  megaphoneSchema,
  PAPERS,
  type Paper,
  publicLanguageSchema,
  publicRightsSchema,
  RIGHTS_CLIP_MAX_BYTES,
  RIGHTS_TONE_PATH,
  type RightsCards,
  rightsCardsSchema,
  rightsClipsSchema,
  rightsEditSchema,
  rightsOverviewSchema,
  rightsReviewSchema,
  rightsTextDetailSchema,
} from '../../../shared/rights.js';
import {
  reviewableLanguageSchema,
  translationMarkSchema,
  translationOverviewSchema,
  translationPartSchema,
} from '../../../shared/translations.js';
import { sessionOf } from '../../http/auth.js';
import { AppError, errorBody, errorSchema } from '../../http/errors.js';
import type { WebPages } from '../../http/pages.js';
import { AUDIO_TYPE_ALIASES } from '../../media/audio.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { RightsService } from './rights.service.js';
import { sirenWav } from './tone.js';
import type { TranslationReviews } from './translations.service.js';

/**
 * The rights library's routes: the public page `/rights` (rendered on the server in any of the ten
 * languages, readable without scripts) and its data; the staff's editing and review.
 */
export function registerRightsRoutes(
  app: FastifyInstance,
  deps: {
    rights: RightsService;
    translations: TranslationReviews;
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
    const language = deps.pages.publicLanguageOf(request);
    const rights = await deps.rights.published(coalition.id, language);
    return deps.pages.send(request, reply, {
      language,
      queries: [{ key: PAGE_QUERIES.rights(language), data: rights }],
    });
  });

  routes.get(
    '/api/rights/megaphone',
    {
      config: { access: 'public', rateLimit: { max: deps.readsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['rights'],
        summary:
          'What megaphone mode says: the card’s “what to say” in every public language that has it, with its reviewed recording',
        response: { 200: megaphoneSchema },
      },
    },
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      reply.header('cache-control', 'public, max-age=60');
      return deps.rights.megaphone(coalition.id);
    },
  );

  // Megaphone mode: the page a person holds to a megaphone. Without scripts it shows what to read out loud.
  routes.get('/rights/megaphone', deps.pages.route, async (request, reply) => {
    const coalition = await coalitionOf(request);
    const language = deps.pages.publicLanguageOf(request);
    const megaphone = await deps.rights.megaphone(coalition.id);
    return deps.pages.send(request, reply, {
      language,
      queries: [{ key: PAGE_QUERIES.megaphone(), data: megaphone }],
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
    const language = deps.pages.publicLanguageOf(request);
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

  const tone = sirenWav();
  routes.get(
    RIGHTS_TONE_PATH,
    {
      config: { access: 'public', rateLimit: { max: deps.readsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['rights'],
        summary: 'Megaphone mode’s attention tone: a siren-like WAV, the same for everyone',
      },
    },
    async (_request, reply) =>
      reply
        .header('content-type', 'audio/wav')
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'public, max-age=604800')
        .send(tone),
  );

  routes.get(
    '/rights/clips/:id/:language',
    {
      config: { access: 'public', rateLimit: { max: deps.readsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['rights'],
        summary:
          'The reviewed recording of a rights text read aloud (only a reviewed clip is ever served here)',
        params: textParams,
        querystring: z.object({ v: z.coerce.number().int().min(1).optional() }),
      },
    },
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      const clip = await deps.rights.clip(coalition.id, request.params.id, request.params.language, {
        reviewedOnly: true,
      });
      if (!clip) throw new AppError('NOT_FOUND', 'No reviewed recording of this text.');
      const bytes = Buffer.from(clip.bytes.buffer, clip.bytes.byteOffset, clip.bytes.byteLength);
      const etag = `"clip-${request.params.id}-${request.params.language}-${clip.version}"`;
      reply
        .header('content-type', clip.contentType)
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', 'inline')
        .header('accept-ranges', 'bytes')
        .header('etag', etag)
        // The address names its version (`?v=`): the one asked for is kept a day; without it, a minute.
        .header(
          'cache-control',
          request.query.v === clip.version ? 'public, max-age=86400' : 'public, max-age=60',
        );
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      // Phones' media players ask for ranges (Safari will not play a clip served without them).
      const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
      if (range && (range[1] || range[2])) {
        const size = bytes.byteLength;
        let start = range[1] ? Number(range[1]) : size - Number(range[2]);
        let end = range[1] && range[2] ? Number(range[2]) : size - 1;
        start = Math.max(0, start);
        end = Math.min(end, size - 1);
        if (start > end || start >= size) {
          return reply
            .status(416)
            .header('content-type', 'application/json; charset=utf-8')
            .header('content-range', `bytes */${size}`)
            .send(errorBody('RANGE_NOT_SATISFIABLE', 'This range is not in the clip.'));
        }
        return reply
          .status(206)
          .header('content-range', `bytes ${start}-${end}/${size}`)
          .send(bytes.subarray(start, end + 1));
      }
      return reply.send(bytes);
    },
  );

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

  routes.get(
    '/api/admin/rights/:id/:language/clips',
    {
      config: { access: 'rights:review' },
      schema: {
        tags: ['admin'],
        summary: 'Every audio clip of a text (who uploaded it, when, reviewed or not), newest first',
        params: textParams,
        response: { 200: rightsClipsSchema, 404: errorSchema },
      },
    },
    async (request) =>
      deps.rights.clips(sessionOf(request).coalitionId, request.params.id, request.params.language),
  );

  routes.get(
    '/api/admin/rights/:id/:language/clips/:version',
    {
      config: { access: 'rights:review' },
      schema: {
        tags: ['admin'],
        summary: 'One clip’s audio, reviewed or not (to listen before reviewing it)',
        params: textParams.extend({ version: z.coerce.number().int().min(1) }),
      },
    },
    async (request, reply) => {
      const clip = await deps.rights.clip(
        sessionOf(request).coalitionId,
        request.params.id,
        request.params.language,
        { version: request.params.version, reviewedOnly: false },
      );
      if (!clip) throw new AppError('NOT_FOUND', 'No such clip of this text.');
      return reply
        .header('content-type', clip.contentType)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(clip.bytes.buffer, clip.bytes.byteOffset, clip.bytes.byteLength));
    },
  );

  // A clip comes as its bytes, labelled with its audio type: only this route parses them.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      Object.keys(AUDIO_TYPE_ALIASES),
      { parseAs: 'buffer', bodyLimit: RIGHTS_CLIP_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/admin/rights/:id/:language/clip',
      {
        bodyLimit: RIGHTS_CLIP_MAX_BYTES,
        config: { access: 'rights:manage' },
        schema: {
          tags: ['admin'],
          summary:
            'Upload a recording of a text read aloud (MP3, Ogg, WebM, MP4 or WAV, checked by its bytes; ≤ 2 MB): a new version, a draft until reviewed',
          params: textParams,
          response: {
            200: rightsClipsSchema,
            400: errorSchema,
            404: errorSchema,
            413: errorSchema,
            415: errorSchema,
          },
        },
      },
      async (request) => {
        if (!Buffer.isBuffer(request.body))
          throw new AppError(
            'UNSUPPORTED_MEDIA_TYPE',
            'A clip is sent as its audio bytes, labelled audio/….',
          );
        const session = sessionOf(request);
        return deps.rights.uploadClip(
          session.coalitionId,
          session.userId,
          request.params.id,
          request.params.language,
          { contentType: request.headers['content-type'] ?? '', bytes: request.body },
        );
      },
    );
  });

  routes.post(
    '/api/admin/rights/:id/:language/clips/:version/review',
    {
      config: { access: 'rights:review' },
      schema: {
        tags: ['admin'],
        summary:
          'Mark one clip reviewed for one of the reviewer’s member organizations (then played publicly)',
        params: textParams.extend({ version: z.coerce.number().int().min(1) }),
        body: z.object({ organizationId: z.uuid().optional() }),
        response: { 200: rightsClipsSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return deps.rights.reviewClip(
        session.coalitionId,
        session.userId,
        request.params.id,
        request.params.language,
        { version: request.params.version, organizationId: request.body.organizationId },
      );
    },
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

  routes.get(
    '/api/admin/translations',
    {
      config: { access: 'rights:review' },
      schema: {
        tags: ['admin'],
        summary:
          'Where each translation of Faro’s own words stands (public pages, alert templates), per language, and the organizations the caller reviews for',
        response: { 200: translationOverviewSchema },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return deps.translations.overview(session.coalitionId, session.userId);
    },
  );

  routes.post(
    '/api/admin/translations/:part/:language',
    {
      config: { access: 'rights:review' },
      schema: {
        tags: ['admin'],
        summary:
          'Mark a translation reviewed for one of the reviewer’s member organizations (alerts then carry it), or back to draft',
        params: z.object({ part: translationPartSchema, language: reviewableLanguageSchema }),
        body: translationMarkSchema,
        response: { 200: translationOverviewSchema, 400: errorSchema },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return deps.translations.mark(
        session.coalitionId,
        session.userId,
        request.params.part,
        request.params.language,
        request.body,
      );
    },
  );
}
