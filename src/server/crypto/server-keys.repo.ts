import { eq } from 'drizzle-orm';
import type { Drizzle } from '../db/database.js';
import { serverKeys } from '../db/schema.js';

/** Stores a sealed server key under its name unless one is there already (the first process wins). */
export async function insertServerKeyIfMissing(db: Drizzle, name: string, sealed: string): Promise<void> {
  await db.insert(serverKeys).values({ name, sealed }).onConflictDoNothing();
}

/** Every sealed server key, to check that this process's key opens them. */
export function listServerKeys(db: Drizzle): Promise<{ name: string; sealed: string }[]> {
  return db.select({ name: serverKeys.name, sealed: serverKeys.sealed }).from(serverKeys);
}

/** One sealed server key by name. */
export async function findServerKey(db: Drizzle, name: string): Promise<string | undefined> {
  const [row] = await db
    .select({ sealed: serverKeys.sealed })
    .from(serverKeys)
    .where(eq(serverKeys.name, name));
  return row?.sealed;
}
