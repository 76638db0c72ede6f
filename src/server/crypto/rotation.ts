import { randomBytes } from 'node:crypto';
import type { Database } from '../db/database.js';
import { countQueuedByKid, countSealedByKid, replaceSealed, staleSealed } from '../db/reseal.js';
import type { SealedColumn } from './sealed-column.js';
import { SEALED_COLUMNS } from './sealed-registry.js';
import { LEGACY_KID, type SecretBox } from './secret-box.js';
import { parseKeyFile, writeKeyFile } from './secret-key.js';

const BATCH = 500;

export const columnName = (col: SealedColumn) =>
  `${col.table}.${col.column}${col.field ? `.${col.field}` : ''}`;

export interface ResealProgress {
  column: string;
  done: number;
  total: number;
}

export interface ResealResult {
  resealed: number;
  /** Values changed meanwhile by the application (already sealed with the current key): left as they are. */
  skipped: number;
  /** Values that did not open (named with their column and row): left as they are. */
  failed: string[];
  /** False when stopped by `maxBatches` before the end. */
  complete: boolean;
}

/**
 * Re-seals every declared value not sealed with the current key: per column, in batches (each
 * its own transaction), writing a row only if it still holds the value read (a concurrent write
 * wins). Safe to stop and run again: it only picks values sealed with another key.
 */
export async function resealAll(
  database: Database,
  box: SecretBox,
  options: {
    columns?: readonly SealedColumn[];
    batchSize?: number;
    /** Stop after this many batches (tests: an interrupted run). */
    maxBatches?: number;
    onProgress?: (progress: ResealProgress) => void;
  } = {},
): Promise<ResealResult> {
  const result: ResealResult = { resealed: 0, skipped: 0, failed: [], complete: true };
  let batches = 0;
  for (const col of (options.columns ?? SEALED_COLUMNS).filter((c) => !c.immutable)) {
    const kid = box.currentKid;
    const counts = await countSealedByKid(database.db, col);
    const total = [...counts].reduce((sum, [k, n]) => (k === kid ? sum : sum + n), 0);
    if (total === 0) continue;
    const limit = Math.min(options.batchSize ?? BATCH, col.batchSize ?? BATCH);
    let after: string | null = null;
    let done = 0;
    for (;;) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) {
        result.complete = false;
        return result;
      }
      batches += 1;
      const rows = await database.transaction(async ({ db }) => {
        const stale = await staleSealed(db, col, kid, after, limit);
        for (const row of stale) {
          const context = `${col.context.prefix}${row.context}`;
          let fresh: string | Uint8Array;
          try {
            fresh =
              typeof row.value === 'string'
                ? box.seal(box.open(row.value, context), context)
                : box.sealBytes(box.openBytes(row.value, context), context);
          } catch (error) {
            result.failed.push(`${columnName(col)} ${row.key}: ${(error as Error).message}`);
            continue;
          }
          if (await replaceSealed(db, col, row.key, row.value, fresh)) result.resealed += 1;
          else result.skipped += 1;
        }
        return stale;
      });
      done += rows.length;
      options.onProgress?.({ column: columnName(col), done: Math.min(done, total), total });
      if (rows.length < limit) break;
      after = (rows.at(-1) as { key: string }).key;
    }
  }
  return result;
}

export interface KeyStatus {
  currentKid: string;
  /** Per declared column: how many values use each key id ('v1': sealed before key ids). */
  columns: { column: string; immutable: boolean; kids: Record<string, number> }[];
  /** Sealed values in job payloads, per pg-boss table. */
  jobs: { table: string; kid: string; count: number }[];
  /** Key ids other than the current one still used by re-sealable values or jobs. */
  stillUsed: string[];
  /** Key ids used only by records that are never re-sealed (the chain of custody). */
  usedByImmutable: string[];
}

/** How many sealed values use each key, and whether the keys other than the current one are unused. */
export async function keyStatus(database: Database, box: SecretBox): Promise<KeyStatus> {
  const columns: KeyStatus['columns'] = [];
  const used = new Set<string>();
  const usedImmutable = new Set<string>();
  for (const col of SEALED_COLUMNS) {
    const counts = await countSealedByKid(database.db, col);
    columns.push({
      column: columnName(col),
      immutable: col.immutable === true,
      kids: Object.fromEntries(counts),
    });
    for (const [kid, n] of counts)
      if (kid !== box.currentKid && n > 0) (col.immutable ? usedImmutable : used).add(kid);
  }
  const jobs = await countQueuedByKid(database.db);
  for (const job of jobs) if (job.kid !== box.currentKid && job.count > 0) used.add(job.kid);
  return {
    currentKid: box.currentKid,
    columns,
    jobs,
    stillUsed: [...used].sort(),
    usedByImmutable: [...usedImmutable].sort(),
  };
}

/** The status as an operator reads it. */
export function describeStatus(status: KeyStatus, kids: readonly string[]): string[] {
  const name = (kid: string) =>
    kid === LEGACY_KID
      ? 'v1 (the original key, sealed before key ids)'
      : kid === status.currentKid
        ? `${kid} (current)`
        : kid;
  const lines = [`Current key: ${status.currentKid}. Keys this process has: ${kids.join(', ')}.`];
  for (const col of status.columns) {
    const entries = Object.entries(col.kids);
    if (entries.length === 0) continue;
    lines.push(
      `  ${col.column}${col.immutable ? ' (never re-sealed)' : ''}: ${entries.map(([kid, n]) => `${name(kid)} ${n}`).join(', ')}`,
    );
  }
  for (const job of status.jobs) lines.push(`  ${job.table} (job payloads): ${name(job.kid)} ${job.count}`);
  if (status.stillUsed.length === 0)
    lines.push('Nothing re-sealable uses a key other than the current one: the older keys can be retired.');
  else
    lines.push(
      `Still in use: ${status.stillUsed.map(name).join(', ')}. Run \`faro keys reseal\` (jobs finish by themselves; finished ones are deleted by the queue) before retiring ${status.stillUsed.length > 1 ? 'them' : 'it'}.`,
    );
  if (status.usedByImmutable.length > 0)
    lines.push(
      `The chain of custody of evidence keeps reasons sealed with ${status.usedByImmutable.map(name).join(', ')} (its hashes cover them): retiring ${status.usedByImmutable.length > 1 ? 'those keys' : 'that key'} makes those reasons unreadable; everything else stays verifiable.`,
    );
  return lines;
}

/**
 * Key-file mode: a new key, written first in the key file (atomically, 0600), the older ones
 * after it. Running processes that meet a value sealed with it re-read the file. Returns the keys
 * now in the file, the new one first.
 */
export async function rotateKeyFile(
  file: string,
  read: (file: string) => Promise<string>,
): Promise<Uint8Array[]> {
  const keys = [randomBytes(32), ...parseKeyFile(await read(file))];
  await writeKeyFile(file, keys);
  return keys;
}
