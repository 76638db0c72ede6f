import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import yauzl from 'yauzl';
import { z } from 'zod';
import type { Language } from '../../../shared/report-fields.js';
import { message } from '../../locales/messages.js';
import {
  EVIDENCE_KEY_PATH,
  keyFingerprint,
  MANIFEST_FILE,
  MANIFEST_HTML_FILE,
  normalizeFingerprint,
  parsePublicKey,
  SIGNATURE_FILE,
  SIGNED_FILES,
  sha256Hex,
} from './bundle.js';
import { manifestSchema, parseJson, signatureSchema, statementSchema } from './bundle-manifest.js';
import { hashStream, listEntries, openEntry, readSmall } from './bundle-zip.js';
import { verifyCustody } from './custody.js';
import { chainNext, chainStart } from './sealing.js';

/**
 * `faro evidence verify <bundle.zip>`: checks a bundle for counsel with
 * nothing but the bundle (and, best, the server's public key): no database,
 * no network, no server key. Every check is a line that says what holds or
 * exactly what does not — which file, which chunk, which custody row, the
 * signature — and the bundle holds only when every check does.
 *
 * The ZIP is read entry by entry (yauzl), each original streamed through its
 * hashes: a 2 GB video is never in memory.
 */

export type LineStatus = 'ok' | 'fail' | 'warn' | 'info';
export interface VerifyLine {
  status: LineStatus;
  /** The locale key under evidenceBundle.verify (for tests and tools). */
  key: string;
  text: string;
}
export interface VerifyResult {
  ok: boolean;
  checks: number;
  failed: number;
  lines: VerifyLine[];
}

/** Checks the bundle at `file`; `key` is the public key file or fingerprint counsel trusts. */
export async function verifyBundle(
  file: string,
  options: { key?: string | undefined; language?: Language } = {},
): Promise<VerifyResult> {
  const language = options.language ?? 'en';
  const lines: VerifyLine[] = [];
  const say = (status: LineStatus, key: string, values: Record<string, string | number> = {}) =>
    lines.push({
      status,
      key,
      text: message(
        language,
        `evidenceBundle.verify.${key}`,
        Object.fromEntries(Object.entries(values).map(([name, value]) => [name, String(value)])),
      ),
    });
  const word = (key: string) => message(language, `evidenceBundle.${key}`);
  const result = (): VerifyResult => {
    const checks = lines.filter((line) => line.status === 'ok' || line.status === 'fail').length;
    const failed = lines.filter((line) => line.status === 'fail').length;
    if (failed === 0) say('info', 'summaryOk', { count: checks });
    else say('info', 'summaryBad', { failed, count: checks });
    return { ok: failed === 0 && checks > 0, checks, failed, lines };
  };

  say('info', 'checking', { file });
  let zip: yauzl.ZipFile | null = null;
  let entries: Map<string, yauzl.Entry>;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, strictFileNames: true });
    entries = await listEntries(zip);
  } catch (error) {
    zip?.close();
    say('fail', 'notZip', { file, reason: (error as Error).message });
    return result();
  }
  try {
    const documents = new Map<string, Buffer>();
    for (const name of [SIGNATURE_FILE, MANIFEST_FILE, MANIFEST_HTML_FILE]) {
      const entry = entries.get(name);
      if (!entry) {
        say('fail', 'missing', { name });
        continue;
      }
      try {
        documents.set(name, await readSmall(zip, entry));
      } catch (error) {
        say('fail', 'unreadable', { name, reason: (error as Error).message });
      }
    }

    // The signature: made by the key counsel trusts, over the statement, which names the files.
    const signatureBytes = documents.get(SIGNATURE_FILE);
    let bundleIdSigned: string | null = null;
    if (signatureBytes) {
      const signature = parseJson(signatureSchema, signatureBytes);
      if (!signature) say('fail', 'signatureBad');
      else bundleIdSigned = await checkSignature(signature, documents, options.key, say);
    }

    const manifestBytes = documents.get(MANIFEST_FILE);
    if (!manifestBytes) return result();
    let manifest: z.infer<typeof manifestSchema>;
    try {
      manifest = manifestSchema.parse(JSON.parse(manifestBytes.toString('utf8')));
    } catch (error) {
      const reason =
        error instanceof z.ZodError
          ? error.issues
              .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
              .slice(0, 3)
              .join('; ')
          : (error as Error).message;
      say('fail', 'manifestBad', { reason });
      return result();
    }
    if (bundleIdSigned !== null && bundleIdSigned !== manifest.bundleId)
      say('fail', 'bundleIdBad', { signed: bundleIdSigned, manifest: manifest.bundleId });

    const named = new Set<string>([SIGNATURE_FILE, MANIFEST_FILE, MANIFEST_HTML_FILE]);
    for (const item of manifest.items) {
      if (item.file) named.add(item.file);
      await checkItem(zip, entries, item, say, word);
    }
    for (const name of entries.keys()) if (!named.has(name)) say('fail', 'unexpected', { name });
    return result();
  } finally {
    zip.close();
  }
}

type Say = (status: LineStatus, key: string, values?: Record<string, string | number>) => void;

