import { type SealedColumn, sealedById } from '../../crypto/sealed-column.js';

/** What the reports module seals (restricted.ts, callback.ts, photos.ts), for `faro keys reseal`. */
export const REPORTS_SEALED: SealedColumn[] = [
  sealedById('reports', 'restricted', 'report:'),
  sealedById('reports', 'callback', 'report-callback:'),
  { ...sealedById('report_photos', 'sealed', 'report-photo:', 'bytes'), batchSize: 50 },
];
