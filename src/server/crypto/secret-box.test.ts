import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sodium from 'libsodium-wrappers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { rotateKeyFile } from './rotation.js';
import { createSecretBox, keyId, kidOf, UnknownKeyError } from './secret-box.js';
import { loadKeyRing, parseKeyFile } from './secret-key.js';

const A = randomBytes(32);
const B = randomBytes(32);

/** A value sealed the way Faro sealed before key ids existed (`v1.<nonce>.<ct>`, bytes 1 + nonce + ct). */
async function legacySeal(key: Uint8Array, plaintext: string | Uint8Array, context: string) {
  await sodium.ready;
  const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, context, null, nonce, key);
  return {
    text: `v1.${sodium.to_base64(nonce)}.${sodium.to_base64(ciphertext)}`,
    bytes: Uint8Array.from([1, ...nonce, ...ciphertext]),
  };
}

describe('the keyring box', () => {
  it('seals with the current key, naming it: v2.<kid>. and bytes 2 + kid', async () => {
    const box = await createSecretBox({ current: B, others: [A] });
    expect(box.currentKid).toBe(keyId(B));
    expect(keyId(B)).toMatch(/^[0-9a-f]{8}$/);
    const sealed = box.seal('+13235550142', 'report-callback:1');
    expect(sealed.startsWith(`v2.${keyId(B)}.`)).toBe(true);
    expect(kidOf(sealed)).toBe(keyId(B));
    expect(box.open(sealed, 'report-callback:1')).toBe('+13235550142');
    const bytes = box.sealBytes(Buffer.from('photo'), 'report-photo:1');
    expect(bytes[0]).toBe(2);
    expect(kidOf(bytes)).toBe(keyId(B));
    expect(Buffer.from(box.openBytes(bytes, 'report-photo:1')).toString()).toBe('photo');
    // Still bound to its context.
    expect(() => box.open(sealed, 'report-callback:2')).toThrow();
  });

  it('opens values sealed before key ids (v1) with whichever key of the ring made them', async () => {
    const old = await legacySeal(A, 'hello', 'case-note:1');
    expect(kidOf(old.text)).toBe('v1');
    expect(kidOf(old.bytes)).toBe('v1');
    const alone = await createSecretBox(A);
    expect(alone.open(old.text, 'case-note:1')).toBe('hello');
    const rotated = await createSecretBox({ current: B, others: [A] });
    expect(rotated.open(old.text, 'case-note:1')).toBe('hello');
    expect(Buffer.from(rotated.openBytes(old.bytes, 'case-note:1')).toString()).toBe('hello');
    const without = await createSecretBox(B);
    expect(() => without.open(old.text, 'case-note:1')).toThrow();
  });

  it('reads and writes the text form exactly as libsodium wrote it: stored values open, new ones open with libsodium', async () => {
    await sodium.ready;
    const box = await createSecretBox(A);
    const context = 'push-contact:ñ-α-😀';
    const plaintext = '{"endpoint":"https://fcm.googleapis.com/fcm/send/é","keys":{"auth":"ü😀"}}';
    // Sealed as the box did with libsodium's own base64 and UTF-8 conversions (before Node's Buffer did them).
    const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, context, null, nonce, A);
    const stored = `v2.${keyId(A)}.${sodium.to_base64(nonce)}.${sodium.to_base64(ciphertext)}`;
    expect(box.open(stored, context)).toBe(plaintext);
    // And what the box seals now, libsodium opens; a text form with what is not base64 in it is refused.
    const [, kid, sealedNonce = '', sealedCiphertext = ''] = box.seal(plaintext, context).split('.');
    expect(kid).toBe(keyId(A));
    const opened = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sodium.from_base64(sealedCiphertext),
      context,
      sodium.from_base64(sealedNonce),
      A,
      'text',
    );
    expect(opened).toBe(plaintext);
    // Only the one spelling libsodium accepted opens: no stray character, no padding, no dangling
    // last character, no other padding bits, no standard-alphabet characters.
    const last = stored.slice(-1);
    const otherBits = String.fromCharCode(last.charCodeAt(0) ^ 1);
    for (const altered of [
      stored.replace(/\.([^.]*)$/, '.!$1'),
      `${stored}=`,
      `${stored}A`,
      stored.slice(0, -1) + otherBits,
      stored.replace(/-/g, '+').replace(/_/g, '/'),
    ])
      if (altered !== stored) expect(() => box.open(altered, context), altered).toThrow();
    // What is not UTF-8 is refused, as libsodium's to_string refused it.
    const notText = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      Uint8Array.from([0xc3, 0x28]),
      context,
      null,
      nonce,
      A,
    );
    expect(() =>
      box.open(`v2.${keyId(A)}.${sodium.to_base64(nonce)}.${sodium.to_base64(notText)}`, context),
    ).toThrow();
  });

  it('refuses a value sealed with a key the ring lacks, naming that key', async () => {
    const sealed = (await createSecretBox(B)).seal('x', 'plan:1');
    const ring = await createSecretBox({ current: A });
    expect(() => ring.open(sealed, 'plan:1')).toThrow(UnknownKeyError);
    expect(() => ring.open(sealed, 'plan:1')).toThrow(keyId(B));
    const bytes = (await createSecretBox(B)).sealBytes(Buffer.from('y'), 'plan:1');
    expect(() => ring.openBytes(bytes, 'plan:1')).toThrow(UnknownKeyError);
    expect(() => ring.open('not sealed', 'plan:1')).toThrow('not a sealed value');
  });

  it('keeps digests on the digest key, whatever key seals', async () => {
    const before = await createSecretBox(A);
    const after = await createSecretBox({ current: B, others: [A] });
    expect(after.digest('+13235550142', 'contact')).not.toBe(before.digest('+13235550142', 'contact'));
    after.setDigestKey(A);
    expect(after.digest('+13235550142', 'contact')).toBe(before.digest('+13235550142', 'contact'));
  });
});

