import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/server/db/database.js';
import { randomUsNumber } from '../support/factories.js';
import { formsIn, formsOf, withByteaDecoded } from '../support/plaintext.js';
import { onSeededPostgres, responderOnIncidentOverHttp } from '../support/seeded-postgres.js';
import { staffSession } from '../support/sessions.js';
import { smsProviderEnv, startSmsProvider } from '../support/sms-provider.js';

/**
 * Issue 15: "the database dump holds no plaintext of an uploaded file", with
 * PostgreSQL's own pg_dump. This tier may call programs a fresh machine lacks
 * (`npm test` searches every row of every table instead, and PGlite's data
 * folder and dump: test/evidence-plaintext.test.ts). A real `faro start` on a
 * database of its own takes a video with a marker string through the tus path,
 * the marker also in what the client says about it; pg_dump's output (bytea
 * decoded) must not hold it in any form, while a control row kept in clear is
 * found by the same search.
 *
 * Runs where CI says where PostgreSQL is (FARO_E2E_POSTGRES_URL) and pg_dump is installed.
 */
const adminUrl = process.env.FARO_E2E_POSTGRES_URL;
const hasPgDump = spawnSync('pg_dump', ['--version']).status === 0;

const MARKER = `FARO-DUMP-${randomBytes(8).toString('hex')}`;
const CONTROL = `FARO-DUMP-CONTROL-${randomBytes(8).toString('hex')}`;
const MARKER_FORMS = formsOf(MARKER);
const CONTROL_FORMS = formsOf(CONTROL);

/** An MP4 as a camera roll has it (an `ftyp` box first), 2.5 MiB, the marker every few KiB. */
function markedVideo(): Buffer {
  const parts = [Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(12)];
  let length = 24;
  while (length < 2.5 * 1024 * 1024) {
    const filler = randomBytes(randomInt(500, 4000));
    parts.push(filler, Buffer.from(MARKER));
    length += filler.length + MARKER.length;
  }
  return Buffer.concat(parts);
}

/** PostgreSQL's own dump of the database, bytea decoded after it. */
async function pgDump(url: string): Promise<Buffer> {
  const { stdout } = await promisify(execFile)('pg_dump', ['--no-owner', '--dbname', url], {
    encoding: 'buffer',
    maxBuffer: 512 * 1024 * 1024,
  });
  return withByteaDecoded(stdout.toString('latin1'));
}

