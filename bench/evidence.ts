import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { onSeededPostgres, responderOnIncidentOverHttp } from '../test/support/seeded-postgres.js';

/**
 * `npm run bench -- evidence`: a file uploaded through the resumable, sealed
 * path (tus over HTTP to a real `faro start` on PostgreSQL, each chunk sealed
 * and stored as it arrives, in the database and then in a folder) beside the same bytes written raw to a file on
 * this disk, in the same run; the server's memory sampled during the upload;
 * and a 300 MB upload cut twice mid-chunk that must complete to the same
 * SHA-256 when the legal team downloads it.
 */

interface EvidenceBenchOptions {
  megabytes: number;
  /** Only the folder store's upload: a quicker run while working on that path. */
  folderOnly?: boolean;
  postgresUrl: string | undefined;
}

const MiB = 1024 * 1024;
/** A block of the "video" (an MP4 `ftyp` first): random, so nothing compresses it away. */
const BLOCK = randomBytes(4 * MiB);
const HEADER = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(12)]);
function* file(bytes: number): Generator<Buffer> {
  let left = bytes;
  let first = true;
  while (left > 0) {
    const block = first ? Buffer.concat([HEADER, BLOCK]).subarray(0, BLOCK.length) : BLOCK;
    first = false;
    const part = block.subarray(0, Math.min(block.length, left));
    left -= part.length;
    yield part;
  }
}
const shaOf = (bytes: number) => {
  const hash = createHash('sha256');
  for (const part of file(bytes)) hash.update(part);
  return hash.digest('hex');
};

/** The resident memory of a process, in MiB (Linux). */
const rssOf = (pid: number) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
};

function request(
  baseUrl: string,
  method: string,
  url: string,
  headers: Record<string, string | number>,
  body?: Iterable<Buffer>,
  cutAfter?: number,
): Promise<{ status: number; headers: http.IncomingHttpHeaders } | 'cut'> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(url, baseUrl),
      { method, headers: { 'tus-resumable': '1.0.0', ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', (error) => (cutAfter !== undefined ? resolve('cut') : reject(error)));
    if (!body) return req.end();
    let sent = 0;
    const iterator = body[Symbol.iterator]();
    const pump = () => {
      for (;;) {
        const next = iterator.next();
        if (next.done) return req.end();
        let part = next.value;
        if (cutAfter !== undefined && sent + part.length >= cutAfter) {
          part = part.subarray(0, cutAfter - sent);
          req.write(part, () => setTimeout(() => req.destroy(), 200));
          return;
        }
        sent += part.length;
        if (!req.write(part)) return req.once('drain', pump);
      }
    };
    pump();
  });
}

function* fromOffset(bytes: number, offset: number): Generator<Buffer> {
  let at = 0;
  for (const part of file(bytes)) {
    if (at + part.length > offset) yield part.subarray(Math.max(0, offset - at));
    at += part.length;
  }
}