describe('the key file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faro-keys-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('holds one key a line, the current first; `faro keys rotate` puts a new one first, privately', async () => {
    const file = path.join(dir, 'one.key');
    await writeFile(file, `${A.toString('base64')}\n`, { mode: 0o600 });
    const config = {
      secretKey: undefined,
      openOnlyKeys: [],
      keyFile: file,
      legacyKeyFile: path.join(dir, 'none'),
      database: { kind: 'pglite', dataDir: dir },
    } as unknown as Parameters<typeof loadKeyRing>[0];
    const running = await createSecretBox(await loadKeyRing(config));
    expect(running.currentKid).toBe(keyId(A));

    const keys = await rotateKeyFile(file, (f) => readFile(f, 'utf8'));
    expect(keys).toHaveLength(2);
    expect(Buffer.from(keys[1] as Uint8Array).equals(A)).toBe(true);
    expect(parseKeyFile(await readFile(file, 'utf8')).map(keyId)).toEqual([
      keyId(keys[0] as Uint8Array),
      keyId(A),
    ]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    // A process started before the rotation meets a value sealed with the new key: it re-reads the file.
    const rotated = await createSecretBox(await loadKeyRing(config));
    expect(rotated.currentKid).toBe(keyId(keys[0] as Uint8Array));
    const sealed = rotated.seal('after', 'plan:2');
    expect(running.open(sealed, 'plan:2')).toBe('after');
    expect(running.open(running.seal('old too', 'plan:3'), 'plan:3')).toBe('old too');
  });
});

describe('keys from the environment', () => {
  const key = (n: number) => Buffer.alloc(32, n).toString('base64');

  it('seals with FARO_SECRET_KEY and opens with FARO_OLD_SECRET_KEYS and FARO_NEXT_SECRET_KEY', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      FARO_SECRET_KEY: key(1),
      FARO_OLD_SECRET_KEYS: `${key(2)}, ${key(3)}`,
      FARO_NEXT_SECRET_KEY: key(4),
    });
    const box = await createSecretBox(await loadKeyRing(config));
    expect(box.currentKid).toBe(keyId(Buffer.from(key(1), 'base64')));
    expect(box.kids()).toHaveLength(4);
  });

  it('refuses an old key that is not 32 bytes, naming the variable', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'test', FARO_SECRET_KEY: key(1), FARO_OLD_SECRET_KEYS: 'c2hvcnQ=' }),
    ).toThrow(/FARO_OLD_SECRET_KEYS/);
  });

  it('makes a rolling restart safe: a process announced the next key reads what the new ones seal, and back', async () => {
    const old = key(5);
    const next = key(6);
    // Step 1 done: still sealing with the old key, the next one announced.
    const notYetRestarted = await createSecretBox(
      await loadKeyRing(loadConfig({ NODE_ENV: 'test', FARO_SECRET_KEY: old, FARO_NEXT_SECRET_KEY: next })),
    );
    // Step 2, restarted: the new key current, the old one listed.
    const restarted = await createSecretBox(
      await loadKeyRing(loadConfig({ NODE_ENV: 'test', FARO_SECRET_KEY: next, FARO_OLD_SECRET_KEYS: old })),
    );
    expect(notYetRestarted.open(restarted.seal('a', 'plan:1'), 'plan:1')).toBe('a');
    expect(restarted.open(notYetRestarted.seal('b', 'plan:1'), 'plan:1')).toBe('b');
    // Without the announcement, the old process could not.
    const unannounced = await createSecretBox(Buffer.from(old, 'base64'));
    expect(() => unannounced.open(restarted.seal('a', 'plan:1'), 'plan:1')).toThrow(UnknownKeyError);
  });
});
