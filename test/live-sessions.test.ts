import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/shared/access.js';
import { buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';
import { openSse } from './support/sse.js';
import { personOf } from './support/state.js';

/**
 * Issue 12 item 2: a live stream lives only as long as its session. Two
 * instances on one database stand for two processes: the change is made on
 * one, the stream is held by the other. They check sessions every 30 s (the
 * default), so a stream that ends within seconds ended on the announced change.
 * A third instance, on a clock the test moves, checks every 0.2 s for expiry.
 */
let first: TestFaro;
let second: TestFaro;
let ticking: TestFaro;
let clock = Date.now();
const now = () => new Date(clock);

const sharedDb = async (of: TestFaro) => {
  if (of.db.url === undefined) return of.db; // PGlite is one process's embedded database: share it.
  const { openDatabase } = await import('../src/server/db/database.js');
  const database = await openDatabase({ kind: 'postgres', url: of.db.url, poolSize: 3 });
  return { database, url: of.db.url, drop: async () => undefined };
};

beforeAll(async () => {
  first = await startTestFaro({ listen: true });
  second = await startTestFaro({ listen: true, db: await sharedDb(first) });
  ticking = await startTestFaro({
    listen: true,
    db: await sharedDb(first),
    now,
    env: { SESSION_RECHECK_SECONDS: '0.2' },
  });
});
afterAll(async () => {
  for (const other of [ticking, second]) {
    await other?.stop();
    if (other && other.db !== first?.db) await other.db.database.close();
  }
  await first?.stop();
});

const person = async (role: Role, clockOf: () => Date = () => new Date()) => {
  const who = await createPerson(first.faro.database, first.faro.box, { role });
  return { ...who, session: await sessionFor(first.faro.database, who.id, clockOf) };
};
const send = (baseUrl: string, actor: StaffSession, url: string, body: unknown = {}) =>
  fetch(`${baseUrl}${url}`, {
    method: 'POST',
    headers: { ...actor.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const postReport = () =>
  fetch(`${first.baseUrl}/api/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(buildReportInput({ activity: 'raid' })),
  });
/** The organization where the person holds their role. */
const organizationOf = async (userId: string) =>
  (await personOf(first, userId)).memberships[0]?.organizationId as string;

/** Opens the board stream, proves it is live, runs `end`, and checks that the stream ends and stays quiet. */
async function boardEndsOn(end: (dispatcher: StaffSession & { id: string }) => Promise<void>) {
  const dispatcher = await person('dispatcher');
  const stream = await openSse(`${second.baseUrl}/api/events`, dispatcher.session.headers);
  await stream.waitFor((m) => m.event === 'ready');
  expect((await postReport()).status).toBe(201);
  await stream.waitFor((m) => m.event === 'incident.updated');
  await end({ ...dispatcher.session, id: dispatcher.id });
  await Promise.race([
    stream.closed,
    new Promise((_, reject) => setTimeout(() => reject(new Error('the stream is still open')), 5_000)),
  ]);
  const seen = stream.messages.length;
  // A board still open on the same process hears of the next report; the ended one has nothing more.
  const witness = await openSse(`${second.baseUrl}/api/events`, (await person('dispatcher')).session.headers);
  await witness.waitFor((m) => m.event === 'ready');
  expect((await postReport()).status).toBe(201);
  await witness.waitFor((m) => m.event === 'incident.updated');
  await witness.close();
  expect(stream.messages.length).toBe(seen);
  // Coming back with the same cookie is refused.
  await expect(openSse(`${second.baseUrl}/api/events`, dispatcher.session.headers)).rejects.toThrow(
    /answered 40[13]/,
  );
}

/**
 * Has the session behind a board stream on `ticking` checked now, and resolves once that check
 * has said yes: another session of the same person signs out, which announces a change to the
 * person's access; the stream holds what it would send until the check it triggers answers, so
 * the next report's event arriving proves the check allowed the stream (a refusal ends it).
 */
async function checkedNow(stream: Awaited<ReturnType<typeof openSse>>, userId: string) {
  const other = await sessionFor(first.faro.database, userId, now);
  expect((await send(ticking.baseUrl, other, '/api/auth/sign-out')).status).toBe(200);
  const seen = stream.messages.length;
  expect((await postReport()).status).toBe(201);
  await stream.waitFor((m) => m.event === 'incident.updated' && stream.messages.indexOf(m) >= seen);
}

describe('issue 12 item 2: the board stream ends with the session', () => {
  it('ends on sign-out (made through another process)', async () => {
    await boardEndsOn(async (dispatcher) => {
      expect((await send(first.baseUrl, dispatcher, '/api/auth/sign-out')).status).toBe(200);
    });
  });

  it('ends when an admin disables the account', async () => {
    const admin = await staffSession(first.faro.database, 'coalition_admin');
    await boardEndsOn(async (dispatcher) => {
      expect((await send(first.baseUrl, admin, `/api/admin/people/${dispatcher.id}/disable`)).status).toBe(
        200,
      );
    });
  });

  it('ends when the dispatcher role is taken away', async () => {
    const admin = await staffSession(first.faro.database, 'coalition_admin');
    await boardEndsOn(async (dispatcher) => {
      const revoke = await send(first.baseUrl, admin, `/api/admin/people/${dispatcher.id}/roles/revoke`, {
        organizationId: await organizationOf(dispatcher.id),
        role: 'dispatcher',
      });
      expect(revoke.status).toBe(200);
    });
  });

  it('ends when the session idles out, and when it reaches its absolute end', async () => {
    const dispatcher = await person('dispatcher', now);
    const idle = await openSse(`${ticking.baseUrl}/api/events`, dispatcher.session.headers);
    await idle.waitFor((m) => m.event === 'ready');
    clock += 29 * 60_000;
    await checkedNow(idle, dispatcher.id);
    expect(idle.ended).toBe(false); // 29 idle minutes: still allowed
    clock += 2 * 60_000;
    await idle.closed;

    const busy = await person('dispatcher', now);
    const stream = await openSse(`${ticking.baseUrl}/api/events`, busy.session.headers);
    await stream.waitFor((m) => m.event === 'ready');
    // Active every 20 minutes (so never idle) until the 12 hours are up.
    for (let elapsed = 20; elapsed < 12 * 60; elapsed += 20) {
      clock += 20 * 60_000;
      const touch = await fetch(`${ticking.baseUrl}/api/auth/session`, { headers: busy.session.headers });
      expect(touch.status).toBe(200);
    }
    await checkedNow(stream, busy.id);
    expect(stream.ended).toBe(false);
    clock += 21 * 60_000;
    await stream.closed;
  });
});

describe('issue 12 item 2: the responder stream ends with the session', () => {
  it('ends on sign-out and when the responder role is taken away', async () => {
    const admin = await staffSession(first.faro.database, 'coalition_admin');
    for (const end of [
      (responder: StaffSession) => send(first.baseUrl, responder, '/api/auth/sign-out'),
      async (responder: StaffSession & { id: string }) =>
        send(first.baseUrl, admin, `/api/admin/people/${responder.id}/roles/revoke`, {
          organizationId: await organizationOf(responder.id),
          role: 'responder',
        }),
    ]) {
      const responder = await person('responder');
      const stream = await openSse(`${second.baseUrl}/api/responder/events`, responder.session.headers);
      await stream.waitFor((m) => m.event === 'ready');
      expect((await end({ ...responder.session, id: responder.id })).status).toBe(200);
      await Promise.race([
        stream.closed,
        new Promise((_, reject) => setTimeout(() => reject(new Error('the stream is still open')), 5_000)),
      ]);
      await expect(
        openSse(`${second.baseUrl}/api/responder/events`, responder.session.headers),
      ).rejects.toThrow(/answered 40[13]/);
    }
  });
});
