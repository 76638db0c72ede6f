import { and, asc, desc, eq, inArray, max } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import {
  organizations,
  rightsClips,
  rightsItems,
  rightsTexts,
  rightsTextVersions,
  users,
} from '../../db/schema.js';

/** The rights library's tables are written here only (modules/rights owns them). */

export interface ShippedText {
  slug: string;
  kind: string;
  position: number;
  language: string;
  content: unknown;
  status: 'draft' | 'reviewed';
}

/**
 * Puts Faro's shipped texts in a coalition's library where it has none: a new item, or a language
 * an item did not have. What the coalition wrote or reviewed is never touched.
 */
export async function insertShipped(db: Drizzle, coalitionId: string, shipped: readonly ShippedText[]) {
  await db.transaction(async (tx) => {
    const items = [...new Map(shipped.map((s) => [s.slug, s])).values()];
    await tx
      .insert(rightsItems)
      .values(items.map((s) => ({ coalitionId, slug: s.slug, kind: s.kind, position: s.position })))
      .onConflictDoNothing();
    const ids = new Map(
      (
        await tx
          .select({ id: rightsItems.id, slug: rightsItems.slug })
          .from(rightsItems)
          .where(eq(rightsItems.coalitionId, coalitionId))
      ).map((row) => [row.slug, row.id]),
    );
    const rows = shipped.flatMap((s) => {
      const itemId = ids.get(s.slug);
      return itemId ? [{ itemId, language: s.language, content: s.content, status: s.status }] : [];
    });
    if (rows.length === 0) return;
    const added = await tx
      .insert(rightsTexts)
      .values(rows.map((row) => ({ ...row, version: 1 })))
      .onConflictDoNothing()
      .returning({ itemId: rightsTexts.itemId, language: rightsTexts.language });
    const isAdded = new Set(added.map((row) => `${row.itemId}:${row.language}`));
    const versions = rows.filter((row) => isAdded.has(`${row.itemId}:${row.language}`));
    if (versions.length > 0)
      await tx
        .insert(rightsTextVersions)
        .values(versions.map((row) => ({ ...row, version: 1, change: 'shipped' })))
        .onConflictDoNothing();
  });
}

/** Every item of the coalition with its texts in every language (current versions). */
export async function listTexts(db: Drizzle, coalitionId: string) {
  return db
    .select({
      id: rightsItems.id,
      slug: rightsItems.slug,
      kind: rightsItems.kind,
      position: rightsItems.position,
      language: rightsTexts.language,
      version: rightsTexts.version,
      content: rightsTexts.content,
      status: rightsTexts.status,
      reviewedBy: organizations.name,
      reviewedAt: rightsTexts.reviewedAt,
      updatedAt: rightsTexts.updatedAt,
    })
    .from(rightsItems)
    .innerJoin(rightsTexts, eq(rightsTexts.itemId, rightsItems.id))
    .leftJoin(organizations, eq(organizations.id, rightsTexts.reviewedByOrganization))
    .where(eq(rightsItems.coalitionId, coalitionId))
    .orderBy(asc(rightsItems.position), asc(rightsItems.slug));
}

/** One item of the coalition, or undefined. */
export async function findItem(db: Drizzle, coalitionId: string, itemId: string) {
  const [item] = await db
    .select({ id: rightsItems.id, slug: rightsItems.slug, kind: rightsItems.kind })
    .from(rightsItems)
    .where(and(eq(rightsItems.coalitionId, coalitionId), eq(rightsItems.id, itemId)));
  return item;
}

/** An item's text in one language now, held for the rest of the transaction (edits of one text go one at a time). */
export async function lockText(db: Drizzle, itemId: string, language: string) {
  const [text] = await db
    .select({ version: rightsTexts.version, status: rightsTexts.status, content: rightsTexts.content })
    .from(rightsTexts)
    .where(and(eq(rightsTexts.itemId, itemId), eq(rightsTexts.language, language)))
    .for('update');
  return text;
}

/** An item's text in one language with who reviewed it, or undefined. */
export async function findText(db: Drizzle, itemId: string, language: string) {
  const [text] = await db
    .select({
      version: rightsTexts.version,
      content: rightsTexts.content,
      status: rightsTexts.status,
      reviewedBy: organizations.name,
      reviewedAt: rightsTexts.reviewedAt,
      updatedAt: rightsTexts.updatedAt,
    })
    .from(rightsTexts)
    .leftJoin(organizations, eq(organizations.id, rightsTexts.reviewedByOrganization))
    .where(and(eq(rightsTexts.itemId, itemId), eq(rightsTexts.language, language)));
  return text;
}

/** Every version of an item's text in one language, newest first, with who made it. */
export async function listVersions(db: Drizzle, itemId: string, language: string) {
  return db
    .select({
      version: rightsTextVersions.version,
      change: rightsTextVersions.change,
      status: rightsTextVersions.status,
      content: rightsTextVersions.content,
      by: users.displayName,
      organization: organizations.name,
      at: rightsTextVersions.at,
    })
    .from(rightsTextVersions)
    .leftJoin(users, eq(users.id, rightsTextVersions.actorId))
    .leftJoin(organizations, eq(organizations.id, rightsTextVersions.reviewedByOrganization))
    .where(and(eq(rightsTextVersions.itemId, itemId), eq(rightsTextVersions.language, language)))
    .orderBy(desc(rightsTextVersions.version));
}

