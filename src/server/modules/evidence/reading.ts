import { createHash } from 'node:crypto';
import type { EvidenceCustody, EvidenceItem, EvidenceVerification } from '../../../shared/evidence.js';
import { kidOf, UnknownKeyError } from '../../crypto/secret-box.js';
import { AppError } from '../../http/errors.js';
import type { CustodyCheck, CustodyEntry } from './custody.js';
import { opensOriginals, seesEvidenceFacts } from './evidence.policy.js';
import { findItem, itemsForExport, listItemsOfIncident, recentItems } from './evidence.repo.js';
import type { Actor } from './evidence.service.js';
import { ChunkFailure, holdContext, type Items, notFound } from './items.js';
import { chainStart } from './sealing.js';

/** An item as an export for counsel reads it (exportSelection). */
export interface ExportedItem {
  facts: EvidenceItem;
  custody: (CustodyEntry & { previousHash: Uint8Array | null; hash: Uint8Array })[];
  custodyCheck: CustodyCheck;
  /**
   * Its original, chunk by chunk, each opened and checked (seal, hash, chain) as it is read; a
   * chunk that fails ends it with the failure. Null when there are no bytes (deleted, none sent).
   */
  original:
    | null
    | (() => AsyncGenerator<
        | { seq: number; bytes: Buffer; link: Buffer; receivedAt: Date | null }
        | { failure: { seq: number; reason: ChunkFailure['reason'] } }
      >);
}

/**
 * Reading evidence: the facts of items to those who may know them, and to the
 * legal team the originals, the custody logs, verification and exports —
 * every opening written into the item's chain of custody and the audit log
 * before a byte leaves.
 */
