import type { CasePerson } from '../../../shared/cases.js';
import type { SecretBox } from '../../crypto/secret-box.js';

/**
 * Each sealed field of a case is bound to its row and its purpose, so a value copied to another
 * row or column does not open.
 */
export const context = {
  person: (caseId: string) => `case-person:${caseId}`,
  consent: (caseId: string) => `case-consent:${caseId}`,
  facility: (caseId: string) => `case-facility:${caseId}`,
  custodyFacility: (eventId: string) => `case-custody-facility:${eventId}`,
  hearing: (id: string) => `case-hearing:${id}`,
  contact: (id: string) => `case-contact:${id}`,
  task: (id: string) => `case-task:${id}`,
  note: (id: string) => `case-note:${id}`,
  referral: (id: string) => `case-referral:${id}`,
};

export const sealJson = (box: SecretBox, value: unknown, where: string) =>
  box.seal(JSON.stringify(value), where);
export const openJson = <T>(box: SecretBox, sealed: string, where: string) =>
  JSON.parse(box.open(sealed, where)) as T;
export const openOrNull = (box: SecretBox, sealed: string | null, where: string) =>
  sealed === null ? null : box.open(sealed, where);

/** The fields needed to seek consent; everything else waits for it. */
export const SEEKING_FIELDS: readonly (keyof CasePerson)[] = ['name', 'contact'];
