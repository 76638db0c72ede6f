import { createHash, randomUUID } from 'node:crypto';
import { type PassThrough, Readable } from 'node:stream';
import yazl from 'yazl';
import type { Language } from '../../../shared/report-fields.js';
import {
  BUNDLE_FORMAT,
  type BundleItem,
  type BundleManifest,
  type BundleSignature,
  EVIDENCE_KEY_PATH,
  MANIFEST_FILE,
  MANIFEST_HTML_FILE,
  originalName,
  SIGNATURE_FILE,
  SIGNATURE_FORMAT,
  type StoreCheck,
  sha256Hex,
  signedStatement,
} from './bundle.js';
import type { Actor, EvidenceService, ExportedItem } from './evidence.service.js';
import { renderManifestHtml } from './manifest-html.js';
import { chainStart } from './sealing.js';
import type { EvidenceSigner } from './signing-key.js';

export interface ExportRequest {
  coalitionName: string;
  actor: Actor;
  /** Who exports, as the manifest names them. */
  exporter: { name: string; role: string };
  selection: { incidentId: string } | { itemIds: string[] };
  language: Language;
}

/**
 * A bundle for counsel, as a ZIP written while it is sent (yazl): each
 * original read chunk by chunk from the store, every chunk's seal, hash and
 * link checked as it is read (never a whole original, nor the bundle, in
 * memory), then the manifest of what was sent, its readable copy, and the
 * server's signature over both. The export is in each item's custody log and
 * the audit log before the first byte (evidence.service exportSelection).
 */
export function createEvidenceExport(deps: {
  evidence: Pick<EvidenceService, 'exportSelection'>;
  signer: EvidenceSigner;
  publicUrl: string;
  timeZone: string;
  now: () => Date;
}) {
  return {
    async bundle(coalitionId: string, request: ExportRequest) {
      const key = await deps.signer.key();
      const bundleId = randomUUID();
      const createdAt = deps.now();
      const items = await deps.evidence.exportSelection(
        coalitionId,
        request.actor,
        request.selection,
        bundleId,
      );
      const zip = new yazl.ZipFile();
      const output = zip.outputStream as PassThrough;
      // A failure part-way (the database gone): the answer is cut off, never left hanging; a streamed
      // body's error cannot become an error status once the first bytes have left.
      const abort = (error: unknown) =>
        output.destroy(error instanceof Error ? error : new Error(String(error)));
      zip.on('error', abort);
      const source = (generator: AsyncGenerator<Buffer>) => Readable.from(generator).on('error', abort);
      // Stored, not deflated: originals are compressed media already, and a byte changed in the
      // ZIP stays a byte changed in one named file.
      const entry = { mtime: createdAt, compress: false };
      const described: BundleItem[] = [];
      items.forEach((item, index) => {
        const name = item.original ? originalName(index, item.facts) : null;
        const facts = describe(item, name);
        described.push(facts);
        if (item.original && name)
          zip.addReadStream(source(hashedOriginal(item.original(), item.facts.id, facts)), name, entry);
      });

      // Added now, made when their turn comes: after every original has been read and hashed.
      let manifestBytes: Buffer | null = null;
      let htmlBytes: Buffer | null = null;
      const lazy = (name: string, make: () => Buffer) =>
        zip.addReadStreamLazy(name, entry, (done) => {
          try {
            done(null, Readable.from([make()]));
          } catch (error) {
            done(error, Readable.from([]));
          }
        });
      const manifest = (): BundleManifest => ({
        format: BUNDLE_FORMAT,
        bundleId,
        createdAt: createdAt.toISOString(),
        server: { url: deps.publicUrl, keyUrl: `${deps.publicUrl}${EVIDENCE_KEY_PATH}` },
        coalition: { name: request.coalitionName },
        exportedBy: request.exporter,
        selection: request.selection,
        language: request.language,
        timeZone: deps.timeZone,
        signingKey: { algorithm: 'Ed25519', fingerprint: key.fingerprint },
        items: described,
      });
      lazy(MANIFEST_FILE, () => {
        manifestBytes = Buffer.from(`${JSON.stringify(manifest(), null, 2)}\n`);
        return manifestBytes;
      });
      lazy(MANIFEST_HTML_FILE, () => {
        htmlBytes = Buffer.from(renderManifestHtml(manifest(), request.language));
        return htmlBytes;
      });
      lazy(SIGNATURE_FILE, () => {
        if (!manifestBytes || !htmlBytes)
          throw new Error('the manifest was not written before its signature');
        const statement = signedStatement(bundleId, {
          [MANIFEST_FILE]: sha256Hex(manifestBytes),
          [MANIFEST_HTML_FILE]: sha256Hex(htmlBytes),
        });
        const signature: BundleSignature = {
          format: SIGNATURE_FORMAT,
          algorithm: 'Ed25519',
          key: {
            fingerprint: key.fingerprint,
            publicKeyPem: key.publicKeyPem,
            url: `${deps.publicUrl}${EVIDENCE_KEY_PATH}`,
          },
          statement,
          signature: key.sign(Buffer.from(statement)).toString('base64'),
        };
        return Buffer.from(`${JSON.stringify(signature, null, 2)}\n`);
      });
      zip.end();
      return { bundleId, items: items.length, stream: output };
    },
  };
}

