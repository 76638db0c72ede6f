import { type Challenge, createChallenge, randomInt, type Solution, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../db/database.js';
import { AppError } from './errors.js';
import { spendChallenge, sweepSpentChallenges } from './proof-of-work.repo.js';

/**
 * A self-hosted proof of work (ALTCHA, protocol v2) in front of the public
 * report form: the browser spends about a second of computation while the
 * person fills in the form; a script flooding the endpoint pays that per
 * report. No third party, no cookie, nothing about the person. Challenges are
 * signed with a key derived from the server key, expire, and are accepted
 * once — by all Faro processes together: the spent ones are in the database
 * (`spent_challenges`), so a solution accepted behind one process of a load
 * balancer is refused by the others.
 */
export interface ProofOfWork {
  challenge(): Promise<Challenge>;
  /** Checks the header the form sends; a reason when it does not pass. */
  verify(header: string | undefined): Promise<'ok' | 'missing' | 'invalid' | 'expired' | 'reused'>;
}

const ALGORITHM = 'SHA-256';
const TTL_MS = 15 * 60_000;
/**
 * How often a process deletes expired spent challenges, and how many at most each time: a sweep
 * per verification was a DELETE before every report's insert; once in a while keeps the table
 * small at a fraction of the cost (as the rate-limit store sweeps its windows).
 */
const SWEEP_EVERY_MS = 10_000;
const SWEEP_LIMIT = 1000;

export function createProofOfWork(
  box: SecretBox,
  database: Database,
  options: { maxCounter: number; now?: () => number },
): ProofOfWork {
  const now = options.now ?? Date.now;
  // Derived, so the server key itself never leaves the secret box.
  const hmacSignatureSecret = box.digest('challenge-signature', 'altcha');
  const hmacKeySignatureSecret = box.digest('key-signature', 'altcha');
  let lastSweep = 0;
  const sweep = () => {
    if (now() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now();
    // Off the request's path: a failed sweep is retried by a later one.
    sweepSpentChallenges(database.db, new Date(now()), SWEEP_LIMIT).catch(() => undefined);
  };

  return {
    challenge: () =>
      createChallenge({
        algorithm: ALGORITHM,
        cost: 1,
        // Deterministic mode: the solver must count up to this; the server checks one HMAC.
        counter: randomInt(Math.floor(options.maxCounter / 4), options.maxCounter),
        deriveKey,
        expiresAt: new Date(now() + TTL_MS),
        hmacSignatureSecret,
        hmacKeySignatureSecret,
      }),

    async verify(header) {
      if (!header) return 'missing';
      let payload: { challenge: Challenge; solution: Solution };
      try {
        payload = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
      } catch {
        return 'invalid';
      }
      if (!payload?.challenge?.parameters || !payload.solution || !payload.challenge.signature)
        return 'invalid';
      if (payload.challenge.parameters.algorithm !== ALGORITHM) return 'invalid';
      const result = await verifySolution({
        challenge: payload.challenge,
        solution: payload.solution,
        deriveKey,
        hmacSignatureSecret,
        hmacKeySignatureSecret,
      });
      if (result.expired) return 'expired';
      if (!result.verified) return 'invalid';
      // Only now, the signature checked: a forged one never reaches the table. One report per solved challenge.
      const expiresAt = new Date((payload.challenge.parameters.expiresAt ?? 0) * 1000 || now() + TTL_MS);
      sweep();
      const first = await spendChallenge(database.db, payload.challenge.signature, expiresAt);
      return first ? 'ok' : 'reused';
    },
  };
}

/** The header a public form sends its solved challenge in. */
export const PROOF_OF_WORK_HEADER = 'x-faro-pow';

/**
 * Refuses (403, `details.proofOfWork` says why) a request of a public form
 * without a valid, unspent solution, when this server asks for one.
 */
export async function requireProofOfWork(proofOfWork: ProofOfWork | null, header: unknown): Promise<void> {
  if (!proofOfWork) return;
  const outcome = await proofOfWork.verify(typeof header === 'string' ? header : undefined);
  if (outcome === 'ok') return;
  throw new AppError(
    'FORBIDDEN',
    outcome === 'expired'
      ? 'The form’s security check expired. Send again: nothing you typed is lost.'
      : 'The form’s security check is missing or not valid. Reload the page and send again.',
    { proofOfWork: outcome },
  );
}
