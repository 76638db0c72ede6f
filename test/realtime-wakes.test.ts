import { randomUUID } from 'node:crypto';
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../src/server/db/schema.js';
import { insertReportAnnounced } from '../src/server/modules/reports/reports.repo.js';
import type { DomainEvent } from '../src/server/realtime/events.js';
import { recordEvents } from '../src/server/realtime/events.repo.js';
import { type RealtimeHub, startRealtimeHub } from '../src/server/realtime/hub.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';

/**
 * Events are recorded without a NOTIFY in the writing transaction (it would
 * serialize every commit on PostgreSQL's notify lock); the writer wakes the
 * hubs after its commit, and a hub reads what is new. These tests hold the
 * promises that rest on that: each event reaches a listener exactly once even
 * when ids commit out of order, a wake that never came is made up by the
 * safety poll, and the report insert carries no NOTIFY.
 */
let db: TestDatabase;
let hub: RealtimeHub;
const heard: DomainEvent[] = [];
const errors: unknown[] = [];
const coalitionId = randomUUID();

beforeAll(async () => {
  db = await createTestDatabase();
  // A short safety poll: the lost-wake test waits for it rather than for a second.
  hub = await startRealtimeHub(db.database, (error) => errors.push(error), { safetyPollMs: 100 });
  hub.tap((event) => heard.push(event));
});
afterAll(async () => {
  await hub?.close();
  await db?.database.close();
  await db?.drop();
});

