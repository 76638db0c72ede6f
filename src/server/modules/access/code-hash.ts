import { createHash } from 'node:crypto';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Drizzle } from '../../db/database.js';
import { rewriteRecoveryCodeHash, unkeyedRecoveryCodes } from './factors.repo.js';
import { rewriteInvitationHash, unkeyedInvitations } from './invitations.repo.js';

/**
 * Stored form of the single-use codes (invitation codes, recovery codes):
 * a keyed hash, so a copy of the database alone cannot be searched for them
 * offline (issue 12 item 14). The key is the server key (`SecretBox.digest`).
 *
 * Earlier versions stored a plain SHA-256 of the normalized code. The keyed
 * form is the HMAC *of that SHA-256*, so the rows already stored are upgraded
 * in place without knowing their codes (`upgradeCodeHashes` at start-up), and
 * every existing invitation and recovery code keeps working.
 */
const KEYED = 'k1:';

export type CodePurpose = 'invitation-code' | 'recovery-code';

/** The unkeyed form earlier versions stored: SHA-256 (hex) of the normalized code. */
const legacyHash = (normalized: string) => createHash('sha256').update(normalized).digest('hex');

/** Upgrades a stored hash to the keyed form; a keyed one is returned as it is. */
export const keyedFromStored = (box: SecretBox, purpose: CodePurpose, stored: string) =>
  stored.startsWith(KEYED) ? stored : `${KEYED}${box.digest(stored, purpose)}`;

/** The keyed hash to store for a normalized code. */
export const codeHash = (box: SecretBox, purpose: CodePurpose, normalized: string) =>
  keyedFromStored(box, purpose, legacyHash(normalized));

/**
 * The stored forms that mean this code: the keyed one, and the unkeyed one a
 * process of an earlier version may still write during a rolling upgrade.
 */
export const codeHashCandidates = (box: SecretBox, purpose: CodePurpose, normalized: string) => [
  codeHash(box, purpose, normalized),
  legacyHash(normalized),
];

/** Whether a stored hash is still in the unkeyed form. */
export const isLegacyHash = (stored: string) => !stored.startsWith(KEYED);

/**
 * Rewrites every stored code hash still in the unkeyed form to the keyed one.
 * Run at start-up (idempotent; several processes may run it at once).
 */
export async function upgradeCodeHashes(db: Drizzle, box: SecretBox): Promise<number> {
  let upgraded = 0;
  for (const row of await unkeyedRecoveryCodes(db)) {
    await rewriteRecoveryCodeHash(
      db,
      row.userId,
      row.codeHash,
      keyedFromStored(box, 'recovery-code', row.codeHash),
    );
    upgraded++;
  }
  for (const row of await unkeyedInvitations(db)) {
    await rewriteInvitationHash(
      db,
      row.id,
      row.secretHash,
      keyedFromStored(box, 'invitation-code', row.secretHash),
    );
    upgraded++;
  }
  return upgraded;
}
