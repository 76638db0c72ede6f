import webpush from 'web-push';
import type { SecretBox } from '../../crypto/secret-box.js';
import { findServerKey, insertServerKeyIfMissing } from '../../crypto/server-keys.repo.js';
import type { Drizzle } from '../../db/database.js';

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
  await insertServerKeyIfMissing(db, NAME, box.seal(JSON.stringify(fresh), `server-key:${NAME}`));
  const sealed = await findServerKey(db, NAME);
  if (!sealed) throw new Error('VAPID keys could not be stored');
  return JSON.parse(box.open(sealed, `server-key:${NAME}`)) as VapidKeys;
}
