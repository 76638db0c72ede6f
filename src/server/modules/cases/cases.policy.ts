/**
 * Need to know, for cases: the legal team of the organization a case is assigned to holds it, and
 * so do the people that team added to it. Nobody else — not dispatchers, not other organizations'
 * legal teams, not coalition admins — is told that it exists (404). Only the holding team moves
 * the case (refers it, adds people, closes it); people it added work on it.
 */
export interface CaseReach {
  /** Organizations in which the person is on the legal team. */
  legalOrganizationIds: readonly string[];
  /** Whether the holding team added them to this case. */
  added: boolean;
}

export const holdsCase = (reach: CaseReach, row: { organizationId: string }) =>
  reach.legalOrganizationIds.includes(row.organizationId);

export const seesCase = (reach: CaseReach, row: { organizationId: string }) =>
  holdsCase(reach, row) || reach.added;
