import { eq } from 'drizzle-orm';
import webpush from 'web-push';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Drizzle } from '../../db/database.js';
import { serverKeys } from '../../db/schema.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const NAME = 'vapid';

/**
 * The server's VAPID key pair (RFC 8292): made once, kept sealed in the
 * database so every process signs with the same key, and browsers'
 * subscriptions stay valid across restarts.
 */
export async function loadVapidKeys(db: Drizzle, box: SecretBox): Promise<VapidKeys> {
  const fresh = webpush.generateVAPIDKeys();
  await db
    .insert(serverKeys)
    .values({ name: NAME, sealed: box.seal(JSON.stringify(fresh), `server-key:${NAME}`) })
    .onConflictDoNothing();
  const [row] = await db.select().from(serverKeys).where(eq(serverKeys.name, NAME));
  if (!row) throw new Error('VAPID keys could not be stored');
  return JSON.parse(box.open(row.sealed, `server-key:${NAME}`)) as VapidKeys;
}
