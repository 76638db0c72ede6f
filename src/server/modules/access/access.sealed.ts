import type { SealedColumn } from '../../crypto/sealed-column.js';

/** What the access module seals (second-factor secrets), for `faro keys reseal`. */
export const ACCESS_SEALED: SealedColumn[] = [
  {
    table: 'totp_credentials',
    key: 'user_id',
    column: 'secret_encrypted',
    kind: 'text',
    context: { prefix: 'totp:', column: 'user_id' },
  },
];