async function upload(
  baseUrl: string,
  headers: Record<string, string>,
  incidentId: string,
  bytes: number,
  cuts: number[],
): Promise<string> {
  const metadata = `kind ${Buffer.from('video').toString('base64')},filetype ${Buffer.from('video/mp4').toString('base64')},incidentId ${Buffer.from(incidentId).toString('base64')}`;
  const created = await request(baseUrl, 'POST', '/api/evidence/uploads', {
    ...headers,
    'upload-length': bytes,
    'upload-metadata': metadata,
  });
  if (created === 'cut' || created.status !== 201)
    throw new Error(`create answered ${created === 'cut' ? 'cut' : created.status}`);
  const location = String(created.headers.location);
  let offset = 0;
  for (const cut of [...cuts, undefined]) {
    const answer = await request(
      baseUrl,
      'PATCH',
      location,
      { ...headers, 'upload-offset': offset, 'content-type': 'application/offset+octet-stream' },
      fromOffset(bytes, offset),
      cut === undefined ? undefined : cut - offset,
    );
    if (answer !== 'cut' && answer.status !== 204) throw new Error(`PATCH answered ${answer.status}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const head = await request(baseUrl, 'HEAD', location, headers);
    if (head === 'cut') throw new Error('HEAD cut');
    offset = Number(head.headers['upload-offset']);
  }
  if (offset !== bytes) throw new Error(`upload ended at ${offset} of ${bytes}`);
  return location.split('/').at(-1) ?? '';
}

/**
 * What PostgreSQL itself takes: the same bytes as 1-MiB random bytea rows (external storage, no
 * compression, as evidence chunks are stored), four per transaction, from one client.
 */
async function rawPostgres(url: string, bytes: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await pool.query('create table bench_raw_chunks (seq int primary key, data bytea not null)');
    await pool.query('alter table bench_raw_chunks alter column data set storage external');
    const started = performance.now();
    let seq = 0;
    let batch: Buffer[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const values = batch.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
      await pool.query(
        `insert into bench_raw_chunks values ${values}`,
        batch.flatMap((data) => [seq++, data]),
      );
      batch = [];
    };
    let pending = Buffer.alloc(0);
    for (const part of file(bytes)) {
      pending = Buffer.concat([pending, part]);
      while (pending.length >= MiB) {
        batch.push(pending.subarray(0, MiB));
        pending = pending.subarray(MiB);
        if (batch.length === 4) await flush();
      }
    }
    if (pending.length) batch.push(pending);
    await flush();
    return bytes / MiB / ((performance.now() - started) / 1000);
  } finally {
    await pool.query('drop table if exists bench_raw_chunks');
    await pool.end();
  }
}

async function rawDisk(bytes: number): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'faro-raw-'));
  try {
    const target = path.join(dir, 'raw.bin');
    const started = performance.now();
    const out = createWriteStream(target);
    for (const part of file(bytes))
      if (!out.write(part)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    const handle = await open(target, 'r+');
    await handle.sync();
    await handle.close();
    return bytes / MiB / ((performance.now() - started) / 1000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function evidenceBench(options: EvidenceBenchOptions): Promise<void> {
  if (!options.postgresUrl)
    throw new Error('set DATABASE_URL (or --postgres): evidence is measured on PostgreSQL');
  const bytes = options.megabytes * MiB;
  await onSeededPostgres(options.postgresUrl, 'faro_evidence', async ({ url, secretKey, start }) => {
    const storeDir = await mkdtemp(path.join(tmpdir(), 'faro-evidence-files-'));
    let server = await start();
    let pid = server.child.pid ?? 0;
    try {
      const { incidentId, responder, legal } = await responderOnIncidentOverHttp(
        { url, secretKey },
        server.baseUrl,
      );

      const raw = await rawDisk(bytes);
      const rawPg = await rawPostgres(url, bytes);
      /** One upload of the measured size: its rate, and the server's memory before and at its peak. */
      const measured = async () => {
        const baseline = rssOf(pid);
        let peak = baseline;
        const sampler = setInterval(() => {
          peak = Math.max(peak, rssOf(pid));
        }, 100);
        const started = performance.now();
        await upload(server.baseUrl, responder.headers, incidentId, bytes, []);
        const rate = bytes / MiB / ((performance.now() - started) / 1000);
        clearInterval(sampler);
        return { rate, baseline, peak };
      };
      /** 300 MB cut twice mid-chunk, then downloaded by the legal team and hashed. */
      const cutAndDownload = async () => {
        const cutBytes = 300 * MiB;
        let peak = rssOf(pid);
        const sampler = setInterval(() => {
          peak = Math.max(peak, rssOf(pid));
        }, 100);
        const cutId = await upload(server.baseUrl, responder.headers, incidentId, cutBytes, [
          Math.round(97.5 * MiB),
          Math.round(211.25 * MiB),
        ]);
        clearInterval(sampler);
        const download = await fetch(`${server.baseUrl}/api/evidence/${cutId}/original?download=1`, {
          headers: legal.headers,
        });
        const hash = createHash('sha256');
        for await (const part of download.body as unknown as AsyncIterable<Uint8Array>) hash.update(part);
        return { matches: hash.digest('hex') === shaOf(cutBytes), peak };
      };

      const inDatabase = options.folderOnly ? null : await measured();
      const cut = options.folderOnly ? null : await cutAndDownload();

      // The same, with originals kept as files in a folder (EVIDENCE_STORE_DIR).
      server.child.kill('SIGTERM');
      await server.exited;
      server = await start({ EVIDENCE_STORE_DIR: storeDir });
      pid = server.child.pid ?? 0;
      const inFolder = await measured();
      console.log(
        server
          .output()
          .split('\n')
          .filter((l) => l.includes('WAITED'))
          .join('\n'),
      );

      console.log(
        `\nEvidence: ${options.megabytes} MiB uploaded (tus, sealed) beside the same bytes written raw to disk\n`,
      );
      console.log('| path | MiB/s | to raw disk | to raw PostgreSQL | server RSS before → peak (MiB) |');
      console.log('|---|---:|---:|---:|---|');
      console.log(`| raw write + fsync to disk | ${raw.toFixed(1)} | 1.00 | — | — |`);
      console.log(
        `| raw 1-MiB bytea inserts into PostgreSQL (4 per transaction) | ${rawPg.toFixed(1)} | ${(rawPg / raw).toFixed(2)} | 1.00 | — |`,
      );
      for (const [label, run] of [
        ['tus → sealed chunks in PostgreSQL (the default store)', inDatabase],
        ['tus → sealed chunks as files (EVIDENCE_STORE_DIR)', inFolder],
      ] as const)
        if (run)
          console.log(
            `| ${label} | ${run.rate.toFixed(1)} | ${(run.rate / raw).toFixed(2)} | ${(run.rate / rawPg).toFixed(2)} | ${run.baseline.toFixed(0)} → ${run.peak.toFixed(0)} |`,
          );
      if (cut)
        console.log(
          `\n300 MiB cut twice mid-chunk (at 97.5 and 211.25 MiB): completed, downloaded SHA-256 ${cut.matches ? 'matches' : 'DOES NOT match'}; server RSS peak ${cut.peak.toFixed(0)} MiB`,
        );
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await rm(storeDir, { recursive: true, force: true });
    }
  });
}
