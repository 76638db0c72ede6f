import { z } from 'zod';
import { PUBLIC_LANGUAGES, type PublicLanguage, SHIPPED_REVIEWED_LANGUAGES } from './languages.js';

/**
 * Reviews of Faro's own words in each public language (issue 17): the public pages' words (`ui`)
 * and the alert templates' words (`alerts`). English and Spanish ship reviewed; each of the other
 * languages is a draft until a member organization's reviewer marks it reviewed for the coalition.
 * Alerts carry a language only once its `alerts` part is reviewed.
 */
export const TRANSLATION_PARTS = ['ui', 'alerts'] as const;
export type TranslationPart = (typeof TRANSLATION_PARTS)[number];

export const TRANSLATION_STATUSES = ['draft', 'reviewed'] as const;
export type TranslationStatus = (typeof TRANSLATION_STATUSES)[number];

export { SHIPPED_REVIEWED_LANGUAGES };

/** The languages whose review a coalition decides: every public language but English and Spanish. */
export const REVIEWABLE_LANGUAGES = PUBLIC_LANGUAGES.filter(
  (language) => !SHIPPED_REVIEWED_LANGUAGES.includes(language),
) as PublicLanguage[];

export const translationPartSchema = z.enum(TRANSLATION_PARTS);
export const reviewableLanguageSchema = z
  .enum(PUBLIC_LANGUAGES)
  .refine((language) => REVIEWABLE_LANGUAGES.includes(language), 'English and Spanish ship reviewed');

/** Where one translation stands. */
export const translationReviewSchema = z.object({
  part: translationPartSchema,
  language: z.enum(PUBLIC_LANGUAGES),
  status: z.enum(TRANSLATION_STATUSES),
  /** True for English and Spanish: Faro's own, reviewed, not a coalition's to change. */
  shipped: z.boolean(),
  /** The member organization it was reviewed for (null: a draft, or shipped). */
  reviewedBy: z.string().nullable(),
  /** Who last marked it, reviewed or back to draft (staff only). */
  markedBy: z.string().nullable(),
  at: z.iso.datetime().nullable(),
});
export type TranslationReview = z.infer<typeof translationReviewSchema>;

/** `GET /api/admin/translations`: every part × language, and the organizations the caller reviews for. */
export const translationOverviewSchema = z.object({
  reviews: z.array(translationReviewSchema),
  reviewerOrganizations: z.array(z.object({ id: z.uuid(), name: z.string() })),
});
export type TranslationOverview = z.infer<typeof translationOverviewSchema>;

/** `POST /api/admin/translations/:part/:language`: reviewed, or back to draft, for one of the caller's organizations. */
export const translationMarkSchema = z.object({
  status: z.enum(TRANSLATION_STATUSES),
  organizationId: z.uuid().optional(),
});
