// Apart from envelope.ts (argon2, libsodium) so the CLI can register its commands without loading them.

/** A backup that cannot be made or read, said in one sentence for the operator. */
export class BackupRefused extends Error {
  override name = 'BackupRefused';
}
