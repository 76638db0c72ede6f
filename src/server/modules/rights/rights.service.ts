import { directionOf, PUBLIC_LANGUAGES, type PublicLanguage } from '../../../shared/languages.js';
import type { PublicContacts } from '../../../shared/pages.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import {
  type Megaphone,
  type Paper,
  type PublicRights,
  RIGHTS_CLIP_MAX_BYTES,
  RIGHTS_KINDS,
  type RightsCard,
  type RightsCards,
  type RightsClips,
  type RightsKind,
  type RightsOverview,
  type RightsText,
  type RightsTextDetail,
  rightsClipPath,
  rightsTextSchema,
} from '../../../shared/rights.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { publicMessage } from '../../locales/messages.js';
import { AUDIO_TYPE_ALIASES, sniffAudio } from '../../media/audio.js';
import { recordAudit } from '../access/audit.js';
import type { GuardOptions } from '../alerts/guard.js';
import { guardPublicText } from '../alerts/guard.js';
import * as reviewers from './reviewers.js';
import {
  findClip,
  findItem,
  findText,
  insertClip,
  insertShipped,
  listClips,
  listTexts,
  listVersions,
  lockClipVersion,
  lockText,
  markClipReviewed,
  publishedClipVersions,
  writeVersion,
} from './rights.repo.js';
import { SHIPPED_TEXTS } from './shipped.js';

export interface RightsService {
  /** Every item in `language`, English where an item has no text in it yet (public; guarded when saved). */
  published(coalitionId: string, language: PublicLanguage): Promise<PublicRights>;
  /** The wallet card in each language asked for, every word in that language, with the coalition's numbers. */
  cards(coalitionId: string, languages: readonly PublicLanguage[], paper: Paper): Promise<RightsCards>;
  /** Every item and where each language stands, and the organizations the caller reviews for (staff). */
  overview(coalitionId: string, actorId: string): Promise<RightsOverview>;
  /** One text now and every version of it (staff). */
  detail(coalitionId: string, itemId: string, language: PublicLanguage): Promise<RightsTextDetail>;
  /**
   * A new version of a text, made from the version the editor saw (a later one refuses): a draft
   * again, passed by the publishing guard, audited.
   */
  edit(
    coalitionId: string,
    actorId: string,
    itemId: string,
    language: PublicLanguage,
    change: { content: RightsText; baseVersion: number },
  ): Promise<RightsTextDetail>;
  /** Marks exactly `version` reviewed for one of the reviewer's member organizations; audited. */
  review(
    coalitionId: string,
    actorId: string,
    itemId: string,
    language: PublicLanguage,
    review: { version: number; organizationId?: string | undefined },
  ): Promise<RightsTextDetail>;
  /** The card's "what to say" in every public language that has it, with its reviewed clip (megaphone mode; public). */
  megaphone(coalitionId: string): Promise<Megaphone>;
  /** Every clip uploaded for a text, newest first, and which one the public pages play (staff). */
  clips(coalitionId: string, itemId: string, language: PublicLanguage): Promise<RightsClips>;
  /**
   * A new clip version (a draft until reviewed): its bytes must be audio of the type it is sent
   * as (checked by their magic numbers), at most RIGHTS_CLIP_MAX_BYTES; audited.
   */
  uploadClip(
    coalitionId: string,
    actorId: string,
    itemId: string,
    language: PublicLanguage,
    clip: { contentType: string; bytes: Uint8Array },
  ): Promise<RightsClips>;
  /** Marks one clip version reviewed for one of the reviewer's member organizations; audited. */
  reviewClip(
    coalitionId: string,
    actorId: string,
    itemId: string,
    language: PublicLanguage,
    review: { version: number; organizationId?: string | undefined },
  ): Promise<RightsClips>;
  /**
   * A clip's bytes: the newest reviewed (the public address), or any version (staff, to listen
   * before reviewing). Undefined when there is none.
   */
  clip(
    coalitionId: string,
    itemId: string,
    language: PublicLanguage,
    which: { version?: number; reviewedOnly: boolean },
  ): Promise<{ version: number; contentType: string; bytes: Uint8Array } | undefined>;
}