/** An item's entry in the manifest; what depends on the bytes is filled in as they are read. */
function describe(item: ExportedItem, file: string | null): BundleItem {
  const { facts } = item;
  return {
    id: facts.id,
    incidentId: facts.incidentId,
    kind: facts.kind,
    source: facts.source,
    contentType: facts.contentType,
    state: facts.state,
    recordedRole: facts.recorder?.role ?? '',
    durationMs: facts.durationMs,
    deviceStartedAt: facts.deviceStartedAt,
    receivedAt: facts.receivedAt,
    lastReceivedAt: facts.lastReceivedAt,
    completedAt: facts.completedAt,
    held: facts.held,
    deleted: facts.deleted,
    file,
    bytes: 0,
    sha256: file ? sha256Hex(Buffer.alloc(0)) : null,
    chunks: 0,
    chain: chainStart(facts.id).toString('hex'),
    chunkHashes: [],
    completedSha256: facts.sha256,
    storedBytes: facts.bytes,
    storedChunks: facts.chunks,
    storeCheck: { ok: true },
    custody: {
      entries: item.custody.map((entry) => ({
        seq: entry.seq,
        at: entry.at,
        event: entry.event,
        actorId: entry.actorId,
        actorRole: entry.actorRole,
        sessionTag: entry.sessionTag,
        details: entry.details,
        previousHash: entry.previousHash ? Buffer.from(entry.previousHash).toString('hex') : null,
        hash: Buffer.from(entry.hash).toString('hex'),
      })),
      check: item.custodyCheck,
    },
  };
}

/**
 * The original's bytes as they go into the ZIP, each chunk's length and SHA-256, the chain and
 * the whole file's SHA-256 written into its manifest entry as they pass. A chunk that does not
 * verify ends the file there, and the manifest says which chunk and why.
 */
async function* hashedOriginal(
  chunks: ReturnType<NonNullable<ExportedItem['original']>>,
  itemId: string,
  facts: BundleItem,
): AsyncGenerator<Buffer> {
  const whole = createHash('sha256');
  let chain = chainStart(itemId);
  let check: StoreCheck = { ok: true };
  for await (const chunk of chunks) {
    if ('failure' in chunk) {
      check = { ok: false, ...chunk.failure };
      break;
    }
    whole.update(chunk.bytes);
    chain = chunk.link;
    facts.chunkHashes.push({
      bytes: chunk.bytes.length,
      sha256: sha256Hex(chunk.bytes),
      receivedAt: chunk.receivedAt?.toISOString() ?? null,
    });
    facts.bytes += chunk.bytes.length;
    yield chunk.bytes;
  }
  facts.chunks = facts.chunkHashes.length;
  facts.chain = chain.toString('hex');
  facts.sha256 = whole.digest('hex');
  facts.storeCheck = check;
}