export function createReading(items: Items) {
  const { database, box, now } = items;

  /**
   * A custody row's details as the legal team reads them: a hold's reason opened. A reason sealed
   * with a server key since retired (the chain's hashes cover it, so it is never re-sealed) is
   * left out; the entry and its hash stay.
   */
  const openDetails = (itemId: string, details: CustodyEntry['details']) => {
    if (typeof details.reason !== 'string' || kidOf(details.reason) === null) return details;
    try {
      return { ...details, reason: box.open(details.reason, holdContext(itemId)) };
    } catch (error) {
      if (!(error instanceof UnknownKeyError)) throw error;
      const { reason: _retired, ...rest } = details;
      return rest;
    }
  };

  return {
    /** The items of an incident this person may know of. */
    async list(coalitionId: string, actor: Actor, incidentId: string): Promise<EvidenceItem[]> {
      const rows = await listItemsOfIncident(database.db, coalitionId, incidentId);
      return rows
        .filter(({ item }) => seesEvidenceFacts(actor, item))
        .map(({ item, recorder }) => items.factsOf(item, actor, recorder));
    },

    /** The coalition's latest items this person may know of, newest first. */
    async recent(coalitionId: string, actor: Actor): Promise<EvidenceItem[]> {
      const rows = await recentItems(database.db, coalitionId, 200);
      return rows
        .filter(({ item }) => seesEvidenceFacts(actor, item))
        .map(({ item, recorder }) => items.factsOf(item, actor, recorder));
    },

    async facts(coalitionId: string, actor: Actor, itemId: string): Promise<EvidenceItem> {
      return items.factsOf(await items.visible(database.db, coalitionId, actor, itemId), actor);
    },

    /**
     * The original, for the legal team: its type and length, and its bytes as a stream read chunk
     * by chunk from the store (verified as they are read). Written into the custody log and the
     * audit log before a byte leaves.
     */
    async original(coalitionId: string, actor: Actor, itemId: string, purpose: 'viewed' | 'downloaded') {
      if (!opensOriginals(actor)) throw notFound();
      const at = now();
      const item = await database.transaction(async ({ db }) => {
        const found = await items.visible(db, coalitionId, actor, itemId, true);
        if (found.deletedAt || found.chunks === 0)
          throw new AppError('GONE', 'This original is no longer kept.');
        await items.appendCustody(db, itemId, actor, purpose, {}, at);
        await items.audit(
          db,
          coalitionId,
          actor,
          purpose === 'viewed' ? 'evidence.viewed' : 'evidence.downloaded',
          itemId,
          at,
        );
        return found;
      });
      return {
        contentType: item.contentType,
        bytes: item.bytes,
        stream: (async function* () {
          for await (const chunk of items.openedChunks(database.db, item)) yield chunk.plain;
        })(),
      };
    },

    /** The custody log, and whether it holds; reading it is itself audited. */
    async custody(coalitionId: string, actor: Actor, itemId: string): Promise<EvidenceCustody> {
      if (!opensOriginals(actor)) throw notFound();
      const at = now();
      await database.transaction(async ({ db }) => {
        await items.visible(db, coalitionId, actor, itemId);
        await items.audit(db, coalitionId, actor, 'evidence.custody_read', itemId, at);
      });
      const log = await items.custodyLog(database.db, itemId);
      return {
        entries: log.entries.map(({ entry, actorName }) => ({
          seq: entry.seq,
          at: entry.at,
          event: entry.event,
          actor: actorName,
          role: entry.actorRole,
          session: entry.sessionTag,
          details: openDetails(itemId, entry.details),
          hash: Buffer.from(entry.hash).toString('hex'),
        })),
        check: log.check,
      };
    },

    /** Checks every chunk's seal, hash and chain, the whole hash and the custody log. */
    async verify(coalitionId: string, itemId: string): Promise<EvidenceVerification> {
      const item = await findItem(database.db, coalitionId, itemId);
      if (!item) throw notFound();
      let verified = 0;
      let bytes = 0;
      let lastLink = chainStart(item.id);
      const whole = createHash('sha256');
      try {
        for await (const chunk of items.openedChunks(database.db, item)) {
          verified = chunk.seq;
          bytes += chunk.plain.length;
          lastLink = chunk.link;
          whole.update(chunk.plain);
        }
      } catch (error) {
        if (error instanceof ChunkFailure)
          return {
            ok: false,
            failure: { at: 'chunk', seq: error.seq, reason: error.reason },
            verifiedChunks: verified,
          };
        throw error;
      }
      if (!item.deletedAt) {
        if (verified !== item.chunks || bytes !== item.bytes)
          return { ok: false, failure: { at: 'item', reason: 'length' }, verifiedChunks: verified };
        if (!lastLink.equals(Buffer.from(item.chain)))
          return { ok: false, failure: { at: 'item', reason: 'chain' }, verifiedChunks: verified };
      }
      const digest = whole.digest();
      if (
        item.state === 'complete' &&
        !item.deletedAt &&
        item.sha256 &&
        !digest.equals(Buffer.from(item.sha256))
      )
        return { ok: false, failure: { at: 'item', reason: 'sha256' }, verifiedChunks: verified };
      const { check } = await items.custodyLog(database.db, itemId);
      if (!check.ok)
        return {
          ok: false,
          failure: { at: 'custody', seq: check.seq, reason: check.reason },
          verifiedChunks: verified,
        };
      return {
        ok: true,
        chunks: verified,
        bytes,
        complete: item.state === 'complete',
        sha256: item.state === 'complete' ? digest.toString('hex') : null,
      };
    },

    /**
     * An export for counsel (export.ts): the items chosen — an incident's, or these ids, all of
     * this coalition (else none: 404) — each with its facts, its custody log with this export in
     * it, and a reader of its original that checks every chunk as it reads. The export is written
     * into each item's custody log and the audit log before a byte leaves.
     */
    async exportSelection(
      coalitionId: string,
      actor: Actor,
      selection: { incidentId: string } | { itemIds: readonly string[] },
      bundleId: string,
    ): Promise<ExportedItem[]> {
      if (!opensOriginals(actor)) throw notFound();
      const at = now();
      const chosen = await database.transaction(async ({ db }) => {
        const found = await itemsForExport(db, coalitionId, selection);
        const wanted = 'itemIds' in selection ? new Set(selection.itemIds).size : 1;
        if (
          found.length === 0 ||
          found.length < wanted ||
          !found.every(({ item }) => seesEvidenceFacts(actor, item))
        )
          throw new AppError('NOT_FOUND', 'No evidence items to export with these ids.');
        for (const { item } of found) {
          await items.appendCustody(db, item.id, actor, 'exported', { bundleId }, at);
          await items.audit(db, coalitionId, actor, 'evidence.exported', item.id, at);
        }
        return found;
      });
      const exported: ExportedItem[] = [];
      for (const { item, recorder } of chosen) {
        const log = await items.custodyLog(database.db, item.id);
        exported.push({
          facts: items.factsOf(item, actor, recorder),
          custody: log.entries.map(({ entry }) => entry),
          custodyCheck: log.check,
          original:
            item.deletedAt || item.chunks === 0
              ? null
              : async function* () {
                  try {
                    for await (const chunk of items.openedChunks(database.db, item))
                      yield {
                        seq: chunk.seq,
                        bytes: chunk.plain,
                        link: chunk.link,
                        receivedAt: chunk.receivedAt,
                      };
                  } catch (error) {
                    if (!(error instanceof ChunkFailure)) throw error;
                    yield { failure: { seq: error.seq, reason: error.reason } };
                  }
                },
        });
      }
      return exported;
    },
  };
}
