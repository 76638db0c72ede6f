import { type SealedColumn, sealedById } from '../../crypto/sealed-column.js';

/**
 * What the evidence module seals with the server key, for `faro keys reseal`. The chunks are
 * sealed with each item's own key, which is itself sealed (`wrapped_key`): re-wrapping that key
 * is enough, the chunks stay as they are. The reasons in the chain of custody are covered by its
 * hashes: counted, never re-sealed.
 */
export const EVIDENCE_SEALED: SealedColumn[] = [
  sealedById('evidence_items', 'wrapped_key', 'evidence-key:', 'bytes'),
  sealedById('evidence_items', 'hold_reason', 'evidence-hold:'),
  {
    table: 'evidence_working_copies',
    key: 'item_id',
    column: 'sealed',
    kind: 'bytes',
    context: { prefix: 'evidence-working-copy:', column: 'item_id' },
    batchSize: 10,
  },
  {
    table: 'evidence_custody',
    key: 'item_id', // (item, seq) names a row; never written
    column: 'details',
    field: 'reason',
    kind: 'text',
    context: { prefix: 'evidence-hold:', column: 'item_id' },
    immutable: true,
  },
];
