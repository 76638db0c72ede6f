import { ACCESS_SEALED } from '../modules/access/access.sealed.js';
import { ALERTS_SEALED } from '../modules/alerts/alerts.sealed.js';
import { CASES_SEALED } from '../modules/cases/cases.sealed.js';
import { DISPATCH_SEALED } from '../modules/dispatch/dispatch.sealed.js';
import { EVIDENCE_SEALED } from '../modules/evidence/evidence.sealed.js';
import { INCIDENTS_SEALED } from '../modules/incidents/incidents.sealed.js';
import { PLANS_SEALED } from '../modules/plans/plans.sealed.js';
import { REPORTS_SEALED } from '../modules/reports/reports.sealed.js';
import type { SealedColumn } from './sealed-column.js';

/** The server's own keys (key check, digest key, VAPID, evidence signing key): `server-key:<name>`. */
const SERVER_KEYS_SEALED: SealedColumn = {
  table: 'server_keys',
  key: 'name',
  column: 'sealed',
  kind: 'text',
  context: { prefix: 'server-key:', column: 'name' },
};

/** Every column sealed with the server key, as the modules declare them. */
export const SEALED_COLUMNS: readonly SealedColumn[] = [
  SERVER_KEYS_SEALED,
  ...ACCESS_SEALED,
  ...ALERTS_SEALED,
  ...CASES_SEALED,
  ...DISPATCH_SEALED,
  ...EVIDENCE_SEALED,
  ...INCIDENTS_SEALED,
  ...PLANS_SEALED,
  ...REPORTS_SEALED,
];

/**
 * Contexts sealed with the server key that are kept in no table, so not re-sealed: job payloads
 * (counted by `faro keys status`, gone once the queue has run them and pg-boss has deleted them),
 * the demo's secrets file (remade by `faro demo accounts`), and reasons in the evidence chain of
 * custody (evidence.sealed.ts counts them).
 */
export const UNDECLARED_CONTEXTS = {
  jobPayloads: [
    'plan-sms:',
    'plan-mail:',
    'invitation:',
    'sms-reply:',
    'case-family-sms:',
    'subscription-confirm:',
  ],
  files: ['demo-secrets'],
  /** Sealed into the evidence chain of custody, whose hashes cover them: counted, never re-sealed. */
  custodyLog: ['evidence-document-deletion:'],
} as const;
