import { createHmac } from 'node:crypto';
import { type CasePerson, normalizeANumber, normalizeName } from '../../../shared/cases.js';
import type { SecretBox } from '../../crypto/secret-box.js';

/**
 * How a case is found without reading a name or an A-number in SQL: an HMAC of the normalized
 * value under a key of its own, derived from the server key (so these digests say nothing about
 * any other digest Faro keeps). Exact A-number (its 9 digits); a name normalized for case, accents,
 * spacing and token order, for the name and each alias.
 */
export interface CaseDigester {
  aNumber(value: string): string | null;
  name(value: string): string | null;
  /** Every digest a person is found by. */
  of(
    person: Pick<CasePerson, 'name' | 'aliases' | 'aNumber'>,
  ): { kind: 'a_number' | 'name'; digest: string }[];
}

export function createCaseDigester(box: SecretBox): CaseDigester {
  const key = Buffer.from(box.digest('v1', 'cases:search-key'), 'hex');
  const mac = (purpose: string, value: string) =>
    createHmac('sha256', key).update(`${purpose}\0${value}`).digest('hex');
  const aNumber = (value: string) => {
    const normalized = normalizeANumber(value);
    return normalized ? mac('a-number', normalized) : null;
  };
  const name = (value: string) => {
    const normalized = normalizeName(value);
    return normalized ? mac('name', normalized) : null;
  };
  return {
    aNumber,
    name,
    of(person) {
      const found: { kind: 'a_number' | 'name'; digest: string }[] = [];
      for (const value of [person.name, ...(person.aliases ?? [])]) {
        const digest = name(value);
        if (digest) found.push({ kind: 'name', digest });
      }
      const number = person.aNumber ? aNumber(person.aNumber) : null;
      if (number) found.push({ kind: 'a_number', digest: number });
      return found;
    },
  };
}
