import { type SealedColumn, sealedById } from '../../crypto/sealed-column.js';

/** What the plans module keeps sealed (the plan's content), for `faro keys reseal`. */
export const PLANS_SEALED: SealedColumn[] = [sealedById('emergency_plans', 'sealed', 'plan:')];
