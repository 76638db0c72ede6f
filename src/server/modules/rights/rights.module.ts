import type { RightsCard } from '../../../shared/rights.js';
import type { Platform } from '../../platform.js';
import type { Publishing } from '../alerts/publishing.js';
import type { FaroModule } from '../module.js';
import { type CardContent, CardTextTooLongError, renderCardsPdf } from './card-pdf.js';
import { registerRightsRoutes } from './rights.routes.js';
import { createRightsService } from './rights.service.js';
import type { TranslationReviews } from './translations.service.js';

/** A card as the PDF engine draws it: the footer's lines as one paragraph. */
export const cardContent = (card: RightsCard): CardContent => ({
  language: card.language,
  direction: card.direction,
  front: card.front,
  back: card.back,
  footer: card.footer.join(' · '),
});

/**
 * Know your rights (issue 17): the rights library the coalition edits and reviews, in the public
 * languages, the public page that shows it, and its wallet cards (on screen, printed, as a PDF).
 */
export function createRightsModule(
  platform: Platform,
  deps: { publishing: Pick<Publishing, 'context' | 'contacts'>; translations: TranslationReviews },
) {
  const rights = createRightsService({
    db: platform.database.db,
    guard: async (coalitionId) => (await deps.publishing.context(coalitionId)).guard,
    contacts: (coalitionId) => deps.publishing.contacts(coalitionId),
    cardFits: async (card) => {
      try {
        await renderCardsPdf({ paper: 'letter', cards: [cardContent(card)], title: card.front.heading });
        return true;
      } catch (error) {
        if (error instanceof CardTextTooLongError) return error.face;
        throw error;
      }
    },
    now: platform.now,
  });
  return {
    services: { rights, translations: deps.translations },
    routes(app, http) {
      registerRightsRoutes(app, {
        rights,
        translations: deps.translations,
        pages: http.pages,
        readsPerMinute: platform.config.rateLimits.pageViewsPerMinute,
        pdfsPerMinute: platform.config.rateLimits.lookupsPerMinute,
        renderPdf: (cards) =>
          renderCardsPdf({
            paper: cards.paper,
            cards: cards.cards.map(cardContent),
            title: cards.cards[0]?.front.heading ?? 'Faro',
          }),
      });
    },
  } satisfies FaroModule & Record<string, unknown>;
}
