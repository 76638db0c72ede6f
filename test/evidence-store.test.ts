import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChunkStore,
  createFolderChunkStore,
  databaseChunkStore,
} from '../src/server/modules/evidence/chunk-store.js';
import { putChunks } from '../src/server/modules/evidence/evidence.repo.js';
import { createEvidenceService } from '../src/server/modules/evidence/evidence.service.js';
import { enqueueWorkingCopyOn } from './support/evidence.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { responderOutOnIncident } from './support/state.js';

/**
 * Issue 15: originals are kept behind a storage interface (the database
 * today; an object store can implement it later). Every byte written, read,
 * sealed as last and deleted goes through it — a store that changes a byte
 * on the way out is caught by verification, naming the chunk.
 */
let t: TestFaro;
let incidentId: string;
let recorder: { userId: string };
let coalitionId: string;

beforeAll(async () => {
  t = await startTestFaro();
  ({ incidentId, responder: recorder } = await responderOutOnIncident(t));
  const { rows } = await t.faro.database.db.execute<{ coalition_id: string }>(
    sql`select coalition_id from incidents where id = ${incidentId}`,
  );
  coalitionId = rows[0]?.coalition_id ?? '';
});
afterAll(async () => t?.stop());

/** A store that counts what it is asked, and can change one byte of a chunk it reads. */
function watchedStore() {
  const calls: string[] = [];
  let tamperSeq: number | null = null;
  const store: ChunkStore = {
    keep: (chunks) => {
      calls.push(`write ${chunks.map((chunk) => chunk.seq).join(',')}`);
      return databaseChunkStore.keep(chunks);
    },
    read: async (db, itemId, fromSeq, count) => {
      calls.push(`read ${fromSeq}`);
      const rows = await databaseChunkStore.read(db, itemId, fromSeq, count);
      return rows.map((row) => {
        if (row.seq !== tamperSeq) return row;
        const sealed = Buffer.from(row.sealed);
        sealed[sealed.length >> 1] = (sealed[sealed.length >> 1] ?? 0) ^ 1;
        return { ...row, sealed };
      });
    },
    sealAsLast: (db, itemId, seq, sealed) => {
      calls.push(`last ${seq}`);
      return databaseChunkStore.sealAsLast(db, itemId, seq, sealed);
    },
    remove: (db, itemId) => {
      calls.push('remove');
      return databaseChunkStore.remove(db, itemId);
    },
    release: (db, itemId) => {
      calls.push('release');
      return databaseChunkStore.release(db, itemId);
    },
  };
  return { store, calls, tamper: (seq: number | null) => (tamperSeq = seq) };
}

