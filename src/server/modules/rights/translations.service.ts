import { PUBLIC_LANGUAGES, type PublicLanguage } from '../../../shared/languages.js';
import {
  REVIEWABLE_LANGUAGES,
  SHIPPED_REVIEWED_LANGUAGES,
  TRANSLATION_PARTS,
  type TranslationOverview,
  type TranslationPart,
  type TranslationReview,
  type TranslationStatus,
} from '../../../shared/translations.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { recordAudit } from '../access/audit.js';
import { reviewerOrganizations, reviewingFor } from './reviewers.js';
import { listReviews, reviewedRows, writeReview } from './translations.repo.js';

/**
 * Reviews of the translations of Faro's own words (issue 17): per coalition, per part (`ui`: the
 * public pages; `alerts`: the alert templates), per language. A reviewer (rights:review) marks a
 * translation reviewed for one of their member organizations, or back to draft; audited. Other
 * modules ask `reviewedLanguages` (alerts carry those languages; the public pages flag the others)
 * — one indexed read, kept for a few seconds per coalition and part, and dropped at once when this
 * process changes a review.
 */
export interface TranslationReviews {
  /** English, Spanish, and the languages of `part` the coalition reviewed, in PUBLIC_LANGUAGES order. */
  reviewedLanguages(coalitionId: string, part: TranslationPart): Promise<PublicLanguage[]>;
  /** Where one translation stands (who reviewed it, when). */
  reviewOf(coalitionId: string, part: TranslationPart, language: PublicLanguage): Promise<TranslationReview>;
  /** Every part × language, and the organizations the caller reviews for (staff). */
  overview(coalitionId: string, actorId: string): Promise<TranslationOverview>;
  /** Reviewed (for one of the reviewer's organizations) or back to draft; audited. */
  mark(
    coalitionId: string,
    actorId: string,
    part: TranslationPart,
    language: PublicLanguage,
    change: { status: TranslationStatus; organizationId?: string | undefined },
  ): Promise<TranslationOverview>;
}

/** How long a coalition's reviewed languages are kept in memory (another process's change shows within it). */
export const REVIEWED_CACHE_MS = 10_000;

export function createTranslationReviews(deps: { db: Drizzle; now: () => Date }): TranslationReviews {
  const { db } = deps;
  const cache = new Map<string, { until: number; languages: Promise<PublicLanguage[]> }>();

  async function all(coalitionId: string): Promise<TranslationReview[]> {
    const rows = await listReviews(db, coalitionId);
    return PUBLIC_LANGUAGES.flatMap((language) =>
      TRANSLATION_PARTS.map((part): TranslationReview => {
        if (SHIPPED_REVIEWED_LANGUAGES.includes(language))
          return {
            part,
            language,
            status: 'reviewed',
            shipped: true,
            reviewedBy: null,
            markedBy: null,
            at: null,
          };
        const row = rows.find((r) => r.part === part && r.language === language);
        const reviewed = row?.status === 'reviewed';
        return {
          part,
          language,
          status: reviewed ? 'reviewed' : 'draft',
          shipped: false,
          reviewedBy: reviewed ? (row?.organization ?? null) : null,
          markedBy: row?.marker ?? null,
          at: row ? row.at.toISOString() : null,
        };
      }),
    );
  }

  const service: TranslationReviews = {
    reviewedLanguages(coalitionId, part) {
      const key = `${coalitionId}:${part}`;
      const now = Date.now();
      const kept = cache.get(key);
      if (kept && kept.until > now) return kept.languages;
      const languages = reviewedRows(db, coalitionId, part).then((rows) => {
        const reviewed = new Set(rows.map((row) => row.language));
        return PUBLIC_LANGUAGES.filter(
          (language) => SHIPPED_REVIEWED_LANGUAGES.includes(language) || reviewed.has(language),
        );
      });
      cache.set(key, { until: now + REVIEWED_CACHE_MS, languages });
      // A failed read is not kept.
      languages.catch(() => cache.delete(key));
      return languages;
    },

    async reviewOf(coalitionId, part, language) {
      const review = (await all(coalitionId)).find((r) => r.part === part && r.language === language);
      if (!review) throw new AppError('NOT_FOUND', 'No such translation.');
      return review;
    },

    async overview(coalitionId, actorId) {
      const [reviews, organizations] = await Promise.all([
        all(coalitionId),
        reviewerOrganizations(db, actorId),
      ]);
      return { reviews, reviewerOrganizations: organizations };
    },

    async mark(coalitionId, actorId, part, language, change) {
      if (!REVIEWABLE_LANGUAGES.includes(language))
        throw new AppError('VALIDATION', 'English and Spanish ship reviewed: there is nothing to mark.', {
          fields: [{ field: 'language', message: 'one of the languages to review' }],
        });
      const organizationId =
        change.status === 'reviewed' ? await reviewingFor(db, actorId, change.organizationId) : null;
      const at = deps.now();
      await db.transaction(async (tx) => {
        await writeReview(tx, {
          coalitionId,
          part,
          language,
          status: change.status,
          organizationId,
          actorId,
          at,
        });
        await recordAudit(tx, {
          coalitionId,
          actorId,
          action: change.status === 'reviewed' ? 'translation.reviewed' : 'translation.draft',
          subjectType: 'translation',
          subjectId: `${part}:${language}`,
          at,
        });
      });
      cache.delete(`${coalitionId}:${part}`);
      return service.overview(coalitionId, actorId);
    },
  };
  return service;
}
