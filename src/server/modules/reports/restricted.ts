import type { SecretBox } from '../../crypto/secret-box.js';

/** A report's restricted fields, stored only sealed (and deleted by the retention job). */
export interface RestrictedFields {
  lat: number | null;
  lng: number | null;
  place: string | null;
  description: string | null;
  /** The reporter's free-text uniform markings: their own words, which may name or number someone. */
  markings: string | null;
}

const EMPTY: RestrictedFields = { lat: null, lng: null, place: null, description: null, markings: null };
const context = (reportId: string) => `report:${reportId}`;

/** Seals the fields for storage, bound to the report's id; null when there is nothing to keep. */
export function sealRestricted(box: SecretBox, reportId: string, fields: RestrictedFields): string | null {
  if (Object.values(fields).every((value) => value === null)) return null;
  return box.seal(JSON.stringify(fields), context(reportId));
}

/** Opens sealed fields; nothing sealed (or already purged) reads as empty. */
export function openRestricted(box: SecretBox, reportId: string, sealed: string | null): RestrictedFields {
  return sealed
    ? { ...EMPTY, ...(JSON.parse(box.open(sealed, context(reportId))) as RestrictedFields) }
    : EMPTY;
}
