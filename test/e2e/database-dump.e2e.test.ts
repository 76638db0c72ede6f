import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { formsIn, formsOf, withByteaDecoded } from '../support/plaintext.js';
import { onSeededPostgres, responderOnIncidentOverHttp } from '../support/seeded-postgres.js';

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
        const { stdout } = await promisify(execFile)('pg_dump', ['--no-owner', '--dbname', seeded.url], {
          encoding: 'buffer',
          maxBuffer: 512 * 1024 * 1024,
        });
        const dump = withByteaDecoded(stdout.toString('latin1'));
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
