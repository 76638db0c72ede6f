import { type SealedColumn, sealedById } from '../../crypto/sealed-column.js';

/** What the alerts module seals (a subscription's contact), for `faro keys reseal`. */
export const ALERTS_SEALED: SealedColumn[] = [sealedById('subscriptions', 'contact', 'subscription:')];