describe('the store of originals', () => {
  it('is the only way bytes are written, read, sealed as last and deleted', async () => {
    const watched = watchedStore();
    let clock = new Date();
    const evidence = createEvidenceService({
      database: t.faro.database,
      box: t.faro.box,
      now: () => clock,
      retentionDays: 90,
      enqueueWorkingCopy: enqueueWorkingCopyOn(t),
      store: watched.store,
    });
    const actor = {
      userId: recorder.userId,
      roles: ['responder'],
      permissions: ['evidence:record' as const],
      tokenHash: 'x',
    };
    const { item } = await evidence.start(coalitionId, actor, {
      incidentId,
      kind: 'audio',
      source: 'recording',
      contentType: 'audio/webm',
    });
    const slices = [
      Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), randomBytes(5000)]),
      randomBytes(7000),
    ];
    for (const [index, slice] of slices.entries())
      await evidence.appendSlice(coalitionId, actor, item.id, index + 1, slice);
    expect(watched.calls).toEqual(['write 1', 'write 2']);
    watched.calls.length = 0;
    await evidence.finish(coalitionId, actor, item.id, { chunks: 2 });
    // The last chunk read and sealed again as the last, then the whole read back to hash it.
    expect(watched.calls).toEqual(['read 2', 'last 2', 'read 1', 'release']);

    expect(await evidence.verify(coalitionId, item.id)).toMatchObject({ ok: true, chunks: 2 });
    watched.tamper(2);
    expect(await evidence.verify(coalitionId, item.id)).toMatchObject({
      ok: false,
      failure: { at: 'chunk', seq: 2, reason: 'seal' },
      verifiedChunks: 1,
    });
    watched.tamper(null);

    watched.calls.length = 0;
    clock = new Date(clock.getTime() + 91 * 86_400_000);
    expect(await evidence.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(watched.calls).toContain('remove');
    const { rows } = await t.faro.database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from evidence_chunks where item_id = ${item.id}`,
    );
    expect(rows[0]?.n).toBe(0);
  });
});

describe('a folder as the store (EVIDENCE_STORE_DIR)', () => {
  const MARKER = Buffer.from('FARO-FOLDER-PLAINTEXT-MARKER');
  let root: string;
  let evidence: ReturnType<typeof createEvidenceService>;
  let store: ChunkStore;
  let clock = new Date();
  const actor = () => ({
    userId: recorder.userId,
    roles: ['responder'],
    permissions: ['evidence:record' as const],
    tokenHash: 'x',
  });
  const legal = () => ({
    userId: recorder.userId,
    roles: ['legal'],
    permissions: ['evidence:legal' as const],
    tokenHash: 'y',
  });
  const filesOf = async (itemId: string) =>
    (await readdir(path.join(root, itemId.slice(0, 2), itemId)).catch(() => [] as string[])).sort();
  const originalOf = async (itemId: string) => {
    const parts: Buffer[] = [];
    const { stream } = await evidence.original(coalitionId, legal(), itemId, 'downloaded');
    for await (const part of stream) parts.push(Buffer.from(part));
    return Buffer.concat(parts);
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'faro-evidence-store-'));
    store = createFolderChunkStore(root);
    evidence = createEvidenceService({
      database: t.faro.database,
      box: t.faro.box,
      now: () => clock,
      retentionDays: 90,
      enqueueWorkingCopy: enqueueWorkingCopyOn(t),
      store,
    });
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('keeps a recording as one sealed file per chunk, named in the database, and reads it back whole', async () => {
    const { item } = await evidence.start(coalitionId, actor(), {
      incidentId,
      kind: 'audio',
      source: 'recording',
      contentType: 'audio/webm',
    });
    const slices = [
      Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), MARKER, randomBytes(3000)]),
      Buffer.concat([MARKER, randomBytes(4000), MARKER]),
    ];
    for (const [index, slice] of slices.entries())
      await evidence.appendSlice(coalitionId, actor(), item.id, index + 1, slice);
    await evidence.finish(coalitionId, actor(), item.id, { chunks: 2 });
    // The last chunk's earlier seal was let go once the completion committed.
    expect(await filesOf(item.id)).toHaveLength(2);
    const { rows } = await t.faro.database.db.execute<{ sealed: unknown; blob: string }>(
      sql`select sealed, blob from evidence_chunks where item_id = ${item.id} order by seq`,
    );
    expect(rows.map((row) => row.sealed)).toEqual([null, null]);
    expect(rows.map((row) => row.blob).sort()).toEqual(await filesOf(item.id));
    for (const name of await filesOf(item.id)) {
      const bytes = await readFile(path.join(root, item.id.slice(0, 2), item.id, name));
      expect(bytes.includes(MARKER)).toBe(false);
    }
    expect(await originalOf(item.id)).toEqual(Buffer.concat(slices));
    expect(await evidence.verify(coalitionId, item.id)).toMatchObject({
      ok: true,
      chunks: 2,
      complete: true,
    });

    // A byte of a file changed on disk: verification names the chunk.
    const second = rows[1]?.blob ?? '';
    const file = path.join(root, item.id.slice(0, 2), item.id, second);
    const bytes = await readFile(file);
    bytes[10] = (bytes[10] ?? 0) ^ 0xff;
    await writeFile(file, bytes);
    expect(await evidence.verify(coalitionId, item.id)).toMatchObject({
      ok: false,
      failure: { at: 'chunk', seq: 2, reason: 'seal' },
      verifiedChunks: 1,
    });
  });

  it('continues an upload cut mid-chunk from its sealed tail, and lets the replaced tails go at the end', async () => {
    const MiB = 1024 * 1024;
    const file = Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from('ftypisom'),
      Buffer.alloc(12),
      randomBytes(2 * MiB + 1234),
    ]);
    const item = await evidence.startUpload(coalitionId, actor(), {
      incidentId,
      kind: 'video',
      contentType: 'video/mp4',
      expectedBytes: file.length,
    });
    // Cut after 1.5 MiB: one whole chunk and a sealed tail of half a chunk.
    const cut = Math.round(1.5 * MiB);
    async function* thenCut() {
      yield file.subarray(0, cut);
      throw new Error('connection reset');
    }
    await expect(evidence.appendUpload(coalitionId, actor(), item.id, 0, thenCut())).rejects.toThrow(
      'connection reset',
    );
    expect((await evidence.uploadState(coalitionId, actor(), item.id)).bytes).toBe(cut);
    expect(await filesOf(item.id)).toHaveLength(2);
    expect(await evidence.appendUpload(coalitionId, actor(), item.id, cut, [file.subarray(cut)])).toBe(
      file.length,
    );
    // Three chunks, each in one file: the half tail and the last chunk's earlier seal are gone.
    expect(await filesOf(item.id)).toHaveLength(3);
    expect(await originalOf(item.id)).toEqual(file);
    expect(await evidence.facts(coalitionId, legal(), item.id)).toMatchObject({
      state: 'complete',
      sha256: createHash('sha256').update(file).digest('hex'),
    });
  }, 120_000);

  it('keeps the old chunk when the transaction naming a new file does not commit', async () => {
    const { item } = await evidence.start(coalitionId, actor(), {
      incidentId,
      kind: 'audio',
      source: 'recording',
      contentType: 'audio/webm',
    });
    const first = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), randomBytes(500)]);
    await evidence.appendSlice(coalitionId, actor(), item.id, 1, first);
    const [kept] = await store.read(t.faro.database.db, item.id, 1, 1);
    if (!kept) throw new Error('no chunk');
    await expect(
      t.faro.database.transaction(async ({ db }) => {
        await putChunks(db, await store.keep([{ ...kept, sealed: randomBytes(kept.sealed.length) }]));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await filesOf(item.id)).toHaveLength(2);
    expect(await evidence.verify(coalitionId, item.id)).toMatchObject({ ok: true, chunks: 1 });
    await evidence.finish(coalitionId, actor(), item.id, { chunks: 1 });
    // The file no row names is let go with the earlier seal when the item completes.
    expect(await filesOf(item.id)).toHaveLength(1);
  });

  it('deletes an item’s folder when retention deletes its original', async () => {
    clock = new Date(Date.now() + 91 * 86_400_000);
    await evidence.purgeExpired();
    const { rows } = await t.faro.database.db.execute<{ id: string }>(
      sql`select id from evidence_items where deleted_at is not null`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const { id } of rows) expect(await filesOf(id)).toEqual([]);
  });
});
