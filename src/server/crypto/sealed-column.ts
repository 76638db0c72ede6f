/**
 * A column whose values are sealed with the server key, declared by the module that owns the
 * table (beside its repository) so that `faro keys reseal` and `faro keys status` reach every
 * sealed value (crypto/rotation.ts; the SQL is generic, in db/reseal.ts).
 */
export interface SealedColumn {
  table: string;
  /** The column that names one row (unique): the re-sealed value is written back by it. */
  key: string;
  column: string;
  /** `box.seal` text, or `box.sealBytes` bytes. */
  kind: 'text' | 'bytes';
  /** The context the value is sealed to: `prefix` followed by the row's `column`. */
  context: { prefix: string; column: string };
  /** A text field of a JSON column holds the sealed value (counted only: see `immutable`). */
  field?: string;
  /**
   * Counted by `faro keys status` but never re-sealed: a record whose hash covers the sealed
   * text (the evidence chain of custody). Retiring the key that sealed it makes it unreadable.
   */
  immutable?: boolean;
  /** Rows re-sealed per transaction (fewer for large blobs). */
  batchSize?: number;
}

/** A column sealed to `<prefix><the row's id>`, the most common shape. */
export const sealedById = (
  table: string,
  column: string,
  prefix: string,
  kind: SealedColumn['kind'] = 'text',
): SealedColumn => ({ table, key: 'id', column, kind, context: { prefix, column: 'id' } });