/** Waits until the hub has handed on an event of this subject (the test's own time-out bounds it). */
async function heardOf(subjectId: string): Promise<DomainEvent> {
  for (;;) {
    const event = heard.find((e) => e.subjectId === subjectId);
    if (event) return event;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Records one event the way every module does: in a transaction, waking the hubs on commit. */
async function recordOne(subjectId = randomUUID()): Promise<string> {
  await db.database.transaction((tx) =>
    recordEvents(tx.client, coalitionId, [{ type: 'incident.updated', subjectId }]),
  );
  return subjectId;
}

describe('the realtime hub without NOTIFY in the writing transaction', () => {
  it('hands on an event whose id was allocated earlier but committed later, exactly once', async () => {
    // The id a slow transaction took before the others, committed only after a newer one.
    const { rows } = await db.database.pool.query<{ id: string }>(
      `select nextval(pg_get_serial_sequence('domain_events', 'id')) as id`,
    );
    const lateId = Number(rows[0]?.id);
    const newer = await recordOne();
    expect((await heardOf(newer)).id).toBeGreaterThan(lateId);

    const late = randomUUID();
    await db.database.transaction(async (tx) => {
      await tx.client.query(
        `insert into domain_events (id, coalition_id, type, subject_id) values ($1, $2, 'incident.updated', $3)`,
        [lateId, coalitionId, late],
      );
    });
    db.database.wake('faro_events');
    expect((await heardOf(late)).id).toBe(lateId);

    // More wakes and reads: nothing is handed on twice. Reads are one at a time and in order, so once
    // the next event is heard, every read that could have repeated the late one is over.
    db.database.wake('faro_events');
    const next = await recordOne();
    await heardOf(next);
    const ids = heard.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(heard.filter((e) => [newer, late, next].includes(e.subjectId)).map((e) => e.subjectId)).toEqual([
      newer,
      late,
      next,
    ]);
  });

  it('finds an event whose wake never came (the writer died after its commit) by its safety poll', async () => {
    const orphan = randomUUID();
    // Written straight through the pool: committed, and no one is woken.
    await db.database.pool.query(
      `insert into domain_events (coalition_id, type, subject_id) values ($1, 'incident.updated', $2)`,
      [coalitionId, orphan],
    );
    expect((await heardOf(orphan)).subjectId).toBe(orphan);
  });

  it('announces nothing a rolled-back transaction recorded', async () => {
    const rolledBack = randomUUID();
    await expect(
      db.database.transaction(async (tx) => {
        await recordEvents(tx.client, coalitionId, [{ type: 'incident.updated', subjectId: rolledBack }]);
        throw new Error('changed our mind');
      }),
    ).rejects.toThrow('changed our mind');
    const after = await recordOne();
    await heardOf(after);
    expect(heard.some((e) => e.subjectId === rolledBack)).toBe(false);
  });

  it('inserts a report and its event with no NOTIFY in the statement, and still announces it', async () => {
    const { rows } = await db.database.pool.query<{ coalition_id: string; id: string }>(
      'select coalition_id, id from zones limit 1',
    );
    const zone = rows[0];
    if (!zone) throw new Error('the test database has no zone');
    const row = (id: string) => ({
      id,
      coalitionId: zone.coalition_id,
      receipt: `W${id.slice(0, 7)}`.toUpperCase(),
      channel: 'web' as const,
      language: 'en' as const,
      activity: 'checkpoint' as const,
      firsthand: true,
      zoneId: zone.id,
      observedAt: new Date(),
    });

    // The statement as the repository builds it, seen on its way to the database.
    const statements: string[] = [];
    const pool = db.database.pool;
    const watched = new Proxy(pool, {
      get(target, key) {
        if (key !== 'query') return Reflect.get(target, key);
        return (query: string | { text: string }, ...rest: unknown[]) => {
          statements.push(typeof query === 'string' ? query : query.text);
          return (target.query as (...args: unknown[]) => unknown)(query, ...rest);
        };
      },
    });
    const watchedReport = randomUUID();
    expect(await insertReportAnnounced(drizzle(watched, { schema }), row(watchedReport))).toBe(true);
    const insert = statements.find((text) => /insert into "reports"/i.test(text)) ?? '';
    expect(insert).toMatch(/insert into "domain_events"/i);
    expect(insert).not.toMatch(/notify/i);

    // Through a transaction, as the report service writes: heard once it commits.
    const reportId = randomUUID();
    await db.database.transaction((tx) => insertReportAnnounced(tx.db, row(reportId)));
    expect((await heardOf(reportId)).type).toBe('report.created');
    // The one written through an executor the database layer did not hand out woke no one: the poll found it.
    expect((await heardOf(watchedReport)).type).toBe('report.created');
    expect(errors).toEqual([]);
  });
});

describe.skipIf(!process.env.DATABASE_URL)(
  'a transaction that commits its event long after a newer one',
  () => {
    it('has it handed on live, however long after the gap was seen (PostgreSQL)', async () => {
      // A hub that would give a gap up after 200 ms if it went by time alone.
      const patient: DomainEvent[] = [];
      const other = await startRealtimeHub(db.database, (error) => errors.push(error), {
        safetyPollMs: 50,
        gapWaitMs: 200,
      });
      other.tap((event) => patient.push(event));
      const slow = await db.database.pool.connect();
      try {
        // The slow transaction takes its id first, and holds it.
        const late = randomUUID();
        await slow.query('begin');
        await slow.query(
          `insert into domain_events (coalition_id, type, subject_id) values ($1, 'incident.updated', $2)`,
          [coalitionId, late],
        );
        const newer = await recordOne();
        const heardBy = async (subjectId: string) => {
          for (;;) {
            const event = patient.find((e) => e.subjectId === subjectId);
            if (event) return event;
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        };
        await heardBy(newer);
        // Many reads, and five times the gap's wait, while the slow one is still open.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await slow.query('commit');
        db.database.wake('faro_events');
        expect((await heardBy(late)).subjectId).toBe(late);
        expect(patient.filter((e) => e.subjectId === late)).toHaveLength(1);
      } finally {
        slow.release();
        await other.close();
      }
    });
  },
);

describe('a wake that carries its events', () => {
  it('has them handed on without a read when they follow the last event handed on', async () => {
    // The hub's reads, counted: each is one statement taking the snapshot.
    let reads = 0;
    const pool = new Proxy(db.database.pool, {
      get(target, key) {
        if (key !== 'query') return Reflect.get(target, key);
        return (text: string, ...rest: unknown[]) => {
          if (typeof text === 'string' && text.includes('pg_current_snapshot')) reads += 1;
          return (target.query as (...args: unknown[]) => unknown).call(target, text, ...rest);
        };
      },
    });
    const seen: DomainEvent[] = [];
    // No safety poll within the test: every read it makes is one a wake asked for.
    const carried = await startRealtimeHub({ ...db.database, pool }, (error) => errors.push(error), {
      safetyPollMs: 600_000,
    });
    carried.tap((event) => seen.push(event));
    const heardBy = async (subjectId: string) => {
      for (;;) {
        const event = seen.find((e) => e.subjectId === subjectId);
        if (event) return event;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    try {
      // The first may follow ids a rolled-back transaction took (then it is read); the next follows it.
      await heardBy(await recordOne());
      const before = reads;
      const next = await recordOne();
      await heardBy(next);
      expect(reads).toBe(before);
      // Several events of one transaction, in their order.
      const subjects = [randomUUID(), randomUUID(), randomUUID()];
      await db.database.transaction((tx) =>
        recordEvents(
          tx.client,
          coalitionId,
          subjects.map((subjectId) => ({ type: 'incident.updated' as const, subjectId })),
        ),
      );
      await heardBy(subjects[2] as string);
      expect(seen.slice(-3).map((e) => e.subjectId)).toEqual(subjects);
      expect(reads).toBe(before);
    } finally {
      await carried.close();
    }
  });
});