describe.runIf(adminUrl && hasPgDump)('pg_dump of a database that took an uploaded file', () => {
  it('holds no form of a marker in the file or in what the client said about it', async () => {
    await onSeededPostgres(adminUrl as string, 'faro_e2e_dump', async (seeded) => {
      const server = await seeded.start();
      try {
        const { incidentId, responder, legal } = await responderOnIncidentOverHttp(seeded, server.baseUrl);
        const video = markedVideo();
        const b64 = (text: string) => Buffer.from(text).toString('base64');
        const tus = { ...responder.headers, 'tus-resumable': '1.0.0', 'user-agent': MARKER };
        const created = await fetch(`${server.baseUrl}/api/evidence/uploads`, {
          method: 'POST',
          headers: {
            ...tus,
            'upload-length': String(video.length),
            'upload-metadata': [
              `kind ${b64('video')}`,
              `filetype ${b64('video/mp4')}`,
              `incidentId ${b64(incidentId)}`,
              `filename ${b64(`${MARKER}.mp4`)}`,
              `note ${b64(MARKER)}`,
            ].join(','),
          },
        });
        expect(created.status).toBe(201);
        const location = new URL(created.headers.get('location') ?? '', server.baseUrl);
        const patched = await fetch(location, {
          method: 'PATCH',
          headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
          body: video,
        });
        expect(patched.status).toBe(204);
        // The legal team reads it back, marker and all: the search below has something to miss.
        const itemId = location.pathname.split('/').at(-1);
        const original = await fetch(`${server.baseUrl}/api/evidence/${itemId}/original?download=1`, {
          headers: legal.headers,
        });
        const body = Buffer.from(await original.arrayBuffer());
        expect(createHash('sha256').update(body).digest('hex')).toBe(
          createHash('sha256').update(video).digest('hex'),
        );
        expect(formsIn(body, MARKER_FORMS)).toContain('plain');

        const pool = new pg.Pool({ connectionString: seeded.url, max: 1 });
        try {
          await pool.query('create table test_dump_control (note text, bytes bytea)');
          await pool.query('insert into test_dump_control values ($1, $2)', [
            `${CONTROL} in clear`,
            Buffer.from(`${CONTROL} as bytes`),
          ]);
        } finally {
          await pool.end();
        }
        const dump = await pgDump(seeded.url);
        expect(dump.length).toBeGreaterThan(video.length);
        expect(formsIn(dump, CONTROL_FORMS)).toEqual(expect.arrayContaining(['plain', 'hex']));
        expect(formsIn(dump, MARKER_FORMS)).toEqual([]);
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    });
  });
});

/**
 * Issue 16: "a database dump and the logs contain none of: names, A-numbers, contact numbers, plan
 * messages". A real `faro start` on PostgreSQL: a plan written with markers, activated, its case
 * opened for the legal team, a note added; pg_dump and the server's own output hold none of them,
 * while the legal team's search by A-number finds the case.
 */
describe.runIf(adminUrl && hasPgDump)('pg_dump and logs of a database holding plans and cases', () => {
  it('hold no name, A-number, number or message, and the case is still found', async () => {
    const provider = await startSmsProvider();
    try {
      await onSeededPostgres(adminUrl as string, 'faro_e2e_case_dump', async (seeded) => {
        const server = await seeded.start({ ...smsProviderEnv(provider.url), LOG_LEVEL: 'info' });
        try {
          const tag = randomBytes(6).toString('hex');
          const name = `Marcadora ${tag} Quintero`;
          const aNumber = String(randomInt(100_000_000, 999_999_999));
          const message = `FARO-PLAN-MESSAGE-${tag}`;
          const note = `FARO-CASE-NOTE-${tag}`;
          const numbers = Array.from({ length: 3 }, () => randomUsNumber());
          const call = async (path: string, body?: unknown, headers: Record<string, string> = {}) => {
            const response = await fetch(`${server.baseUrl}${path}`, {
              method: body === undefined ? 'GET' : 'POST',
              headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
              body: body === undefined ? null : JSON.stringify(body),
            });
            return { status: response.status, body: (await response.json().catch(() => null)) as never };
          };
          const teams = (await call('/api/plans/legal-organizations')).body as { id: string }[];
          const created = await call('/api/plans', {
            contacts: numbers.slice(1).map((phone, i) => ({
              name: `${name} contacto ${i}`,
              phone,
              language: 'es',
              task: 'family',
              message,
            })),
            memberPhone: numbers[0],
            memberLanguage: 'es',
            caseConsent: true,
            person: { name, aNumber },
            legalOrganizationId: teams[0]?.id,
            pin: '739164',
          });
          expect(created.status).toBe(201);
          const { code } = created.body as { code: string };
          expect((await call('/api/plans/activate', { code, pin: '739164' })).status).toBe(202);
          const { legal } = await sessionsOn(seeded);
          let caseId = '';
          for (let tries = 0; tries < 100 && !caseId; tries++) {
            const found = await call('/api/cases/search', { aNumber }, legal.headers);
            caseId = ((found.body as { cases?: { id: string }[] }).cases ?? [])[0]?.id ?? '';
            if (!caseId) await new Promise((resolve) => setTimeout(resolve, 200));
          }
          expect(caseId).not.toBe('');
          expect((await call(`/api/cases/${caseId}/notes`, { text: note }, legal.headers)).status).toBe(200);
          for (let tries = 0; tries < 100 && provider.sent.length < 3; tries++)
            await new Promise((resolve) => setTimeout(resolve, 100));
          expect(provider.sent.some((m) => m.fields.Body?.includes(message))).toBe(true);

          const dump = await pgDump(seeded.url);
          const logs = Buffer.from(server.output());
          expect(formsIn(dump, formsOf('emergency_plans'))).toContain('plain');
          const leaks: string[] = [];
          for (const secret of [
            name,
            aNumber,
            message,
            note,
            code,
            ...numbers,
            ...numbers.map((n) => n.slice(2)),
          ])
            for (const [where, bytes] of [
              ['dump', dump],
              ['logs', logs],
            ] as const)
              for (const form of formsIn(bytes, formsOf(secret))) leaks.push(`${where}: ${secret} (${form})`);
          expect(leaks).toEqual([]);
        } finally {
          server.child.kill('SIGTERM');
          await server.exited;
        }
      });
    } finally {
      await provider.close();
    }
  });
});

/** A legal team session made in the seeded database (the demo's legal organization). */
async function sessionsOn(seeded: { url: string }) {
  const database = await openDatabase({ kind: 'postgres', url: seeded.url, poolSize: 1 });
  try {
    return { legal: await staffSession(database, 'legal') };
  } finally {
    await database.close();
  }
}
