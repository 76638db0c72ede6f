import type { EvidenceReceipt } from '../../../shared/evidence.js';
import { opensOriginals } from './evidence.policy.js';
import { chunkReceipts } from './evidence.repo.js';
import type { Actor } from './evidence.service.js';
import { hex, type Items, notFound } from './items.js';

/**
 * When each chunk of an item reached the server. For an observer's note that
 * is evidence of its own — an entry written at 14:03:12 on the phone was on
 * the server at 14:03:13 — and for a recording it shows how it arrived while
 * it was made. Facts, not content (no byte of the original): the legal team's,
 * like verification.
 */
export function createReceipts(items: Items) {
  const { database } = items;
  return {
    /** An item's chunks in order, each with its place, length, hash and time of receipt (legal team). */
    async receipts(coalitionId: string, actor: Actor, itemId: string): Promise<EvidenceReceipt[]> {
      if (!opensOriginals(actor)) throw notFound();
      const item = await items.visible(database.db, coalitionId, actor, itemId);
      const rows = await chunkReceipts(database.db, item.id);
      return rows.map((row) => ({
        seq: row.seq,
        offset: row.offset,
        bytes: row.length,
        sha256: hex(row.sha256) ?? '',
        receivedAt: row.receivedAt?.toISOString() ?? null,
      }));
    },
  };
}
