import type { Algorithm } from '@node-rs/argon2';

/** argon2 (a native module) loads with the first password hashed or checked, not when the server starts. */
const loadArgon2 = () => import('@node-rs/argon2');

// Algorithm is a const enum, which isolated modules cannot read: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

/**
 * argon2id with OWASP's minimum recommended parameters (Password Storage Cheat
 * Sheet: m = 19 MiB, t = 2, p = 1). Measured here at roughly 30–60 ms a hash on
 * one core: slow for a guesser, fine for a person signing in.
 */
export const ARGON2_PARAMS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Hashes a password for storage. */
export async function hashPassword(password: string): Promise<string> {
  const { hash } = await loadArgon2();
  return hash(password, ARGON2_PARAMS);
}

/** Checks a password against a stored hash. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  const { verify } = await loadArgon2();
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

// A real hash of a random password, checked when the account does not exist, so
// "no such account" takes as long as "wrong password" and cannot be told apart.
let decoy: Promise<string> | undefined;
/** Spends the time of one verification without a real account. */
export async function verifyDecoy(password: string): Promise<false> {
  decoy ??= hashPassword(crypto.randomUUID());
  await verifyPassword(await decoy, password);
  return false;
}
