import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createSecretBox } from '../../src/server/crypto/secret-box.js';
import { openDatabase } from '../../src/server/db/database.js';
import { buildReportInput } from './factories.js';
import { createPerson } from './people.js';
import { FARO_NODE_OPTIONS, spawnServer } from './process.js';
import { type StaffSession, sessionFor, staffSession } from './sessions.js';
import { databaseUrlFor } from './urls.js';

/**
 * A real `faro start` (the built CLI) on a fresh PostgreSQL database of its
 * own: for benchmarks, and for the browser tier's tests that need PostgreSQL's
 * own programs (pg_dump) beside a running server.
 */

/** A fresh PostgreSQL database with Faro migrated and its demo data, for a benchmark that starts servers itself. */
export interface SeededDatabase {
  url: string;
  secretKey: string;
  /** What `faro start` needs for this database (JOB_POLL_SECONDS 0.5, warnings only). */
  env: Record<string, string>;
  /**
   * Starts the built server on it (with more settings, if given; `nodeArgs`
   * go to node before the script, e.g. `--cpu-prof`).
   */
  start: (more?: Record<string, string>, options?: { nodeArgs?: string[] }) => ReturnType<typeof spawnServer>;
}

/**
 * Creates a database on the server at `adminUrl`, lets a first `faro start`
 * migrate and seed it, runs `use`, and drops the database whatever happens.
 */
export async function onSeededPostgres<R>(
  adminUrl: string,
  prefix: string,
  use: (database: SeededDatabase) => Promise<R>,
): Promise<R> {
  const name = `${prefix}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  try {
    const url = databaseUrlFor(adminUrl, name);
    const secretKey = randomBytes(32).toString('base64');
    const env = {
      DATABASE_URL: url,
      FARO_DEMO: 'true',
      LOG_LEVEL: 'warn',
      FARO_SECRET_KEY: secretKey,
      JOB_POLL_SECONDS: '0.5',
      // Hundreds of responders' live streams, all from this machine.
      HTTP_MAX_CONNECTIONS_PER_ADDRESS: '100000',
    };
    const start = (more: Record<string, string> = {}, options: { nodeArgs?: string[] } = {}) =>
      spawnServer(
        { ...env, ...more },
        {
          args: [
            // PROF_DIR=<folder>: each server writes a V8 CPU profile there when it stops.
            ...(process.env.PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.PROF_DIR] : []),
            ...FARO_NODE_OPTIONS,
            ...(options.nodeArgs ?? []),
            'bin/faro.js',
            'start',
          ],
        },
      );
    const setup = await start();
    setup.child.kill('SIGTERM');
    await setup.exited;
    return await use({ url, secretKey, env, start });
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/**
 * Over HTTP, as on a phone: a responder on shift, a report that became an incident, the
 * responder assigned to it by a dispatcher and on the way. Sessions made in the database.
 */
export async function responderOnIncidentOverHttp(
  seeded: Pick<SeededDatabase, 'url' | 'secretKey'>,
  baseUrl: string,
): Promise<{
  incidentId: string;
  responderId: string;
  responder: StaffSession;
  dispatcher: StaffSession;
  legal: StaffSession;
}> {
  const database = await openDatabase({ kind: 'postgres', url: seeded.url, poolSize: 2 });
  let made: { responderId: string; responder: StaffSession; dispatcher: StaffSession; legal: StaffSession };
  try {
    const person = await createPerson(
      database,
      await createSecretBox(Buffer.from(seeded.secretKey, 'base64')),
      {
        role: 'responder',
      },
    );
    made = {
      responderId: person.id,
      responder: await sessionFor(database, person.id),
      dispatcher: await staffSession(database, 'dispatcher'),
      legal: await staffSession(database, 'legal'),
    };
  } finally {
    await database.close();
  }
  const call = async (
    who: { headers: Record<string, string> } | null,
    method: string,
    p: string,
    body?: unknown,
  ) => {
    const response = await fetch(`${baseUrl}${p}`, {
      method,
      headers: { ...(who?.headers ?? {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : null,
    });
    const answer = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (!response.ok) throw new Error(`${method} ${p} answered ${response.status}`);
    return answer ?? {};
  };
  await call(made.responder, 'POST', '/api/responder/shift', { hours: 4 });
  const report = await call(null, 'POST', '/api/reports', buildReportInput({ activity: 'raid' }));
  // Grouped into an incident by the worker, within a few seconds.
  const pool = new pg.Pool({ connectionString: seeded.url, max: 1 });
  let incidentId = '';
  try {
    for (let tries = 0; tries < 100 && !incidentId; tries++) {
      const { rows } = await pool.query<{ incident_id: string | null }>(
        'select incident_id from reports where id = $1',
        [report.id],
      );
      incidentId = rows[0]?.incident_id ?? '';
      if (!incidentId) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await pool.end();
  }
  if (!incidentId) throw new Error('the report was not grouped into an incident');
  await call(made.dispatcher, 'POST', `/api/incidents/${incidentId}/assignments`, {
    responderId: made.responderId,
  });
  const state = await call(made.responder, 'GET', '/api/responder');
  const assignmentId = ((state.assignments ?? []) as { id: string }[])[0]?.id;
  await call(made.responder, 'POST', `/api/responder/assignments/${assignmentId}`, { action: 'accept' });
  return { incidentId, ...made };
}
