import { type SealedColumn, sealedById } from '../../crypto/sealed-column.js';

/** What the cases module seals (sealing.ts contexts, documents.ts), for `faro keys reseal`. */
export const CASES_SEALED: SealedColumn[] = [
  sealedById('cases', 'person', 'case-person:'),
  sealedById('cases', 'consent_given_by', 'case-consent:'),
  sealedById('cases', 'facility_text', 'case-facility:'),
  sealedById('case_custody_events', 'facility_text', 'case-custody-facility:'),
  sealedById('case_hearings', 'details', 'case-hearing:'),
  sealedById('case_contacts', 'details', 'case-contact:'),
  sealedById('case_tasks', 'text', 'case-task:'),
  sealedById('case_notes', 'text', 'case-note:'),
  sealedById('case_referrals', 'note', 'case-referral:'),
  sealedById('case_documents', 'title', 'case-document-title:'),
];
