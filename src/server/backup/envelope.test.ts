import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import {
  type BackupKeyPair,
  decryptMessages,
  generateBackupKeyPair,
  MESSAGE_BYTES,
  type Opener,
  type Recipient,
  startEncryption,
} from './envelope.js';

/** The backup file's encryption alone, with no database: what opens it, and what does not. */
let dir: string;
let pair: BackupKeyPair;
const messages = [randomBytes(100), randomBytes(MESSAGE_BYTES), Buffer.from('the end')];

async function write(recipient: Recipient): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  const writer = await startEncryption(recipient, async (bytes) => void parts.push(bytes));
  for (const [i, message] of messages.entries()) await writer.push(message, i === messages.length - 1);
  return Buffer.concat(parts);
}

async function read(bytes: Buffer, opener: Opener): Promise<Buffer[]> {
  const file = path.join(dir, `${randomBytes(4).toString('hex')}.backup`);
  await writeFile(file, bytes);
  const out: Buffer[] = [];
  for await (const message of decryptMessages(file, opener)) out.push(Buffer.from(message));
  return out;
}

/** Where each message (length prefix included) starts, after the header. */
function offsets(bytes: Buffer): number[] {
  const found: number[] = [];
  for (let at = 10 + 4 + bytes.readUInt32BE(10); at < bytes.length; at += 4 + bytes.readUInt32BE(at))
    found.push(at);
  return found;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'faro-envelope-'));
  pair = await generateBackupKeyPair();
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('the backup envelope', () => {
  it('opens with the private key, and with nothing else', async () => {
    const bytes = await write({ publicKey: pair.publicKey });
    expect(await read(bytes, { keyPair: pair })).toEqual(messages);
    const other = await generateBackupKeyPair();
    await expect(read(bytes, { keyPair: other })).rejects.toThrow('encrypted to another public key');
    // Another private key claiming this public key still does not open the sealed file key.
    await expect(read(bytes, { keyPair: { ...other, publicKey: pair.publicKey } })).rejects.toThrow(
      'This private key does not open this backup.',
    );
    await expect(read(bytes, { passphrase: 'x' })).rejects.toThrow('give its private key');
  });

  it('opens with the passphrase, not another', async () => {
    const bytes = await write({ passphrase: 'correct horse battery staple' });
    expect(await read(bytes, { passphrase: 'correct horse battery staple' })).toEqual(messages);
    await expect(read(bytes, { passphrase: 'correct horse battery stapler' })).rejects.toThrow(
      'The passphrase does not open this backup',
    );
  });

  it('refuses a file cut short, with a byte changed, with its header changed, or going on after its end', async () => {
    const bytes = await write({ publicKey: pair.publicKey });
    const starts = offsets(bytes);
    expect(starts).toHaveLength(3);
    // Cut exactly before the last message: every message left decrypts, but the FINAL one is missing.
    await expect(read(bytes.subarray(0, starts[2]), { keyPair: pair })).rejects.toThrow(
      'ends before its last part',
    );
    await expect(read(bytes.subarray(0, bytes.length - 5), { keyPair: pair })).rejects.toThrow('cut short');
    const changed = Buffer.from(bytes);
    const at = (starts[1] ?? 0) + 100;
    changed[at] = (changed[at] ?? 0) ^ 1;
    await expect(read(changed, { keyPair: pair })).rejects.toThrow('does not decrypt');
    // The header is authenticated by every message: a changed field (here a space added) fails.
    const header = JSON.parse(String(bytes.subarray(14, 14 + bytes.readUInt32BE(10))));
    const json = Buffer.from(JSON.stringify(header, null, 1));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(json.length);
    const rewritten = Buffer.concat([bytes.subarray(0, 10), length, json, bytes.subarray(starts[0])]);
    await expect(read(rewritten, { keyPair: pair })).rejects.toThrow('does not decrypt');
    await expect(read(Buffer.concat([bytes, Buffer.from([0])]), { keyPair: pair })).rejects.toThrow(
      'goes on after its last part',
    );
    await expect(read(Buffer.from('not a backup at all'), { keyPair: pair })).rejects.toThrow(
      'This file is not a Faro backup.',
    );
  });

  it('holds none of its plaintext', async () => {
    const marker = Buffer.from(`FARO-ENVELOPE-${randomBytes(6).toString('hex')}`);
    const parts: Uint8Array[] = [];
    const writer = await startEncryption(
      { publicKey: pair.publicKey },
      async (bytes) => void parts.push(bytes),
    );
    await writer.push(Buffer.concat([marker, marker, marker]), true);
    expect(Buffer.concat(parts).includes(marker)).toBe(false);
  });
});

describe('the scheduled backups’ settings', () => {
  const base = { NODE_ENV: 'test' as const };
  it('ask for a public key with the folder, never a passphrase', () => {
    expect(() => loadConfig({ ...base, BACKUP_DIR: '/srv/backups' })).toThrow(
      'BACKUP_PUBLIC_KEY: is required with BACKUP_DIR',
    );
    expect(() => loadConfig({ ...base, BACKUP_DIR: '/srv/backups', BACKUP_PUBLIC_KEY: 'c2hvcnQ=' })).toThrow(
      'must be the public key',
    );
    const publicKey = Buffer.from(pair.publicKey).toString('base64');
    expect(
      loadConfig({ ...base, BACKUP_DIR: '/srv/backups', BACKUP_PUBLIC_KEY: publicKey, BACKUP_KEEP: '3' })
        .backup,
    ).toEqual({ dir: '/srv/backups', everyHours: 24, keep: 3, publicKey: pair.publicKey });
    expect(loadConfig(base).backup).toBeNull();
  });
});
