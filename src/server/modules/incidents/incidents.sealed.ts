import type { SealedColumn } from '../../crypto/sealed-column.js';

/** What the incidents module seals (timeline notes), for `faro keys reseal`. */
export const INCIDENTS_SEALED: SealedColumn[] = [
  {
    table: 'incident_timeline',
    key: 'id',
    column: 'note',
    kind: 'text',
    context: { prefix: 'incident-note:', column: 'incident_id' },
  },
];
