import type { EvidenceItem } from '../../../shared/evidence.js';
import { AppError } from '../../http/errors.js';
import { opensOriginals } from './evidence.policy.js';
import { deleteWorkingCopy, expiredItems, findItem, updateItem } from './evidence.repo.js';
import type { Actor } from './evidence.service.js';
import { holdContext, type Items, notFound } from './items.js';

/**
 * How long an original is kept: its own retention, unless the legal team
 * holds it with a reason; the retention job deletes the originals nobody
 * holds and keeps their facts and custody logs.
 */
export function createHolds(items: Items) {
  const { database, box, now } = items;
  return {
    /** A legal hold (legal team): the retention job never deletes a held original. */
    async hold(
      coalitionId: string,
      actor: Actor,
      itemId: string,
      set: boolean,
      reason: string,
    ): Promise<EvidenceItem> {
      if (!opensOriginals(actor)) throw notFound();
      const at = now();
      return database.transaction(async ({ db }) => {
        const item = await items.visible(db, coalitionId, actor, itemId, true);
        if (item.deletedAt) throw new AppError('GONE', 'This original is no longer kept.');
        if (set === (item.holdAt !== null)) return items.factsOf(item, actor);
        await updateItem(db, itemId, {
          holdReason: set ? box.seal(reason, holdContext(itemId)) : null,
          holdBy: set ? actor.userId : null,
          holdAt: set ? at : null,
        });
        // The reason may name a case or a person: sealed in the log too (the hash covers the sealed text).
        await items.appendCustody(
          db,
          itemId,
          actor,
          set ? 'hold_set' : 'hold_lifted',
          { reason: box.seal(reason, holdContext(itemId)) },
          at,
        );
        await items.audit(
          db,
          coalitionId,
          actor,
          set ? 'evidence.hold_set' : 'evidence.hold_lifted',
          itemId,
          at,
        );
        return items.currentFacts(db, coalitionId, itemId, actor);
      });
    },

    /**
     * Deletes the originals past their retention that nobody holds: their chunks go, and a photo's
     * working copy with them; the item's facts and its custody log stay (with the deletion in it).
     * Returns how many.
     */
    async purgeExpired(): Promise<number> {
      const at = now();
      let purged = 0;
      for (;;) {
        const due = await expiredItems(database.db, at, 50);
        if (due.length === 0) return purged;
        for (const { id, coalitionId } of due) {
          const done = await database.transaction(async ({ db }) => {
            const item = await findItem(db, coalitionId, id, true);
            // Held or deleted since it was listed: left as it is.
            if (!item || item.holdAt || item.deletedAt) return false;
            await items.store.remove(db, id);
            await deleteWorkingCopy(db, id);
            await updateItem(db, id, { deletedAt: at });
            await items.appendCustody(db, id, null, 'deleted', { reason: 'retention' }, at);
            await items.audit(db, coalitionId, null, 'evidence.deleted', id, at);
            return true;
          });
          if (done) {
            purged += 1;
            await items.store.release(database.db, id);
          }
        }
      }
    },
  };
}