/** A new version of a text, made current, in the caller's transaction (which holds the text's row). */
export async function writeVersion(
  db: Drizzle,
  entry: {
    itemId: string;
    language: string;
    version: number;
    content: unknown;
    status: 'draft' | 'reviewed';
    change: 'edited' | 'reviewed';
    actorId: string;
    reviewedByOrganization: string | null;
    at: Date;
  },
) {
  const current = {
    version: entry.version,
    content: entry.content,
    status: entry.status,
    reviewedByOrganization: entry.reviewedByOrganization,
    reviewedAt: entry.status === 'reviewed' ? entry.at : null,
    updatedBy: entry.actorId,
    updatedAt: entry.at,
  };
  await db
    .insert(rightsTexts)
    .values({ itemId: entry.itemId, language: entry.language, ...current })
    .onConflictDoUpdate({ target: [rightsTexts.itemId, rightsTexts.language], set: current });
  await db.insert(rightsTextVersions).values({
    itemId: entry.itemId,
    language: entry.language,
    version: entry.version,
    content: entry.content,
    status: entry.status,
    change: entry.change,
    reviewedByOrganization: entry.reviewedByOrganization,
    actorId: entry.actorId,
    at: entry.at,
  });
}

/** The names of these organizations (reviewers choose one by name). */
export async function organizationNames(db: Drizzle, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(inArray(organizations.id, [...ids]));
}

/** The newest clip version of an item in one language, held for the rest of the transaction (uploads go one at a time). */
export async function lockClipVersion(db: Drizzle, itemId: string, language: string) {
  // The item's row is the lock: there may be no clip row yet to hold.
  await db.select({ id: rightsItems.id }).from(rightsItems).where(eq(rightsItems.id, itemId)).for('update');
  const [row] = await db
    .select({ version: max(rightsClips.version) })
    .from(rightsClips)
    .where(and(eq(rightsClips.itemId, itemId), eq(rightsClips.language, language)));
  return row?.version ?? 0;
}

/** A new clip version (a draft), in the caller's transaction. */
export async function insertClip(
  db: Drizzle,
  clip: {
    itemId: string;
    language: string;
    version: number;
    contentType: string;
    bytes: Uint8Array;
    uploadedBy: string;
    uploadedAt: Date;
  },
) {
  await db.insert(rightsClips).values({ ...clip, size: clip.bytes.byteLength, status: 'draft' });
}

/** Marks one clip version reviewed for an organization; false when it was not a draft (or is not there). */
export async function markClipReviewed(
  db: Drizzle,
  review: {
    itemId: string;
    language: string;
    version: number;
    organizationId: string;
    actorId: string;
    at: Date;
  },
) {
  const rows = await db
    .update(rightsClips)
    .set({
      status: 'reviewed',
      reviewedByOrganization: review.organizationId,
      reviewedBy: review.actorId,
      reviewedAt: review.at,
    })
    .where(
      and(
        eq(rightsClips.itemId, review.itemId),
        eq(rightsClips.language, review.language),
        eq(rightsClips.version, review.version),
        eq(rightsClips.status, 'draft'),
      ),
    )
    .returning({ version: rightsClips.version });
  return rows.length > 0;
}

/** Every clip of an item in one language (without its bytes), newest first, with who uploaded and reviewed it. */
export async function listClips(db: Drizzle, itemId: string, language: string) {
  return db
    .select({
      version: rightsClips.version,
      contentType: rightsClips.contentType,
      size: rightsClips.size,
      status: rightsClips.status,
      uploadedBy: users.displayName,
      uploadedAt: rightsClips.uploadedAt,
      reviewedBy: organizations.name,
      reviewedAt: rightsClips.reviewedAt,
    })
    .from(rightsClips)
    .leftJoin(users, eq(users.id, rightsClips.uploadedBy))
    .leftJoin(organizations, eq(organizations.id, rightsClips.reviewedByOrganization))
    .where(and(eq(rightsClips.itemId, itemId), eq(rightsClips.language, language)))
    .orderBy(desc(rightsClips.version));
}

/** The newest reviewed clip version of every item and language of the coalition (what the public pages play). */
export async function publishedClipVersions(db: Drizzle, coalitionId: string) {
  return db
    .select({ itemId: rightsClips.itemId, language: rightsClips.language, version: max(rightsClips.version) })
    .from(rightsClips)
    .innerJoin(rightsItems, eq(rightsItems.id, rightsClips.itemId))
    .where(and(eq(rightsItems.coalitionId, coalitionId), eq(rightsClips.status, 'reviewed')))
    .groupBy(rightsClips.itemId, rightsClips.language);
}

/**
 * One clip's bytes: `version`, or (none given) the newest reviewed. Only an item of this coalition;
 * `reviewedOnly` refuses a draft (the public address).
 */
export async function findClip(
  db: Drizzle,
  coalitionId: string,
  itemId: string,
  language: string,
  which: { version?: number; reviewedOnly: boolean },
) {
  const [clip] = await db
    .select({
      version: rightsClips.version,
      contentType: rightsClips.contentType,
      bytes: rightsClips.bytes,
      status: rightsClips.status,
    })
    .from(rightsClips)
    .innerJoin(rightsItems, eq(rightsItems.id, rightsClips.itemId))
    .where(
      and(
        eq(rightsItems.coalitionId, coalitionId),
        eq(rightsClips.itemId, itemId),
        eq(rightsClips.language, language),
        ...(which.version !== undefined ? [eq(rightsClips.version, which.version)] : []),
        ...(which.reviewedOnly ? [eq(rightsClips.status, 'reviewed')] : []),
      ),
    )
    .orderBy(desc(rightsClips.version))
    .limit(1);
  return clip;
}
