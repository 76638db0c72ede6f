import http from 'node:http';
import { openDatabase } from '../src/server/db/database.js';
import { buildReportInput } from '../test/support/factories.js';
import type { ServerProcess } from '../test/support/process.js';
import { staffSession } from '../test/support/sessions.js';
import { percentile } from './dispatch.js';
import { onSeededPostgres } from './engines.js';

/**
 * Live board benchmark, on PostgreSQL: many dispatch boards (`/api/events`)
 * spread over two web processes, with a worker grouping reports, as a coalition
 * behind a load balancer runs it in a surge. Reports are posted one after
 * another, each at a place of its own (so each opens an incident); for each,
 * the time from the report's 201 to its incident's event on every board. Then
 * every board's event ids are compared with all the events: missed ones counted.
 */

export interface LiveBenchOptions {
  streams: number;
  reports: number;
  postgresUrl: string | undefined;
}

/** One board's stream: event ids with their arrival times, read with as little work as possible. */
interface Board {
  events: { id: number; type: string; at: number; incident?: string }[];
  ready: Promise<void>;
  close(): void;
}

function openBoard(baseUrl: string, headers: Record<string, string>, agent: http.Agent): Board {
  const events: Board['events'] = [];
  let markReady: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    fail = reject;
  });
  const request = http.get(
    `${baseUrl}/api/events`,
    { headers: { accept: 'text/event-stream', ...headers }, agent },
    (response) => {
      if (response.statusCode !== 200) {
        fail(new Error(`board answered ${response.statusCode}`));
        response.resume();
        return;
      }
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk: string) => {
        const at = performance.now();
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          let id: number | undefined;
          let type = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('id:')) id = Number(line.slice(3).trim());
            else if (line.startsWith('event:')) type = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
          }
          if (type === 'ready') markReady();
          else if (id !== undefined) {
            const incident =
              type === 'incident.updated' ? data.match(/"incident":\{"id":"([^"]+)"/)?.[1] : undefined;
            events.push({ id, type, at, ...(incident ? { incident } : {}) });
          }
        }
      });
    },
  );
  request.on('error', (error) => fail(error));
  return { events, ready, close: () => request.destroy() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function liveBench(options: LiveBenchOptions): Promise<void> {
  if (!options.postgresUrl) {
    console.error('The live benchmark runs on PostgreSQL: set DATABASE_URL or pass --postgres.');
    process.exitCode = 1;
    return;
  }
  await onSeededPostgres(options.postgresUrl, 'faro_live', async ({ url, start }) => {
    const database = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
    const dispatcher = await staffSession(database, 'dispatcher');
    await database.close();

    const servers: ServerProcess[] = [];
    const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
    const boards: Board[] = [];
    try {
      // Two web processes and a worker that groups (one process each, as roles allow).
      servers.push(await start(roleEnv('web')), await start(roleEnv('web')), await start(roleEnv('worker')));
      const web = servers.slice(0, 2);
      for (let i = 0; i < options.streams; i++) {
        boards.push(openBoard(web[i % web.length]?.baseUrl ?? '', dispatcher.headers, agent));
        if (i % 50 === 49) await sleep(20);
      }
      await Promise.all(boards.map((board) => board.ready));
      await sleep(500);

      const latencies: number[] = [];
      const lastArrivals: number[] = [];
      const firstArrivals: number[] = [];
      let late = 0;
      for (let n = 0; n < options.reports; n++) {
        const input = buildReportInput({
          activity: 'checkpoint',
          // Places about 1.5 km apart: each report opens an incident of its own.
          location: {
            lat: 33.95 + (n % 10) * 0.015,
            lng: -118.4 + Math.floor(n / 10) * 0.015,
            place: `Corner ${n}`,
          },
        });
        const writer = web[n % web.length] as ServerProcess;
        const sent = performance.now();
        const response = await fetch(`${writer.baseUrl}/api/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
        if (response.status !== 201) throw new Error(`report answered ${response.status}`);
        const { id: reportId } = (await response.json()) as { id: string };
        const accepted = performance.now();
        // The incident this report is in (a worker grouped it), then its first event on each board.
        const incidentId = await incidentOf(writer.baseUrl, dispatcher.headers, reportId);
        const until = Date.now() + 10_000;
        const arrivals: number[] = [];
        for (const board of boards) {
          let found = board.events.find((e) => e.incident === incidentId && e.at >= sent);
          while (!found && Date.now() < until) {
            await sleep(5);
            found = board.events.find((e) => e.incident === incidentId && e.at >= sent);
          }
          if (found) arrivals.push(found.at - accepted);
          else late += 1;
        }
        latencies.push(...arrivals);
        if (arrivals.length > 0) {
          firstArrivals.push(Math.min(...arrivals));
          lastArrivals.push(Math.max(...arrivals));
        }
        await sleep(100);
      }
      await sleep(2_000);

      // Missed: an event some board got that another did not.
      const all = new Set<number>();
      for (const board of boards) for (const event of board.events) all.add(event.id);
      let missed = 0;
      for (const board of boards) {
        const got = new Set(board.events.map((e) => e.id));
        for (const id of all) if (!got.has(id)) missed += 1;
      }
      const ms = (value: number) => `${value.toFixed(1)} ms`;
      console.log(
        `\n${options.streams} boards over 2 web processes (+1 worker grouping), ${options.reports} reports one after another, PostgreSQL\n`,
      );
      console.table([
        {
          measure: 'report 201 → its incident on a board (every board, every report)',
          p50: ms(percentile(latencies, 50)),
          p99: ms(percentile(latencies, 99)),
          max: ms(latencies.reduce((a, b) => Math.max(a, b), 0)),
        },
        {
          measure: 'report 201 → first board',
          p50: ms(percentile(firstArrivals, 50)),
          p99: ms(percentile(firstArrivals, 99)),
          max: ms(Math.max(...firstArrivals)),
        },
        {
          measure: 'report 201 → last board',
          p50: ms(percentile(lastArrivals, 50)),
          p99: ms(percentile(lastArrivals, 99)),
          max: ms(Math.max(...lastArrivals)),
        },
      ]);
      console.table([
        {
          boards: options.streams,
          reports: options.reports,
          'events seen (distinct)': all.size,
          'missed (board × event)': missed,
          'not within 10 s': late,
        },
      ]);
    } finally {
      for (const board of boards) board.close();
      for (const server of servers) server.child.kill('SIGTERM');
      await Promise.all(servers.map((server) => server.exited));
      agent.destroy();
    }
  });
}

/** The settings that give a process one role (FARO_ROLE; processes without roles ignore it and do both). */
const roleEnv = (role: 'web' | 'worker') => ({ FARO_ROLE: role });

/** Waits until the report is grouped and returns its incident. */
async function incidentOf(
  baseUrl: string,
  headers: Record<string, string>,
  reportId: string,
): Promise<string> {
  const until = Date.now() + 10_000;
  for (;;) {
    const response = await fetch(`${baseUrl}/api/reports/${reportId}`, { headers });
    if (response.ok) {
      const { report } = (await response.json()) as { report: { incidentId: string | null } };
      if (report.incidentId) return report.incidentId;
    }
    if (Date.now() > until) throw new Error(`report ${reportId} not grouped within 10 s`);
    await sleep(5);
  }
}
