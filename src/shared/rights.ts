import { z } from 'zod';
import { PUBLIC_LANGUAGES } from './languages.js';

/**
 * The rights library (issue 17): items (a situation, or the wallet card), each in the public
 * languages, each translation `draft` until a member organization has reviewed it.
 */
export const RIGHTS_KINDS = ['topic', 'card'] as const;
export type RightsKind = (typeof RIGHTS_KINDS)[number];

export const RIGHTS_STATUSES = ['draft', 'reviewed'] as const;
export type RightsStatus = (typeof RIGHTS_STATUSES)[number];

const line = (max: number) => z.string().trim().min(1).max(max);

/**
 * One item's text in one language. For a topic: the points to remember (read out by the
 * megaphone, listed first), more paragraphs, the sources. For the card: `points` is the front
 * (what to say), `more` the back (what to do).
 */
export const rightsTextSchema = z.object({
  title: line(120),
  points: z.array(line(400)).min(1).max(12),
  more: z.array(line(1200)).max(12),
  /** The constitutional or legal basis, cited (not legal advice). */
  sources: z.array(line(300)).max(8),
});
export type RightsText = z.infer<typeof rightsTextSchema>;

export const publicLanguageSchema = z.enum(PUBLIC_LANGUAGES);

/** `GET /api/rights?language=`: every item in that language (English where it has none yet). */
export const publicRightsSchema = z.object({
  language: publicLanguageSchema,
  items: z.array(
    z.object({
      slug: z.string(),
      kind: z.enum(RIGHTS_KINDS),
      /** The language this text is in: the one asked for, or English when the item has none in it. */
      language: publicLanguageSchema,
      reviewed: z.boolean(),
      text: rightsTextSchema,
      /** The reviewed recording of this text read aloud (its address), or null: "read to me" then uses the phone's voice. */
      clip: z.string().nullable(),
    }),
  ),
});
export type PublicRights = z.infer<typeof publicRightsSchema>;

const reviewFacts = {
  status: z.enum(RIGHTS_STATUSES),
  version: z.number().int(),
  /** The member organization that reviewed it; null for Faro's own shipped text or a draft. */
  reviewedBy: z.string().nullable(),
  reviewedAt: z.iso.datetime().nullable(),
  updatedAt: z.iso.datetime(),
};

/** `GET /api/admin/rights`: every item, and where each language stands. */
export const rightsOverviewSchema = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      slug: z.string(),
      kind: z.enum(RIGHTS_KINDS),
      /** The English title, to name the item on staff pages. */
      title: z.string(),
      texts: z.array(z.object({ language: publicLanguageSchema, ...reviewFacts })),
    }),
  ),
  /** The member organizations the caller may review for (a review names one). */
  reviewerOrganizations: z.array(z.object({ id: z.uuid(), name: z.string() })),
});
export type RightsOverview = z.infer<typeof rightsOverviewSchema>;

/** `GET /api/admin/rights/:id/:language`: the text now, and every earlier version. */
export const rightsTextDetailSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  kind: z.enum(RIGHTS_KINDS),
  language: publicLanguageSchema,
  current: z.object({ ...reviewFacts, content: rightsTextSchema }).nullable(),
  versions: z.array(
    z.object({
      version: z.number().int(),
      change: z.enum(['shipped', 'edited', 'reviewed']),
      status: z.enum(RIGHTS_STATUSES),
      by: z.string().nullable(),
      organization: z.string().nullable(),
      at: z.iso.datetime(),
      content: rightsTextSchema,
    }),
  ),
});
export type RightsTextDetail = z.infer<typeof rightsTextDetailSchema>;

/** `PUT /api/admin/rights/:id/:language`: a new version (a draft again), made from the version the editor saw. */
export const rightsEditSchema = z.object({
  content: rightsTextSchema,
  /** The version the editor started from (0 for a language the item did not have): a later one refuses. */
  baseVersion: z.number().int().min(0),
});

/** `POST /api/admin/rights/:id/:language/review`: marks that version reviewed by the reviewer's organization. */
export const rightsReviewSchema = z.object({ version: z.number().int().min(1) });

/** The paper a sheet of cards is printed on. */
export const PAPERS = ['letter', 'a4'] as const;
export type Paper = (typeof PAPERS)[number];

const cardFace = z.object({ heading: z.string(), lines: z.array(z.string()) });

/**
 * One wallet card in one language, every word in that language: the front says what to say, the
 * back what to do, then the hotline and "this is not legal advice".
 */
export const rightsCardSchema = z.object({
  language: publicLanguageSchema,
  direction: z.enum(['ltr', 'rtl']),
  reviewed: z.boolean(),
  front: cardFace,
  back: cardFace,
  footer: z.array(z.string()),
});
export type RightsCard = z.infer<typeof rightsCardSchema>;

/** The cards of a sheet (`/rights/cards`, and its PDF), one per language asked for. */
export const rightsCardsSchema = z.object({ paper: z.enum(PAPERS), cards: z.array(rightsCardSchema) });
export type RightsCards = z.infer<typeof rightsCardsSchema>;
/** Megaphone mode's attention tone (a siren-like WAV the server makes; kept by the service worker for offline). */
export const RIGHTS_TONE_PATH = '/rights/tone.wav';

/** The largest audio clip an admin may upload (a minute of speech at a phone's bitrate is well under it). */
export const RIGHTS_CLIP_MAX_BYTES = 2 * 1024 * 1024;

/** The public address of an item's reviewed clip in one language; `version` makes a new clip a new address. */
export const rightsClipPath = (itemId: string, language: string, version: number) =>
  `/rights/clips/${itemId}/${language}?v=${version}`;

/** `GET /api/admin/rights/:id/:language/clips`: every clip uploaded for a text, newest first. */
export const rightsClipsSchema = z.object({
  clips: z.array(
    z.object({
      version: z.number().int(),
      contentType: z.string(),
      size: z.number().int(),
      status: z.enum(RIGHTS_STATUSES),
      uploadedBy: z.string().nullable(),
      uploadedAt: z.iso.datetime(),
      reviewedBy: z.string().nullable(),
      reviewedAt: z.iso.datetime().nullable(),
    }),
  ),
  /** The version played on the public pages (the newest reviewed), or null. */
  published: z.number().int().nullable(),
});
export type RightsClips = z.infer<typeof rightsClipsSchema>;

/** `GET /api/rights/megaphone`: what megaphone mode says, in every public language that has it. */
export const megaphoneSchema = z.object({
  languages: z.array(
    z.object({
      language: publicLanguageSchema,
      /** The wallet card in that language: its title and what to say (its points). */
      title: z.string(),
      points: z.array(z.string()),
      reviewed: z.boolean(),
      /** The reviewed recording of it (its address), or null: the phone's voice then says it. */
      clip: z.string().nullable(),
    }),
  ),
});
export type Megaphone = z.infer<typeof megaphoneSchema>;
