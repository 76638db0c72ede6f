import type { SealedColumn } from '../../crypto/sealed-column.js';
import { sealedById } from '../../crypto/sealed-column.js';

/** What the dispatch module seals, for `faro keys reseal`. */
export const DISPATCH_SEALED: SealedColumn[] = [
  sealedById('assignments', 'notes', 'assignment-notes:'),
  sealedById('staff_push_subscriptions', 'subscription', 'staff-push:'),
  {
    table: 'responder_profiles',
    key: 'user_id',
    column: 'backup_phone',
    kind: 'text',
    context: { prefix: 'backup-phone:', column: 'user_id' },
  },
  {
    table: 'responder_profiles',
    key: 'user_id',
    column: 'offer_phone',
    kind: 'text',
    context: { prefix: 'offer-phone:', column: 'user_id' },
  },
  {
    table: 'incident_messages',
    key: 'id',
    column: 'body',
    kind: 'text',
    context: { prefix: 'incident-message:', column: 'incident_id' },
  },
  {
    table: 'incident_messages',
    key: 'id',
    column: 'audio',
    kind: 'bytes',
    context: { prefix: 'incident-message:', column: 'incident_id' },
    batchSize: 50,
  },
];
