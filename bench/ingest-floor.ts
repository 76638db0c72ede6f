import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import Fastify from 'fastify';
import pg from 'pg';

/**
 * The ingest floor: the least a server can do per report — a Fastify server
 * that takes the same JSON body as POST /api/reports, does one parameterized
 * INSERT of the same row shape into the same reports table, and answers 201.
 * No validation, no zone lookup, no cipher, no events. Started by the ingest
 * benchmark in a child process of its own, like `faro start`:
 *   PORT, and FLOOR_DATABASE_URL (PostgreSQL) or FLOOR_DATA_DIR (PGlite).
 * Benchmarks are developer tools, not the server: they may read the environment directly.
 */

const INSERT = `insert into reports (id, coalition_id, receipt, channel, language, activity, agents, vehicles,
  uniforms, equipment, firsthand, zone_id, h3_cell, fine_cell, has_exact_location, has_place, restricted, observed_at)
  values ($1, $2, $3, 'web', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`;

interface Body {
  language: string;
  activity: string;
  location: { lat?: number; lng?: number; place?: string };
  observedAt: string;
  size: { agents?: number; vehicles?: number };
  uniforms: string[];
  equipment: string[];
  firsthand: boolean;
  description?: string;
  markings?: string;
}

type Query = (text: string, values: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

async function open(): Promise<{ query: Query; close: () => Promise<void> }> {
  const url = process.env.FLOOR_DATABASE_URL;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: Number(process.env.FLOOR_POOL_SIZE ?? 10) });
    return { query: (text, values) => pool.query(text, values), close: () => pool.end() };
  }
  const dataDir = process.env.FLOOR_DATA_DIR;
  if (!dataDir) throw new Error('FLOOR_DATABASE_URL or FLOOR_DATA_DIR is required');
  const lite = new PGlite(dataDir);
  await lite.waitReady;
  return {
    query: async (text, values) => lite.query<Record<string, unknown>>(text, values),
    close: () => lite.close(),
  };
}

const database = await open();
const [place] = (await database.query('select coalition_id, id from zones limit 1', [])).rows as {
  coalition_id: string;
  id: string;
}[];
if (!place) throw new Error('no zone to insert reports into');

const receipt = () => Math.random().toString(36).slice(2, 10).toUpperCase().padEnd(8, '0');

const app = Fastify({ logger: false });
app.post<{ Body: Body }>('/api/reports', async (request, reply) => {
  const body = request.body;
  const id = randomUUID();
  await database.query(INSERT, [
    id,
    place.coalition_id,
    receipt(),
    body.language,
    body.activity,
    body.size.agents ?? null,
    body.size.vehicles ?? null,
    body.uniforms,
    body.equipment,
    body.firsthand,
    place.id,
    '8829a1d75bfffff',
    '8929a1d75bfffff',
    body.location.lat !== undefined,
    Boolean(body.location.place),
    // The restricted fields as a plain string of the same size order: the floor measures the path, not the cipher.
    JSON.stringify([body.location, body.description ?? null, body.markings ?? null]),
    new Date(body.observedAt),
  ]);
  return reply.code(201).send({ id });
});
app.get('/readyz', async () => ({ ok: true }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });

const stop = async () => {
  await app.close();
  await database.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