/** The languages Faro's own authors wrote and checked; the others ship as drafts to review. */
const SHIPPED_REVIEWED: readonly string[] = LANGUAGES;

/** The publishing guard over every line of a text: the findings, each with where it is. */
export function rightsFindings(content: RightsText, guard: GuardOptions) {
  const lines: [string, string][] = [
    ['title', content.title],
    ...content.points.map((line, i): [string, string] => [`points.${i}`, line]),
    ...content.more.map((line, i): [string, string] => [`more.${i}`, line]),
    ...content.sources.map((line, i): [string, string] => [`sources.${i}`, line]),
  ];
  return lines.flatMap(([field, line]) =>
    guardPublicText(line, guard).map((finding) => ({ field, kind: finding.kind, text: finding.text })),
  );
}

/**
 * The wallet card in one language: what to say on the front, what to do on the back, then the
 * hotline, the text line and "this is not legal advice" — every word in the card's language.
 */
export function walletCard(
  language: PublicLanguage,
  reviewed: boolean,
  text: RightsText,
  contacts: PublicContacts,
): RightsCard {
  const say = (key: `rights.${string}`, values: Record<string, string> = {}) =>
    publicMessage(language, key, values);
  return {
    language,
    direction: directionOf(language),
    reviewed,
    front: { heading: text.title, lines: text.points },
    back: { heading: say('rights.card.whatToDo'), lines: text.more },
    footer: [
      ...(contacts.hotline ? [say('rights.card.hotline', { number: contacts.hotline })] : []),
      ...(contacts.sms ? [say('rights.card.textLine', { number: contacts.sms })] : []),
      say('rights.card.notLegalAdvice'),
    ],
  };
}

const kindOf = (kind: string): RightsKind =>
  (RIGHTS_KINDS as readonly string[]).includes(kind) ? (kind as RightsKind) : 'topic';
const iso = (at: Date | null) => (at ? at.toISOString() : null);

