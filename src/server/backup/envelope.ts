import { open } from 'node:fs/promises';
import { type Algorithm, hashRaw } from '@node-rs/argon2';
import sodium from 'libsodium-wrappers';
import { BackupRefused } from './refused.js';

/**
 * The encrypted file a backup is: a header saying how its key is reached, then
 * the contents as one libsodium secretstream (XChaCha20-Poly1305), one
 * message per frame. The header is the additional data of every message, so
 * changing it breaks the file; the last message carries the stream's FINAL
 * tag, so a file cut short does not open.
 *
 *   "FAROBACKUP" | u32 header length | header (JSON) | (u32 length | message)*
 *
 * The file key is random. Public-key mode: the key sealed to the recipient's
 * X25519 public key (crypto_box_seal); only the private key opens it, and the
 * server that writes scheduled backups never holds it. Passphrase mode: the
 * key is argon2id of the passphrase (its salt and costs in the header).
 */

const MAGIC = Buffer.from('FAROBACKUP');
export const FORMAT_VERSION = 1;
/** Plaintext bytes of one message at most (frames are cut to this). */
export const MESSAGE_BYTES = 256 * 1024;
const MAX_HEADER = 64 * 1024;

// Algorithm is a const enum, which isolated modules cannot read: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;
/** argon2id for a file key: 64 MiB, 3 passes (RFC 9106's second recommendation). */
const KDF = { memoryCost: 65_536, timeCost: 3, parallelism: 1 } as const;

export { BackupRefused };

export type BackupHeader = {
  format: 'faro-backup';
  version: number;
  /** libsodium secretstream header (base64). */
  stream: string;
} & (
  | { mode: 'public-key'; recipient: string; sealedKey: string }
  | {
      mode: 'passphrase';
      kdf: { algorithm: 'argon2id'; salt: string; memoryCost: number; timeCost: number; parallelism: number };
    }
);

/** How a backup is encrypted: to a public key or a passphrase. */
export type Recipient = { publicKey: Uint8Array } | { passphrase: string };
/** How a backup is opened: the key pair, or the passphrase. */
export type Opener = { keyPair: BackupKeyPair } | { passphrase: string };

export interface BackupKeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

/** A new key pair for public-key backups. */
export async function generateBackupKeyPair(): Promise<BackupKeyPair> {
  await sodium.ready;
  const pair = sodium.crypto_box_keypair();
  return { publicKey: pair.publicKey, privateKey: pair.privateKey };
}

const PRIVATE_KEY_KIND = 'faro-backup-private-key';

/** The private key file's text (JSON; the public key beside it, to tell which backups it opens). */
export function privateKeyFileText(pair: BackupKeyPair): string {
  return `${JSON.stringify({ kind: PRIVATE_KEY_KIND, version: 1, publicKey: b64(pair.publicKey), privateKey: b64(pair.privateKey) }, null, 2)}\n`;
}

/** Reads a private key file's text, or says why it is not one. */
export function parsePrivateKeyFile(text: string): BackupKeyPair {
  try {
    const parsed = JSON.parse(text) as { kind?: string; publicKey?: string; privateKey?: string };
    if (parsed.kind === PRIVATE_KEY_KIND && parsed.publicKey && parsed.privateKey) {
      const pair = { publicKey: unb64(parsed.publicKey), privateKey: unb64(parsed.privateKey) };
      if (pair.publicKey.length === 32 && pair.privateKey.length === 32) return pair;
    }
  } catch {
    // Said below.
  }
  throw new BackupRefused('The private key file is not one made by `faro backup keygen`.');
}

/** A public key as given (base64 of 32 bytes), or why it is not one. */
export function parsePublicKey(text: string): Uint8Array {
  const key = unb64(text.trim());
  if (key.length !== 32 || b64(key) !== text.trim())
    throw new BackupRefused(
      'The backup public key must be the base64 text `faro backup keygen` printed (32 bytes).',
    );
  return key;
}

