import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChunkStore, databaseChunkStore } from '../src/server/modules/evidence/chunk-store.js';
import { createEvidenceService } from '../src/server/modules/evidence/evidence.service.js';
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
    write: (db, chunks) => {
      calls.push(`write ${chunks.map((chunk) => chunk.seq).join(',')}`);
      return databaseChunkStore.write(db, chunks);
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
    expect(watched.calls).toEqual(['read 2', 'last 2', 'read 1']);

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
