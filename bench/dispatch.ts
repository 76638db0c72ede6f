import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createSecretBox } from '../src/server/crypto/secret-box.js';
import { decodeKey } from '../src/server/crypto/secret-key.js';
import { openDatabase } from '../src/server/db/database.js';
import { insertUser } from '../src/server/modules/access/users.repo.js';
import { publicCellOf } from '../src/server/modules/zones/geo.js';
import { BOYLE_HEIGHTS, buildReportInput } from '../test/support/factories.js';
import { browserKeys } from '../test/support/push-keys.js';
import { sessionFor, staffSession } from '../test/support/sessions.js';
import { openSse } from '../test/support/sse.js';
import { onSeededPostgres } from './engines.js';

/**
 * Dispatch benchmark, on PostgreSQL: R responders on shift, each with the
 * responder app's live stream open and a phone's push subscription (to a
 * local push endpoint); a dispatcher makes N offers through the API; for each,
 * the time from the offer request to that responder's live event and to the
 * push reaching the push endpoint.
 */

export interface DispatchBenchOptions {
  responders: number;
  offers: number;
  postgresUrl: string | undefined;
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

export async function dispatchBench(options: DispatchBenchOptions): Promise<void> {
  if (!options.postgresUrl) {
    console.error('The dispatch benchmark runs on PostgreSQL: set DATABASE_URL or pass --postgres.');
    process.exitCode = 1;
    return;
  }
  const pushed = new Map<string, number>();
  const sink = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      pushed.set(request.url?.split('/').pop() ?? '', performance.now());
      response.statusCode = 201;
      response.end();
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const streams: Awaited<ReturnType<typeof openSse>>[] = [];
  try {
    await onSeededPostgres(options.postgresUrl, 'faro_dispatch', async ({ url, secretKey, start }) => {
      // Responders on shift around Boyle Heights, each with a phone subscribed to pushes.
      const database = await openDatabase({ kind: 'postgres', url, poolSize: 4 });
      const box = await createSecretBox(decodeKey(secretKey));
      const { rows } = await database.pool.query<{ organization_id: string; coalition_id: string }>(
        'select id as organization_id, coalition_id from organizations limit 1',
      );
      const org = rows[0];
      if (!org) throw new Error('no organization');
      const responders: { id: string; headers: Record<string, string> }[] = [];
      for (let i = 0; i < options.responders; i++) {
        const user = await insertUser(database.db, {
          coalitionId: org.coalition_id,
          email: `bench-responder-${i}@bench.faro.invalid`,
          displayName: `Responder ${i}`,
          passwordHash: 'not-a-password',
        });
        await database.pool.query(
          `insert into memberships (user_id, organization_id, role) values ($1, $2, 'responder')`,
          [user.id, org.organization_id],
        );
        const angle = (i / options.responders) * 2 * Math.PI;
        const km = 1 + (i % 10);
        const cell = publicCellOf(
          BOYLE_HEIGHTS.lat + (km / 111) * Math.sin(angle),
          BOYLE_HEIGHTS.lng + (km / 92) * Math.cos(angle),
        );
        await database.pool.query(
          `insert into shifts (coalition_id, user_id, started_at, planned_end_at, location_cell, location_at)
         values ($1, $2, now(), now() + interval '4 hours', $3, now())`,
          [org.coalition_id, user.id, cell],
        );
        const id = randomUUID();
        const subscription = { endpoint: `${sinkUrl}/push/${user.id}`, keys: browserKeys(1)[0] };
        await database.pool.query(
          'insert into staff_push_subscriptions (id, user_id, subscription, endpoint_digest) values ($1, $2, $3, $4)',
          [id, user.id, box.seal(JSON.stringify(subscription), `staff-push:${id}`), `bench-${id}`],
        );
        responders.push({ id: user.id, headers: (await sessionFor(database, user.id)).headers });
        if (i % 50 === 0) process.stderr.write(`\r  responders ${i}/${options.responders}`);
      }
      process.stderr.write('\n');
      const dispatcher = await staffSession(database, 'dispatcher');
      await database.close();

      const server = await start();
      try {
        // Every responder's app is open: one live stream each.
        for (const responder of responders)
          streams.push(await openSse(`${server.baseUrl}/api/responder/events`, responder.headers));
        await Promise.all(streams.map((s) => s.waitFor((m) => m.event === 'ready', 30_000)));
        // Incidents far apart, one per offer.
        const incidentIds: string[] = [];
        for (let i = 0; i < options.offers; i++) {
          const response = await fetch(`${server.baseUrl}/api/reports`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(
              buildReportInput({ location: { lat: 35 + i * 0.05, lng: -117 }, activity: 'raid' }),
            ),
          });
          const { id } = (await response.json()) as { id: string };
          incidentIds.push(id);
        }
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const pool = new pg.Pool({ connectionString: url, max: 2 });
        const { rows: grouped } = await pool.query<{ id: string; incident_id: string }>(
          'select id, incident_id from reports where id = any($1::uuid[])',
          [incidentIds],
        );
        await pool.end();
        const incidentOf = new Map(grouped.map((r) => [r.id, r.incident_id]));

        const toEvent: number[] = [];
        const toPush: number[] = [];
        for (let i = 0; i < options.offers; i++) {
          const responder = responders[i % responders.length];
          const incidentId = incidentOf.get(incidentIds[i] ?? '');
          const stream = streams[i % streams.length];
          if (!responder || !incidentId || !stream) continue;
          const before = stream.messages.length;
          const started = performance.now();
          const offered = await fetch(`${server.baseUrl}/api/incidents/${incidentId}/assignments`, {
            method: 'POST',
            headers: { ...dispatcher.headers, 'content-type': 'application/json' },
            body: JSON.stringify({ responderId: responder.id }),
          });
          if (offered.status !== 201) throw new Error(`offer: ${offered.status} ${await offered.text()}`);
          await stream.waitFor((m) => m.event === 'changed' && stream.messages.indexOf(m) >= before, 10_000);
          toEvent.push(performance.now() - started);
          const deadline = Date.now() + 15_000;
          while (!pushed.has(responder.id) && Date.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 2));
          const at = pushed.get(responder.id);
          if (at !== undefined) toPush.push(at - started);
          pushed.delete(responder.id);
          if (i % 20 === 0) process.stderr.write(`\r  offers ${i}/${options.offers}`);
        }
        process.stderr.write('\n');
        console.log(
          `\n${options.responders} responders on shift, each with the app's live stream open; ${options.offers} offers, one at a time\n`,
        );
        console.log('| measure                         |  p50 ms |  p99 ms |   n |');
        console.log('|---------------------------------|--------:|--------:|----:|');
        const row = (label: string, values: number[]) =>
          console.log(
            `| ${label.padEnd(31)} | ${percentile(values, 50).toFixed(1).padStart(7)} | ${percentile(values, 99).toFixed(1).padStart(7)} | ${String(values.length).padStart(3)} |`,
          );
        row('offer → responder live event', toEvent);
        row('offer → push at push service', toPush);
      } finally {
        for (const stream of streams) await stream.close();
        server.child.kill('SIGTERM');
        await server.exited;
      }
    });
  } finally {
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
}