/** Where the encrypted bytes go; resolves when they may be written further (back-pressure). */
export type Sink = (bytes: Uint8Array) => Promise<void>;

export interface StreamWriter {
  /** Encrypts and writes one message (at most MESSAGE_BYTES). */
  push(message: Uint8Array, final?: boolean): Promise<void>;
}

/** Writes the header and returns the writer of the messages after it. */
export async function startEncryption(recipient: Recipient, sink: Sink): Promise<StreamWriter> {
  await sodium.ready;
  const fileKey = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const keyPart =
    'publicKey' in recipient
      ? {
          mode: 'public-key' as const,
          recipient: b64(recipient.publicKey),
          sealedKey: b64(sodium.crypto_box_seal(fileKey, recipient.publicKey)),
        }
      : await passphraseKeyPart(recipient.passphrase);
  const { state, header: streamHeader } = sodium.crypto_secretstream_xchacha20poly1305_init_push(
    keyPart.mode === 'passphrase' ? keyPart.key : fileKey,
  );
  const { key: _derived, ...stored } = keyPart as typeof keyPart & { key?: Uint8Array };
  const header: BackupHeader = {
    format: 'faro-backup',
    version: FORMAT_VERSION,
    stream: b64(streamHeader),
    ...stored,
  };
  const prefix = encodePrefix(header);
  await sink(prefix);
  return {
    async push(message, final = false) {
      const tag = final
        ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
      const cipher = sodium.crypto_secretstream_xchacha20poly1305_push(state, message, prefix, tag);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(cipher.length);
      await sink(Buffer.concat([length, cipher]));
    },
  };
}

/** The passphrase derives the stream key itself: nothing to seal. */
async function passphraseKeyPart(passphrase: string) {
  const salt = sodium.randombytes_buf(16);
  const key = await derive(passphrase, salt, KDF);
  return {
    mode: 'passphrase' as const,
    kdf: { algorithm: 'argon2id' as const, salt: b64(salt), ...KDF },
    key,
  };
}

async function derive(
  passphrase: string,
  salt: Uint8Array,
  costs: { memoryCost: number; timeCost: number; parallelism: number },
): Promise<Uint8Array> {
  // A header is read before anything proves it is Faro's: never more than 4× what Faro writes
  // (64 MiB), so a made-up file cannot make a restore take gigabytes of memory.
  if (costs.memoryCost > 4 * KDF.memoryCost || costs.timeCost > 16 * KDF.timeCost || costs.parallelism > 16)
    throw new BackupRefused('The backup asks for argon2id costs beyond what Faro writes: not a Faro backup.');
  const raw = await hashRaw(passphrase, {
    algorithm: ARGON2ID,
    salt: Buffer.from(salt),
    outputLen: 32,
    ...costs,
  });
  return new Uint8Array(raw);
}

function encodePrefix(header: BackupHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([MAGIC, length, json]);
}

/** Reads a file in exact pieces. */
class FileReader {
  private position = 0;
  constructor(
    private readonly handle: Awaited<ReturnType<typeof open>>,
    readonly size: number,
  ) {}
  get done() {
    return this.position;
  }
  /** `n` bytes, or null at the end of the file; a piece cut short is `truncated`. */
  async read(n: number): Promise<Buffer | null> {
    if (this.position >= this.size) return null;
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await this.handle.read(buffer, 0, n, this.position);
    this.position += bytesRead;
    if (bytesRead < n) throw new BackupRefused('The backup file is cut short: it is incomplete or damaged.');
    return buffer;
  }
}

/** Reads a backup's header without opening it (which mode; whose public key). */
export async function readHeader(file: string): Promise<BackupHeader> {
  const handle = await open(file, 'r');
  try {
    return (await readPrefix(new FileReader(handle, (await handle.stat()).size))).header;
  } finally {
    await handle.close();
  }
}