export function createRightsService(deps: {
  db: Drizzle;
  /** The publishing guard's lists of this coalition (its own numbers and hosts allowed, names blocked). */
  guard: (coalitionId: string) => Promise<GuardOptions>;
  /** The coalition's hotline and text numbers, printed on its cards. */
  contacts: (coalitionId: string) => Promise<PublicContacts>;
  /** Whether a card fits on a wallet card when printed (true), or the face that does not. */
  cardFits?: (card: RightsCard) => Promise<true | 'front' | 'back'>;
  now: () => Date;
}): RightsService {
  const { db } = deps;
  /** The coalitions whose library has been given Faro's shipped texts by this process (idempotent in the database). */
  const stocked = new Map<string, Promise<void>>();
  const stock = (coalitionId: string) => {
    let done = stocked.get(coalitionId);
    if (!done) {
      done = insertShipped(
        db,
        coalitionId,
        SHIPPED_TEXTS.map((text) => ({
          ...text,
          status: SHIPPED_REVIEWED.includes(text.language) ? 'reviewed' : 'draft',
        })),
      );
      done.catch(() => stocked.delete(coalitionId));
      stocked.set(coalitionId, done);
    }
    return done;
  };

  const reviewerOrganizations = (actorId: string) => reviewers.reviewerOrganizations(db, actorId);

  /** The coalition's item, or NOT_FOUND. */
  async function itemOf(coalitionId: string, itemId: string) {
    await stock(coalitionId);
    const item = await findItem(db, coalitionId, itemId);
    if (!item) throw new AppError('NOT_FOUND', 'No such item in the rights library.');
    return item;
  }

  const reviewingFor = (actorId: string, asked: string | undefined) =>
    reviewers.reviewingFor(db, actorId, asked);

  async function detail(
    coalitionId: string,
    itemId: string,
    language: PublicLanguage,
  ): Promise<RightsTextDetail> {
    const item = await itemOf(coalitionId, itemId);
    const [current, versions] = await Promise.all([
      findText(db, itemId, language),
      listVersions(db, itemId, language),
    ]);
    return {
      id: item.id,
      slug: item.slug,
      kind: kindOf(item.kind),
      language,
      current: current
        ? {
            status: current.status === 'reviewed' ? 'reviewed' : 'draft',
            version: current.version,
            reviewedBy: current.reviewedBy,
            reviewedAt: iso(current.reviewedAt),
            updatedAt: current.updatedAt.toISOString(),
            content: rightsTextSchema.parse(current.content),
          }
        : null,
      versions: versions.map((v) => ({
        version: v.version,
        change: v.change === 'shipped' || v.change === 'reviewed' ? v.change : 'edited',
        status: v.status === 'reviewed' ? 'reviewed' : 'draft',
        by: v.by,
        organization: v.organization,
        at: v.at.toISOString(),
        content: rightsTextSchema.parse(v.content),
      })),
    };
  }

  /** Where the public pages find each item's reviewed clip in a language (null: none). */
  async function clipsOf(coalitionId: string) {
    const versions = new Map(
      (await publishedClipVersions(db, coalitionId)).map((row) => [
        `${row.itemId}:${row.language}`,
        row.version,
      ]),
    );
    return (itemId: string, language: string) => {
      const version = versions.get(`${itemId}:${language}`);
      return version ? rightsClipPath(itemId, language, version) : null;
    };
  }

  async function clips(coalitionId: string, itemId: string, language: PublicLanguage): Promise<RightsClips> {
    await itemOf(coalitionId, itemId); // the item is the coalition's, or 404
    const rows = await listClips(db, itemId, language);
    return {
      clips: rows.map((row) => ({
        version: row.version,
        contentType: row.contentType,
        size: row.size,
        status: row.status === 'reviewed' ? 'reviewed' : 'draft',
        uploadedBy: row.uploadedBy,
        uploadedAt: row.uploadedAt.toISOString(),
        reviewedBy: row.reviewedBy,
        reviewedAt: iso(row.reviewedAt),
      })),
      published: rows.find((row) => row.status === 'reviewed')?.version ?? null,
    };
  }

  async function published(coalitionId: string, language: PublicLanguage): Promise<PublicRights> {
    return (await library(coalitionId))(language);
  }

  /** The whole library read once; then each language's view of it (a sheet of ten cards reads it once). */
  async function library(coalitionId: string) {
    await stock(coalitionId);
    const [rows, clipOf] = await Promise.all([listTexts(db, coalitionId), clipsOf(coalitionId)]);
    const items = new Map<
      string,
      { id: string; slug: string; kind: string; texts: Map<string, (typeof rows)[number]> }
    >();
    for (const row of rows) {
      const item = items.get(row.id) ?? { id: row.id, slug: row.slug, kind: row.kind, texts: new Map() };
      item.texts.set(row.language, row);
      items.set(row.id, item);
    }
    return (language: PublicLanguage): PublicRights => ({
      language,
      items: [...items.values()].flatMap((item) => {
        const text = item.texts.get(language) ?? item.texts.get('en');
        if (!text) return [];
        const parsed = rightsTextSchema.safeParse(text.content);
        if (!parsed.success) return [];
        return [
          {
            slug: item.slug,
            kind: kindOf(item.kind),
            language: text.language as PublicLanguage,
            reviewed: text.status === 'reviewed',
            text: parsed.data,
            clip: clipOf(item.id, text.language),
          },
        ];
      }),
    });
  }

  return {
    async megaphone(coalitionId) {
      await stock(coalitionId);
      const [rows, clipOf] = await Promise.all([listTexts(db, coalitionId), clipsOf(coalitionId)]);
      const card = rows.filter((row) => row.kind === 'card');
      // One card (the first): what megaphone mode says, in each language it has been written in.
      const cardId = card[0]?.id;
      return {
        languages: PUBLIC_LANGUAGES.flatMap((language) => {
          const row = card.find((r) => r.id === cardId && r.language === language);
          const parsed = row ? rightsTextSchema.safeParse(row.content) : undefined;
          if (!row || !parsed?.success) return [];
          return [
            {
              language,
              title: parsed.data.title,
              points: parsed.data.points,
              reviewed: row.status === 'reviewed',
              clip: clipOf(row.id, language),
            },
          ];
        }),
      };
    },

    clips,

    async uploadClip(coalitionId, actorId, itemId, language, clip) {
      await itemOf(coalitionId, itemId); // the item is the coalition's, or 404
      if (clip.bytes.byteLength > RIGHTS_CLIP_MAX_BYTES)
        throw new AppError(
          'PAYLOAD_TOO_LARGE',
          'A clip is at most 2 MB: record it shorter or at a lower bitrate.',
        );
      const declared = AUDIO_TYPE_ALIASES[clip.contentType.split(';')[0]?.trim().toLowerCase() ?? ''];
      const found = sniffAudio(clip.bytes);
      if (!declared || !found || found !== declared)
        throw new AppError(
          'UNSUPPORTED_MEDIA_TYPE',
          'This file is not audio Faro can play (MP3, Ogg, WebM, MP4/M4A or WAV), or not the type it was sent as.',
        );
      const at = deps.now();
      await db.transaction(async (tx) => {
        const version = (await lockClipVersion(tx, itemId, language)) + 1;
        await insertClip(tx, {
          itemId,
          language,
          version,
          contentType: found,
          bytes: clip.bytes,
          uploadedBy: actorId,
          uploadedAt: at,
        });
        await recordAudit(tx, {
          coalitionId,
          actorId,
          action: 'rights.clip_uploaded',
          subjectType: 'rights_item',
          subjectId: itemId,
          at,
        });
      });
      return clips(coalitionId, itemId, language);
    },

    async reviewClip(coalitionId, actorId, itemId, language, review) {
      await itemOf(coalitionId, itemId);
      const organizationId = await reviewingFor(actorId, review.organizationId);
      const at = deps.now();
      await db.transaction(async (tx) => {
        const current = await findClip(tx, coalitionId, itemId, language, {
          version: review.version,
          reviewedOnly: false,
        });
        if (!current) throw new AppError('NOT_FOUND', 'No such clip of this text.');
        if (current.status === 'reviewed') return;
        if (
          !(await markClipReviewed(tx, {
            itemId,
            language,
            version: review.version,
            organizationId,
            actorId,
            at,
          }))
        )
          return;
        await recordAudit(tx, {
          coalitionId,
          actorId,
          action: 'rights.clip_reviewed',
          subjectType: 'rights_item',
          subjectId: itemId,
          at,
        });
      });
      return clips(coalitionId, itemId, language);
    },

    async clip(coalitionId, itemId, language, which) {
      const found = await findClip(db, coalitionId, itemId, language, which);
      return found
        ? { version: found.version, contentType: found.contentType, bytes: found.bytes }
        : undefined;
    },

    published,

    async cards(coalitionId, languages, paper) {
      const contacts = await deps.contacts(coalitionId).catch((): PublicContacts => ({}));
      const inLanguage = await library(coalitionId);
      const cards = languages.flatMap((asked) => {
        const card = inLanguage(asked).items.find((item) => item.kind === 'card');
        // Every word in the card's own language (English where the card has no text in the one asked for).
        return card ? [walletCard(card.language, card.reviewed, card.text, contacts)] : [];
      });
      return { paper, cards };
    },

    async overview(coalitionId, actorId) {
      await stock(coalitionId);
      const [rows, reviewing] = await Promise.all([
        listTexts(db, coalitionId),
        reviewerOrganizations(actorId),
      ]);
      const items = new Map<string, RightsOverview['items'][number]>();
      for (const row of rows) {
        const item = items.get(row.id) ?? {
          id: row.id,
          slug: row.slug,
          kind: kindOf(row.kind),
          title: row.slug,
          texts: [],
        };
        if (row.language === 'en')
          item.title =
            rightsTextSchema.shape.title.safeParse((row.content as RightsText).title).data ?? row.slug;
        if ((PUBLIC_LANGUAGES as readonly string[]).includes(row.language))
          item.texts.push({
            language: row.language as PublicLanguage,
            status: row.status === 'reviewed' ? 'reviewed' : 'draft',
            version: row.version,
            reviewedBy: row.reviewedBy,
            reviewedAt: iso(row.reviewedAt),
            updatedAt: row.updatedAt.toISOString(),
          });
        items.set(row.id, item);
      }
      for (const item of items.values())
        item.texts.sort(
          (a, b) => PUBLIC_LANGUAGES.indexOf(a.language) - PUBLIC_LANGUAGES.indexOf(b.language),
        );
      return { items: [...items.values()], reviewerOrganizations: reviewing };
    },

    detail,

    async edit(coalitionId, actorId, itemId, language, change) {
      const item = await itemOf(coalitionId, itemId);
      const findings = rightsFindings(change.content, await deps.guard(coalitionId));
      if (findings.length > 0)
        throw new AppError(
          'BLOCKED_BY_GUARD',
          `Blocked: ${findings.map((f) => `${f.kind} "${f.text}" (${f.field})`).join(', ')} must never be published.`,
          { findings },
        );
      if (item.kind === 'card' && deps.cardFits) {
        // Printed as it will be, with this coalition's numbers: a card that does not fit is refused now, not at the printer.
        const contacts = await deps.contacts(coalitionId).catch((): PublicContacts => ({}));
        const face = await deps.cardFits(walletCard(language, false, change.content, contacts));
        if (face !== true)
          throw new AppError(
            'VALIDATION',
            `The ${face} of this card does not fit on a wallet card; shorten it.`,
            {
              reason: 'card_too_long',
              fields: [{ field: face === 'front' ? 'points' : 'more', message: 'too long for the card' }],
            },
          );
      }
      const at = deps.now();
      await db.transaction(async (tx) => {
        const current = await lockText(tx, itemId, language);
        const version = current?.version ?? 0;
        if (version !== change.baseVersion)
          throw new AppError(
            'CONFLICT',
            'Someone saved this text since you opened it: reload to see their version, then make your change again.',
            { version },
          );
        await writeVersion(tx, {
          itemId,
          language,
          version: version + 1,
          content: change.content,
          status: 'draft',
          change: 'edited',
          actorId,
          reviewedByOrganization: null,
          at,
        });
        await recordAudit(tx, {
          coalitionId,
          actorId,
          action: 'rights.edited',
          subjectType: 'rights_item',
          subjectId: itemId,
          at,
        });
      });
      return detail(coalitionId, itemId, language);
    },

    async review(coalitionId, actorId, itemId, language, review) {
      await itemOf(coalitionId, itemId);
      const organizationId = await reviewingFor(actorId, review.organizationId);
      const at = deps.now();
      await db.transaction(async (tx) => {
        const current = await lockText(tx, itemId, language);
        if (!current) throw new AppError('NOT_FOUND', 'This item has no text in that language yet.');
        if (current.version !== review.version)
          throw new AppError(
            'CONFLICT',
            'This text changed since you read it: read the new version before marking it reviewed.',
            { version: current.version },
          );
        if (current.status === 'reviewed') return;
        await writeVersion(tx, {
          itemId,
          language,
          version: current.version + 1,
          content: current.content,
          status: 'reviewed',
          change: 'reviewed',
          actorId,
          reviewedByOrganization: organizationId,
          at,
        });
        await recordAudit(tx, {
          coalitionId,
          actorId,
          action: 'rights.reviewed',
          subjectType: 'rights_item',
          subjectId: itemId,
          at,
        });
      });
      return detail(coalitionId, itemId, language);
    },
  };
}
