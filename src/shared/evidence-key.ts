// Apart from evidence.ts (zod) so the CLI's help can name it without loading zod.

/** Where a server publishes the public half of the key that signs its evidence bundles (RFC 8615). */
export const EVIDENCE_KEY_PATH = '/.well-known/faro-evidence-key';