/** The signature's lines; the bundle id it signs when it holds. */
async function checkSignature(
  signature: z.infer<typeof signatureSchema>,
  documents: Map<string, Buffer>,
  trusted: string | undefined,
  say: Say,
): Promise<string | null> {
  let key: KeyObject;
  try {
    key = createPublicKey(signature.key.publicKeyPem);
  } catch {
    say('fail', 'signatureBad');
    return null;
  }
  const fingerprint = keyFingerprint(key);
  if (trusted === undefined) say('warn', 'keyNotPinned', { fingerprint, url: signature.key.url });
  else {
    const pinned = normalizeFingerprint(trusted);
    const given = pinned ? null : parsePublicKey(await readFile(trusted, 'utf8').catch(() => ''));
    const expected = pinned ?? (given ? keyFingerprint(given) : null);
    if (!expected) say('fail', 'keyBad', { value: trusted, path: EVIDENCE_KEY_PATH });
    else if (expected !== fingerprint) say('fail', 'keyOther', { fingerprint, expected });
    else say('ok', 'keyPinned', { fingerprint });
  }
  const holds = (() => {
    try {
      return verify(null, Buffer.from(signature.statement), key, Buffer.from(signature.signature, 'base64'));
    } catch {
      return false;
    }
  })();
  const statement = holds ? parseJson(statementSchema, Buffer.from(signature.statement)) : null;
  if (!statement) {
    say('fail', 'signatureBad');
    return null;
  }
  for (const name of SIGNED_FILES) {
    const bytes = documents.get(name);
    if (!bytes) continue; // already said missing
    const actual = sha256Hex(bytes);
    const expected = statement.files[name] ?? '';
    if (actual === expected) say('ok', 'signedFileOk', { name });
    else say('fail', 'signedFileBad', { name, actual, expected });
  }
  return statement.bundleId;
}

type ManifestItem = z.infer<typeof manifestSchema>['items'][number];

/** An item's lines: its file against the manifest, chunk by chunk, the chain, the custody log. */
async function checkItem(
  zip: yauzl.ZipFile,
  entries: Map<string, yauzl.Entry>,
  item: ManifestItem,
  say: Say,
  word: (key: string) => string,
) {
  const id = item.id;
  if (!item.file)
    say('info', 'noFile', { id, why: word(`verify.why.${item.deleted ? 'deleted' : 'empty'}`) });
  else {
    const name = item.file;
    const entry = entries.get(name);
    if (!entry) say('fail', 'missing', { name });
    else {
      try {
        const read = await hashStream(await openEntry(zip, entry), item.chunkHashes);
        if (read.bytes !== item.bytes)
          say('fail', 'fileLength', { name, actual: read.bytes, expected: item.bytes });
        if (read.sha256 !== item.sha256)
          say('fail', 'fileHash', { name, actual: read.sha256, expected: item.sha256 ?? '' });
        if (read.bytes === item.bytes && read.sha256 === item.sha256)
          say('ok', 'fileOk', { name, bytes: read.bytes, sha256: read.sha256 });
        else {
          const at = item.chunkHashes.findIndex((chunk, index) => read.chunkHashes[index] !== chunk.sha256);
          if (at >= 0) {
            const from = item.chunkHashes.slice(0, at).reduce((sum, chunk) => sum + chunk.bytes, 0);
            say('fail', 'chunkBad', {
              name,
              seq: at + 1,
              count: item.chunkHashes.length,
              from,
              to: from + (item.chunkHashes[at]?.bytes ?? 0) - 1,
            });
          }
        }
      } catch (error) {
        say('fail', 'unreadable', { name, reason: (error as Error).message });
      }
      // The chain the server kept, from the chunks' hashes the manifest lists.
      let link = chainStart(id);
      for (const chunk of item.chunkHashes) link = chainNext(link, Buffer.from(chunk.sha256, 'hex'));
      const sum = item.chunkHashes.reduce((total, chunk) => total + chunk.bytes, 0);
      if (
        link.toString('hex') === item.chain &&
        item.chunkHashes.length === item.chunks &&
        sum === item.bytes
      )
        say('ok', 'chainOk', { name, count: item.chunks });
      else say('fail', 'chainBad', { name });
    }
    if (!item.storeCheck.ok)
      say('fail', 'storeFailed', {
        id,
        seq: item.storeCheck.seq,
        reason: word(`chunkReasons.${item.storeCheck.reason}`),
      });
    else if (item.state === 'complete' && item.completedSha256 !== item.sha256)
      say('fail', 'completedHashBad', { id, expected: item.completedSha256 ?? '' });
    if (item.state !== 'complete')
      say('info', 'notComplete', {
        id,
        state: word(`verify.states.${item.state}`),
        count: item.chunks,
        bytes: item.bytes,
      });
  }

  const rows = item.custody.entries.map((row) => ({
    itemId: id,
    seq: row.seq,
    at: row.at,
    event: row.event,
    actorId: row.actorId,
    actorRole: row.actorRole,
    sessionTag: row.sessionTag,
    details: row.details,
    previousHash: row.previousHash === null ? null : Buffer.from(row.previousHash, 'hex'),
    hash: Buffer.from(row.hash, 'hex'),
  }));
  const check = verifyCustody(rows);
  if (check.ok) say('ok', 'custodyOk', { id, count: check.entries });
  else {
    const row = rows.find((candidate) => candidate.seq === check.seq);
    say('fail', 'custodyBad', {
      id,
      seq: check.seq,
      event: row ? word(`events.${row.event}`) : '',
      at: row?.at ?? '',
      reason: word(`custodyReasons.${check.reason}`),
    });
  }
}