async function readPrefix(reader: FileReader): Promise<{ header: BackupHeader; prefix: Buffer }> {
  const notOurs = new BackupRefused('This file is not a Faro backup.');
  const magic = await reader.read(MAGIC.length).catch(() => null);
  if (!magic?.equals(MAGIC)) throw notOurs;
  const lengthBytes = await reader.read(4);
  const length = lengthBytes?.readUInt32BE() ?? 0;
  if (length === 0 || length > MAX_HEADER) throw notOurs;
  const json = await reader.read(length);
  let header: BackupHeader;
  try {
    header = JSON.parse(String(json)) as BackupHeader;
  } catch {
    throw notOurs;
  }
  if (header.format !== 'faro-backup') throw notOurs;
  if (header.version !== FORMAT_VERSION)
    throw new BackupRefused(
      `This backup is of format version ${header.version}; this Faro reads version ${FORMAT_VERSION}: use a newer Faro.`,
    );
  return { header, prefix: Buffer.concat([MAGIC, lengthBytes as Buffer, json as Buffer]) };
}

/**
 * Opens a backup and yields its messages in order. Throws BackupRefused when
 * the key or passphrase does not open it, when a message was changed, and
 * when the file ends before the FINAL message (or goes on after it).
 */
export async function* decryptMessages(
  file: string,
  opener: Opener,
  onProgress?: (bytesRead: number, size: number) => void,
): AsyncGenerator<Uint8Array> {
  await sodium.ready;
  const handle = await open(file, 'r');
  try {
    const reader = new FileReader(handle, (await handle.stat()).size);
    const { header, prefix } = await readPrefix(reader);
    const key = await streamKey(header, opener);
    let state: ReturnType<typeof sodium.crypto_secretstream_xchacha20poly1305_init_pull>;
    try {
      state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(unb64(header.stream), key);
    } catch {
      throw new BackupRefused('The backup header is damaged.');
    }
    let first = true;
    for (;;) {
      const lengthBytes = await reader.read(4);
      if (!lengthBytes)
        throw new BackupRefused(
          'The backup file ends before its last part: it is incomplete (cut short while written or copied).',
        );
      const length = lengthBytes.readUInt32BE();
      if (length > MESSAGE_BYTES + 1024) throw new BackupRefused('The backup file is damaged.');
      const cipher = (await reader.read(length)) as Buffer;
      let result: { message: Uint8Array; tag: number } | false;
      try {
        result = sodium.crypto_secretstream_xchacha20poly1305_pull(state, cipher, prefix, 'uint8array');
      } catch {
        result = false;
      }
      if (!result) {
        if (first && header.mode === 'passphrase')
          throw new BackupRefused('The passphrase does not open this backup (or its file is damaged).');
        throw new BackupRefused('The backup file is damaged: a part of it does not decrypt.');
      }
      first = false;
      onProgress?.(reader.done, reader.size);
      yield result.message;
      if (result.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
        if ((await reader.read(1).catch(() => Buffer.alloc(1))) !== null)
          throw new BackupRefused('The backup file goes on after its last part: it is damaged.');
        return;
      }
    }
  } finally {
    await handle.close();
  }
}

async function streamKey(header: BackupHeader, opener: Opener): Promise<Uint8Array> {
  if (header.mode === 'public-key') {
    if (!('keyPair' in opener))
      throw new BackupRefused(
        'This backup is encrypted to a public key: give its private key (--private-key).',
      );
    if (b64(opener.keyPair.publicKey) !== header.recipient)
      throw new BackupRefused(
        'This private key does not open this backup: it was encrypted to another public key.',
      );
    try {
      return sodium.crypto_box_seal_open(
        unb64(header.sealedKey),
        opener.keyPair.publicKey,
        opener.keyPair.privateKey,
      );
    } catch {
      throw new BackupRefused('This private key does not open this backup.');
    }
  }
  if (!('passphrase' in opener))
    throw new BackupRefused(
      'This backup is encrypted with a passphrase: give it (--passphrase-file or typed).',
    );
  const { salt, memoryCost, timeCost, parallelism } = header.kdf;
  return derive(opener.passphrase, unb64(salt), { memoryCost, timeCost, parallelism });
}
